"""The log is append-only: the ORM refuses, the database's trigger refuses raw SQL, and a person's
deletion leaves the rows that name them as they were."""

from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from erdem.audit.models import AuditAction, AuditEvent
from erdem.audit.services import audit_record
from erdem.people.models import Person
from erdem.people.tests.factories import make_person


def _event(**fields: Any) -> AuditEvent:
    fields.setdefault("action", AuditAction.SECURITY)
    fields.setdefault("summary", "Sign-in refused")
    return audit_record(**fields)


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_a_row() -> None:
    event = _event(details={"reason": "wrong password"})
    event.summary = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Sign-in refused"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET summary = 'changed' WHERE id = %s",
        "UPDATE audit_auditevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(statement: str) -> None:
    actor = make_person()
    event = _event(actor=actor)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.summary, row.actor_id) == ("Sign-in refused", actor.pk)


@pytest.mark.django_db
def test_new_rows_are_still_written_after_a_refusal() -> None:
    first = _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    second = _event()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [second.pk, first.pk]


@pytest.mark.django_db
def test_deleting_a_person_keeps_the_rows_that_name_them() -> None:
    admin, learner = make_person(), make_person()
    event = _event(actor=admin, subject=learner)
    learner_id = learner.pk
    learner.delete()
    assert not Person.objects.filter(pk=learner_id).exists()
    row = AuditEvent.objects.select_related("actor", "subject").get(pk=event.pk)
    assert (row.actor, row.subject_id, row.subject) == (admin, learner_id, None)


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_empties_the_log_and_keeps_the_trigger() -> None:
    """`flush` (the tests' transactional cases use it) empties every table, the log too; rows written
    afterwards are protected again."""
    _event()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
