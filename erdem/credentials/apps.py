from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "erdem.credentials"
    label = "credentials"
    verbose_name = "Credentials"
