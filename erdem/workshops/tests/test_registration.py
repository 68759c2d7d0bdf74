"""Registration with a waiting list, capacity under concurrency, cancelling, reminders."""

import datetime as dt
import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Course
from erdem.learning.models import Cohort
from erdem.learning.services import cohort_enrol
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.workshops.models import Registration, Workshop
from erdem.workshops.selectors import seats_left, seats_taken, upcoming_workshops, waitlist_position
from erdem.workshops.services import (
    RegistrationRefused,
    registration_cancel,
    registration_create,
    workshop_cancel,
    workshop_create,
    workshop_reminders_due,
    workshop_reminders_send,
    workshop_update,
)
from erdem.workshops.tests.factories import workshop_build


def _educators(programme: Programme, n: int, **fields: Any) -> list[Person]:
    return [person_with_role(Role.EDUCATOR, programme=programme, **fields) for _ in range(n)]


def test_registering_beyond_capacity_puts_people_on_the_waiting_list(course: Course, programme: Programme) -> None:
    workshop = workshop_build(course=course, capacity=2)
    a, b, c, d = _educators(programme, 4)
    statuses = [registration_create(workshop=workshop, person=p).status for p in (a, b, c, d)]
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted"]
    assert registration_create(workshop=workshop, person=a).status == "registered"  # idempotent
    assert Registration.objects.count() == 4
    assert waitlist_position(registration=Registration.objects.get(person=d)) == 2


