from django.urls import path

from erdem.access import views

app_name = "access"
urlpatterns = [
    path("", views.role_list, name="list"),
    path("assign/", views.role_assign, name="assign"),
    path("<int:pk>/end/", views.role_end, name="end"),
]
