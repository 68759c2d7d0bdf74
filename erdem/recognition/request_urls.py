from django.urls import path

from erdem.recognition import office_views, views

urlpatterns = [
    path("requests/", views.mine, name="mine"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request"),
    path("requests/<uuid:public_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<uuid:public_id>/decide/", office_views.decide, name="decide"),
    path("office/", office_views.office, name="office"),
    path("degrees/", office_views.degrees, name="degrees"),
    path("degrees/<int:pk>/", office_views.degree, name="degree"),
    path("degrees/<int:pk>/edit/", office_views.degree_edit, name="degree_edit"),
    path("degrees/<int:pk>/modules/new/", office_views.module_edit, name="module_new"),
    path("degrees/<int:pk>/modules/<int:module_pk>/", office_views.module_edit, name="module_edit"),
    path("degrees/<int:pk>/rules/new/", office_views.rule_edit, name="rule_new"),
    path("degrees/<int:pk>/rules/<int:rule_pk>/", office_views.rule_edit, name="rule_edit"),
    path("degrees/<int:pk>/register.<str:fmt>", office_views.register_export, name="register_export"),
]
