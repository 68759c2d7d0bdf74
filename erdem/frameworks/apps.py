from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "erdem.frameworks"
    label = "frameworks"
