from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "erdem.recognition"
    label = "recognition"
    verbose_name = "Recognition"
