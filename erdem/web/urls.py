from django.urls import path

from erdem.web import views

app_name = "web"
urlpatterns = [
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("language/", views.language_switch, name="language"),
]
