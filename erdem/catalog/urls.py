from django.urls import path

from erdem.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("<slug:code>/", views.course_detail, name="course"),
    path("<slug:code>/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
]
