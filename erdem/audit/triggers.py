"""The database triggers that keep the audit log append-only, for PostgreSQL and SQLite.

The model refuses `save()` of an existing row, `delete()` and queryset updates and deletes; these
triggers refuse the same through raw SQL or any other client of the database. Both raise an
integrity error, so callers see the same exception class on both databases.

They refuse row changes only. Emptying the whole database (`manage.py flush`: TRUNCATE on
PostgreSQL; on SQLite the flush command of this app lifts the trigger for the flush) and dropping
the trigger remain possible for the database's owner, as any database protection from its owner is.
"""

from typing import Any

from django.db.migrations.operations.base import Operation

TABLE = "audit_auditevent"
MESSAGE = "The audit log is append-only: rows cannot be changed or deleted."

POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = '{MESSAGE} (' || TG_OP || ' refused)', ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    f"""
    CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]

SQLITE_DELETE_TRIGGER = "audit_auditevent_no_delete"
SQLITE_CREATE_UPDATE = f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
"""
SQLITE_CREATE_DELETE = f"""
    CREATE TRIGGER IF NOT EXISTS {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
"""
SQLITE_CREATE = [SQLITE_CREATE_UPDATE, SQLITE_CREATE_DELETE]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    return []  # other databases: the model's guards only


def triggers_create(cursor: Any, vendor: str) -> None:
    for statement in _statements(vendor, create=True):
        cursor.execute(statement)


def triggers_drop(cursor: Any, vendor: str) -> None:
    for statement in _statements(vendor, create=False):
        cursor.execute(statement)


class AppendOnlyTriggers(Operation):
    """The migration operation that creates the triggers on the databases that have them (and drops them
    when the migration is reversed). A schema operation rather than RunPython: it changes no data and is
    not re-run by anything that replays data migrations."""

    reversible = True
    reduces_to_sql = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in _statements(schema_editor.connection.vendor, create=True):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in _statements(schema_editor.connection.vendor, create=False):
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return "Triggers refusing UPDATE and DELETE of audit events"
