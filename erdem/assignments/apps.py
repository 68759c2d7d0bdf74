from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "erdem.assignments"
    label = "assignments"
