from django.urls import path

from erdem.assignments import authoring_views, views

app_name = "assignments"
urlpatterns = [
    path("<int:pk>/", views.assignment_detail, name="detail"),
    path("review/", views.queue, name="queue"),
    path("submissions/<int:pk>/review/", views.review, name="review"),
    path("files/<int:pk>/", views.file_download, name="file"),
]
urlpatterns += [
    path("author/lessons/<int:lesson_pk>/new/", authoring_views.assignment_new, name="author_new"),
    path("author/<int:pk>/", authoring_views.assignment_edit, name="author_edit"),
    path("author/<int:pk>/delete/", authoring_views.assignment_remove, name="author_delete"),
    path("author/<int:pk>/rubric/", authoring_views.rubric_edit, name="author_rubric"),
]
