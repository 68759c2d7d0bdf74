from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "erdem.demo"
    label = "demo"
