"""`flush`, emptying the audit log with the rest of the database on SQLite too.

On PostgreSQL Django empties tables with TRUNCATE, which the row triggers do not see; on SQLite it
deletes the rows, which the audit log's delete trigger refuses. Emptying the whole database is the
owner's decision, not a change to the log's history, so on SQLite the trigger is lifted for the flush
and put back afterwards. The tests' transactional cases flush through this command as well.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from erdem.audit.triggers import SQLITE_CREATE_DELETE, SQLITE_DELETE_TRIGGER, TABLE


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        lifted = connection.vendor == "sqlite" and self._trigger_lift(connection)
        try:
            super().handle(**options)
        finally:
            if lifted:
                with connection.cursor() as cursor:
                    cursor.execute(SQLITE_CREATE_DELETE)

    @staticmethod
    def _trigger_lift(connection: Any) -> bool:
        """Drop the delete trigger when it exists; True when it was dropped."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s AND tbl_name = %s",
                [SQLITE_DELETE_TRIGGER, TABLE],
            )
            if cursor.fetchone() is None:
                return False
            cursor.execute(f"DROP TRIGGER {SQLITE_DELETE_TRIGGER}")
        return True
