from django.urls import path

from erdem.web import views

app_name = "web"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("language/", views.language_switch, name="language"),
]
