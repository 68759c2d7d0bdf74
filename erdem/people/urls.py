from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "people"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="people/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", auth_views.LoginView.as_view(template_name="people/login.html"), name="register"),
    path("profile/", auth_views.LoginView.as_view(template_name="people/login.html"), name="profile"),
    path("institutions/<int:pk>/people/", auth_views.LoginView.as_view(), name="institution_people"),
]
