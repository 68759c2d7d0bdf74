from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "erdem.access"
    label = "access"
