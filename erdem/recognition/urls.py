from django.urls import path

app_name = "recognition"

urlpatterns: list = []
