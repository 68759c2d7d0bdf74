from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "erdem.organisations"
    label = "organisations"
