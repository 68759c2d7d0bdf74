from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "erdem.insights"
    label = "insights"
    verbose_name = "Insights"
