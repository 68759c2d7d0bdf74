from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "erdem.assessments"
    label = "assessments"
