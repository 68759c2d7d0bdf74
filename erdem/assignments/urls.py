from django.urls import path

from erdem.assignments import views

app_name = "assignments"
urlpatterns = [
    path("<int:pk>/", views.assignment_detail, name="detail"),
    path("review/", views.queue, name="queue"),
    path("submissions/<int:pk>/review/", views.review, name="review"),
    path("files/<int:pk>/", views.file_download, name="file"),
]
