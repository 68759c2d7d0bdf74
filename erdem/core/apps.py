from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "erdem.core"
    label = "core"
