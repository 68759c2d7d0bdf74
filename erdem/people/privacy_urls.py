from django.urls import path

from erdem.people import privacy_views as views

app_name = "privacy"
urlpatterns = [
    path("", views.privacy_page, name="page"),
    path("export/", views.export_request, name="export"),
    path("export/<uuid:pk>/", views.export_download, name="export_download"),
    path("delete/", views.deletion_request, name="delete"),
    path("delete/cancel/", views.deletion_cancel, name="delete_cancel"),
    path("consent/", views.consent, name="consent"),
    path("deletions/", views.deletion_queue, name="deletion_queue"),
    path("deletions/<int:pk>/process/", views.deletion_process, name="deletion_process"),
]
