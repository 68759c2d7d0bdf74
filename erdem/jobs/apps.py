from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "erdem.jobs"
    label = "jobs"
