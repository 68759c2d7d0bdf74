from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "erdem.core"
    label = "core"

    def ready(self) -> None:
        from erdem.core.i18n import sqlite_collation_register

        connection_created.connect(sqlite_collation_register, dispatch_uid="erdem-sqlite-mongolian-collation")
