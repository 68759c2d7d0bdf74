from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "erdem.catalog"
    label = "catalog"
