from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "erdem.people"
    label = "people"
