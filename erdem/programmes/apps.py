from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "erdem.programmes"
    label = "programmes"
