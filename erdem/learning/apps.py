from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "erdem.learning"
    label = "learning"