def test_cancelling_promotes_the_first_waiting_and_emails_them(
    course: Course, programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    workshop = workshop_build(course=course, capacity=1)
    first, second, third = _educators(programme, 3)
    second.preferred_language = "en"
    second.save(update_fields=["preferred_language"])
    for person in (first, second, third):
        registration_create(workshop=workshop, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(workshop=workshop, person=first)
    assert promoted is not None and promoted.person_id == second.pk
    assert Registration.objects.get(person=third).status == "waitlisted"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [second.email]
    assert "A seat is yours" in mail.outbox[0].subject
    # Cancelling again changes nothing and promotes nobody.
    assert registration_cancel(workshop=workshop, person=first) is None
    assert Registration.objects.filter(status="registered").count() == 1


def test_registering_again_after_cancelling_goes_to_the_back_of_the_queue(course: Course, programme: Programme) -> None:
    workshop = workshop_build(course=course, capacity=1)
    first, second = _educators(programme, 2)
    registration_create(workshop=workshop, person=first)
    registration_create(workshop=workshop, person=second)
    registration_cancel(workshop=workshop, person=first)
    assert registration_create(workshop=workshop, person=first).status == "waitlisted"


def test_cohort_members_hold_seats(course: Course, programme: Programme) -> None:
    cohort = Cohort.objects.create(programme=programme, name="A", course=course)
    members = _educators(programme, 2)
    cohort_enrol(cohort=cohort, people=members)
    workshop = workshop_build(course=course, capacity=3, cohort=cohort)
    assert seats_taken(workshop=workshop) == 2
    outsider, late = _educators(programme, 2)
    assert registration_create(workshop=workshop, person=outsider).status == "registered"
    assert registration_create(workshop=workshop, person=late).status == "waitlisted"
    # A member registering takes no new seat, and the count does not double them.
    assert registration_create(workshop=workshop, person=members[0]).status == "registered"
    listed = upcoming_workshops().get(pk=workshop.pk)
    assert seats_left(listed) == 0
    assert listed.waiting_count == 1  # type: ignore[attr-defined]


def test_no_registration_for_cancelled_or_past_workshops(course: Course, educator: Person) -> None:
    cancelled = workshop_build(course=course, status=Workshop.Status.CANCELLED)
    past = workshop_build(course=course, starts_at=timezone.now() - dt.timedelta(days=2))
    for workshop in (cancelled, past):
        with pytest.raises(RegistrationRefused):
            registration_create(workshop=workshop, person=educator)


@pytest.mark.django_db(transaction=True)
def test_two_people_asking_for_the_last_seat_at_once_do_not_both_get_it() -> None:
    from erdem.catalog.tests.factories import course_build
    from erdem.programmes.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    workshop = workshop_build(course=course, capacity=1)
    people = _educators(programme, 2)
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(person: Person) -> None:
        try:
            barrier.wait(timeout=5)
            for _try in range(100):
                try:
                    results.append(registration_create(workshop=workshop, person=person).status)
                    break
                except OperationalError as exc:
                    # SQLite's shared in-memory test database refuses a second writer at once
                    # instead of waiting as a file database does; try again, as a busy timeout would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(results) == ["registered", "waitlisted"]
    assert Registration.objects.filter(status="registered").count() == 1


# --- cancelling and changing workshops ------------------------------------------------------------------


def test_cancelling_a_workshop_tells_everyone_in_their_language(
    course: Course, programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    workshop = workshop_build(course=course, capacity=1, title_mn="Хиймэл оюун", title_en="AI in class")
    mongolian, english = _educators(programme, 2)
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    registration_create(workshop=workshop, person=mongolian)
    registration_create(workshop=workshop, person=english)  # waitlisted, told too
    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_cancel(workshop=workshop) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[english.email].subject == "Cancelled: AI in class"
    assert "Хиймэл оюун" in by_recipient[mongolian.email].subject
    assert "цуцл" in by_recipient[mongolian.email].body.lower()
    assert workshop_cancel(workshop=workshop) == 0


def test_more_seats_go_to_the_people_waiting(course: Course, programme: Programme, trainer: Person) -> None:
    workshop = workshop_build(course=course, capacity=1)
    people = _educators(programme, 3)
    for person in people:
        registration_create(workshop=workshop, person=person)
    workshop_update(workshop=workshop, trainers=[trainer], capacity=3)
    assert Registration.objects.filter(status="registered").count() == 3


# --- reminders ---------------------------------------------------------------------------------------------


def _at(moment: dt.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_reminders_go_a_day_before_once_in_each_language(course: Course, programme: Programme) -> None:
    starts = timezone.now() + dt.timedelta(days=3)
    workshop = workshop_build(course=course, starts_at=starts, title_mn="Семинар", title_en="Seminar")
    mongolian, english, waiting = _educators(programme, 3)
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    registration_create(workshop=workshop, person=mongolian)
    registration_create(workshop=workshop, person=english)
    Registration.objects.create(workshop=workshop, person=waiting, status="waitlisted")
    with _at(starts - dt.timedelta(days=2)):
        assert workshop_reminders_send(workshop_id=workshop.pk) == 0  # too early
    with _at(starts - dt.timedelta(hours=23)):
        assert workshop_reminders_send(workshop_id=workshop.pk, starts_at=starts.isoformat()) == 2
        assert workshop_reminders_send(workshop_id=workshop.pk) == 0  # idempotent
        assert workshop_reminders_due() == 0
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {mongolian.email, english.email}
    assert by_recipient[english.email].subject == "Reminder: Seminar tomorrow"
    assert "Сануулга" in by_recipient[mongolian.email].subject
    assert Registration.objects.filter(reminded_at__isnull=False).count() == 2


def test_no_reminder_for_a_cancelled_or_moved_workshop(course: Course, educator: Person, trainer: Person) -> None:
    starts = timezone.now() + dt.timedelta(hours=20)
    workshop = workshop_build(course=course, starts_at=starts)
    registration_create(workshop=workshop, person=educator)
    old_time = starts.isoformat()
    workshop_update(
        workshop=workshop, trainers=[trainer], starts_at=starts + dt.timedelta(days=2),
        ends_at=starts + dt.timedelta(days=2, hours=2),
    )  # fmt: skip
    assert workshop_reminders_send(workshop_id=workshop.pk, starts_at=old_time) == 0
    workshop.refresh_from_db()
    with _at(workshop.starts_at - dt.timedelta(hours=2)):
        assert workshop_reminders_due() == 1
    workshop_cancel(workshop=workshop)
    Registration.objects.update(reminded_at=None)
    with _at(workshop.starts_at - dt.timedelta(hours=2)):
        assert workshop_reminders_send(workshop_id=workshop.pk) == 0


def test_creating_a_workshop_queues_its_reminder(
    course: Course, programme: Programme, trainer: Person, educator: Person, django_capture_on_commit_callbacks: Any
) -> None:
    """The in-process job backend runs the reminder task at once: nothing is due yet for a
    workshop next week; one starting tonight reminds right away (after a reschedule)."""
    starts = timezone.now() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        workshop = workshop_create(
            programme=programme, trainers=[trainer], course=course, cohort=None, mode="in_person",
            title_mn="Семинар", title_en="Seminar", region=None, institution=None, place="Room 1",
            online_url="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=10,
            counts_for_completion=True,
        )  # fmt: skip
    registration_create(workshop=workshop, person=educator)
    assert mail.outbox == []
    soon = timezone.now() + dt.timedelta(hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        workshop_update(workshop=workshop, trainers=[trainer], starts_at=soon, ends_at=soon + dt.timedelta(hours=2))
    assert [message.to for message in mail.outbox] == [[educator.email]]


def test_the_reminder_command_sends_what_is_due(course: Course, educator: Person) -> None:
    from io import StringIO

    from django.core.management import call_command

    workshop = workshop_build(course=course, starts_at=timezone.now() + dt.timedelta(hours=5))
    registration_create(workshop=workshop, person=educator)
    out = StringIO()
    call_command("workshop_reminders", stdout=out)
    call_command("workshop_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) sent.", "0 reminder(s) sent."]
    assert [m.to for m in mail.outbox] == [[educator.email]]


def test_the_reminder_is_queued_for_a_day_before_where_the_backend_can_wait(
    course: Course, programme: Programme, trainer: Person, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import override_settings
    from django_tasks import default_task_backend

    starts = timezone.now() + dt.timedelta(days=5)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            workshop = workshop_create(
                programme=programme, trainers=[trainer], course=course, cohort=None, mode="online",
                title_mn="Семинар", title_en="Seminar", region=None, institution=None, place="",
                online_url="https://meet.example.mn/x", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                capacity=10, counts_for_completion=True,
            )  # fmt: skip
        queued = default_task_backend.results  # type: ignore[attr-defined]
        assert len(queued) == 1
        assert queued[0].task.run_after == starts - dt.timedelta(hours=24)
        assert queued[0].kwargs == {"workshop_id": workshop.pk, "starts_at": starts.isoformat()}
