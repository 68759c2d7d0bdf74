from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "erdem.web"
    label = "web"
