from django.urls import path

app_name = "portfolio"

urlpatterns: list = []
