"""The portfolio's own pages (composed with endorsement_urls.py into the `portfolio:` namespace)."""

from django.urls import path

from erdem.portfolio import public_views, views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("grid/", views.grid, name="grid"),
    path("settings/", views.portfolio_settings, name="settings"),
    path("settings/new-link", views.public_link_renew, name="public_link_renew"),
    path("portfolio.pdf", views.pdf, name="pdf"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<uuid:public_id>/", views.entry, name="entry"),
    path("entries/<uuid:public_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<uuid:public_id>/delete/", views.entry_delete_view, name="entry_delete"),
    path("entries/<uuid:public_id>/files/<int:file_id>", views.entry_file, name="entry_file"),
    path("p/<str:token>/", public_views.public, name="public"),
    path("p/<str:token>/<uuid:public_id>/", public_views.public_entry, name="public_entry"),
    path(
        "p/<str:token>/<uuid:public_id>/files/<int:file_id>",
        public_views.public_entry_file,
        name="public_entry_file",
    ),
]
