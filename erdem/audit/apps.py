from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "erdem.audit"
    label = "audit"
    verbose_name = "Audit"
