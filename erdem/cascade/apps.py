from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "erdem.cascade"
    label = "cascade"
    verbose_name = "Cascade"
