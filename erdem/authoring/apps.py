from django.apps import AppConfig


class AuthoringConfig(AppConfig):
    name = "erdem.authoring"
    label = "authoring"
