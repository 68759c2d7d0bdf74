from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "erdem.api"
    label = "api"
