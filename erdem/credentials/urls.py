from django.urls import path

from erdem.credentials import certificate_views, manage_views, public_views, verify_views, views

app_name = "credentials"

urlpatterns = [
    path("mine/", public_views.mine, name="mine"),
    path("verify/", verify_views.verify, name="verify"),
    path("status/<int:number>", views.status_list, name="status_list"),
    path("achievements/<uuid:public_id>/", public_views.achievement, name="achievement"),
    path("achievements/<uuid:public_id>/image", public_views.achievement_image, name="achievement_image"),
    path("<uuid:public_id>/", public_views.public, name="public"),
    path("<uuid:public_id>/credential.json", public_views.download_json, name="download_json"),
    path("<uuid:public_id>/credential.jwt", public_views.download_jwt, name="download_jwt"),
    path("<uuid:public_id>/certificate.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
    path("<uuid:public_id>/settings", public_views.holder_settings, name="holder_settings"),
    path("manage/", manage_views.achievement_list, name="manage"),
    path("manage/new/", manage_views.achievement_create, name="achievement_create"),
    path("manage/keys/", manage_views.keys, name="keys"),
    path("manage/log/", manage_views.audit_log, name="audit_log"),
    path("manage/credential/<uuid:public_id>/", manage_views.credential_manage, name="credential_manage"),
    path("manage/<uuid:public_id>/", manage_views.achievement_detail, name="achievement_detail"),
    path("manage/<uuid:public_id>/edit/", manage_views.achievement_edit, name="achievement_edit"),
    path("manage/<uuid:public_id>/rules/", manage_views.achievement_rules, name="achievement_rules"),
    path("manage/<uuid:public_id>/issue/", manage_views.issue_manual, name="issue_manual"),
    path("manage/<uuid:public_id>/bulk/", manage_views.issue_bulk, name="issue_bulk"),
    path("manage/<uuid:public_id>/certificates/", certificate_views.certificate_archive, name="certificate_archive"),
]
