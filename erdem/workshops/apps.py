from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "erdem.workshops"
    label = "workshops"
