from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "erdem.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"
