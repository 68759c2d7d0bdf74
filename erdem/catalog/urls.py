from django.urls import path

from erdem.catalog import media_views, package_views, views

app_name = "catalog"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("<slug:code>/", views.course_detail, name="course"),
    path("<slug:code>/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    # a lesson's files for its readers, and offline copies (erdem.catalog.media_views)
    path("<slug:code>/offline/", media_views.course_offline, name="course_offline"),
    path("<slug:code>/lessons/<int:pk>/offline/", media_views.lesson_offline, name="lesson_offline"),
    path("<slug:code>/lessons/<int:pk>/play/<int:media_pk>/<slug:variant>/", media_views.media_file, name="media_file"),
    path(
        "<slug:code>/lessons/<int:pk>/play/<int:media_pk>/captions/<slug:language>/",
        media_views.media_captions,
        name="media_captions",
    ),
    path("<slug:code>/lessons/<int:pk>/images/<slug:key>/", media_views.lesson_image, name="lesson_image"),
    path(
        "<slug:code>/lessons/<int:pk>/files/<int:attachment_pk>/",
        media_views.lesson_attachment,
        name="lesson_attachment",
    ),
    # the course team's pages for them
    path("<slug:code>/lessons/<int:pk>/media/", media_views.lesson_media, name="lesson_media"),
    path("<slug:code>/lessons/<int:pk>/media/add/", media_views.lesson_media_edit, name="lesson_media_add"),
    path(
        "<slug:code>/lessons/<int:pk>/media/<int:media_pk>/edit/",
        media_views.lesson_media_edit,
        name="lesson_media_edit",
    ),
    path(
        "<slug:code>/lessons/<int:pk>/media/<int:media_pk>/delete/",
        media_views.lesson_media_delete,
        name="lesson_media_delete",
    ),
    path("<slug:code>/lessons/<int:pk>/media/images/add/", media_views.lesson_image_edit, name="lesson_image_add"),
    path(
        "<slug:code>/lessons/<int:pk>/media/images/<int:image_pk>/edit/",
        media_views.lesson_image_edit,
        name="lesson_image_edit",
    ),
    path(
        "<slug:code>/lessons/<int:pk>/media/images/<int:image_pk>/delete/",
        media_views.lesson_image_delete,
        name="lesson_image_delete",
    ),
    path(
        "<slug:code>/lessons/<int:pk>/media/files/add/",
        media_views.lesson_attachment_edit,
        name="lesson_attachment_add",
    ),
    path(
        "<slug:code>/lessons/<int:pk>/media/files/<int:attachment_pk>/edit/",
        media_views.lesson_attachment_edit,
        name="lesson_attachment_edit",
    ),
    path(
        "<slug:code>/lessons/<int:pk>/media/files/<int:attachment_pk>/delete/",
        media_views.lesson_attachment_delete,
        name="lesson_attachment_delete",
    ),
    path("<slug:code>/package/", package_views.course_package, name="package"),
    path("<slug:code>/package/download/", package_views.package_export, name="package_export"),
    path("<slug:code>/package/import/", package_views.package_import, name="package_import"),
    path("<slug:code>/translations/download/", package_views.translation_export, name="translation_export"),
    path("<slug:code>/translations/import/", package_views.translation_import, name="translation_import"),
]
