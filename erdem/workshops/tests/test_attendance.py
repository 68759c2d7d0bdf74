"""The one write for attendance: which mark wins, duplicates, refusals, completion."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from erdem.catalog.models import Course, Lesson
from erdem.learning.completion import enrolment_progress
from erdem.learning.models import Cohort, Enrolment
from erdem.learning.services import cohort_enrol, lesson_complete
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop
from erdem.workshops.services import AttendanceRefused, MarkResult, attendance_mark
from erdem.workshops.tests.factories import register, workshop_build

NOW = dt.timedelta(0)


def _mark(
    workshop: Workshop, person: Person, status: str, source: str, ago: dt.timedelta, mark_id: uuid.UUID | None = None
) -> MarkResult:
    return attendance_mark(
        workshop=workshop, person=person, status=status, source=source, marked_at=timezone.now() - ago,
        marked_by=None, mark_id=mark_id,
    )  # fmt: skip


def test_first_mark_applies_and_is_logged(workshop: Workshop, educator: Person, trainer: Person) -> None:
    result = attendance_mark(
        workshop=workshop, person=educator, status="present", source="roster", marked_at=timezone.now(),
        marked_by=trainer,
    )  # fmt: skip
    assert result.outcome == "applied"
    assert result.attendance.status == "present"
    assert result.attendance.marked_by == trainer
    mark = AttendanceMark.objects.get()
    assert (mark.outcome, mark.source, mark.marked_by) == ("applied", "roster", trainer)


def test_the_latest_mark_wins_whatever_the_arrival_order(workshop: Workshop, educator: Person) -> None:
    # The trainer marked "late" on the roster five minutes ago; an offline mark made ten
    # minutes ago ("absent") arrives afterwards: it is kept in the history but does not win.
    assert _mark(workshop, educator, "late", "roster", dt.timedelta(minutes=5)).outcome == "applied"
    result = _mark(workshop, educator, "absent", "offline", dt.timedelta(minutes=10))
    assert result.outcome == "superseded"
    assert Attendance.objects.get().status == "late"
    # A later mark, even from self check-in, wins.
    assert _mark(workshop, educator, "present", "checkin", dt.timedelta(minutes=1)).outcome == "applied"
    current = Attendance.objects.get()
    assert (current.status, current.source) == ("present", "checkin")
    outcomes = sorted(AttendanceMark.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied", "applied", "superseded"]


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        ("checkin", "roster", "roster"),
        ("roster", "checkin", "roster"),
        ("checkin", "offline", "offline"),
        ("paper", "offline", "offline"),
        ("checkin", "paper", "paper"),
        ("paper", "checkin", "paper"),
    ],
)
def test_on_an_exact_tie_the_trainers_sources_win(
    workshop: Workshop, educator: Person, first: str, second: str, winner: str
) -> None:
    at = timezone.now() - dt.timedelta(minutes=3)
    statuses = {"first": "present", "second": "late"}
    attendance_mark(
        workshop=workshop, person=educator, status=statuses["first"], source=first, marked_at=at, marked_by=None
    )
    attendance_mark(
        workshop=workshop, person=educator, status=statuses["second"], source=second, marked_at=at, marked_by=None
    )
    current = Attendance.objects.get()
    assert current.source == winner
    assert current.status == (statuses["first"] if winner == first else statuses["second"])


def test_the_same_mark_id_twice_is_a_duplicate(workshop: Workshop, educator: Person) -> None:
    mark_id = uuid.uuid4()
    first = _mark(workshop, educator, "present", "offline", dt.timedelta(minutes=2), mark_id=mark_id)
    again = _mark(workshop, educator, "absent", "offline", dt.timedelta(minutes=1), mark_id=mark_id)
    assert (first.outcome, again.outcome) == ("applied", "duplicate")
    assert Attendance.objects.get().status == "present"
    assert AttendanceMark.objects.count() == 1


def test_a_mark_id_reused_for_someone_else_is_refused(workshop: Workshop, educator: Person) -> None:
    other = make_person()
    register(workshop, other)
    mark_id = uuid.uuid4()
    _mark(workshop, educator, "present", "offline", dt.timedelta(minutes=2), mark_id=mark_id)
    with pytest.raises(AttendanceRefused):
        _mark(workshop, other, "present", "offline", dt.timedelta(minutes=2), mark_id=mark_id)
    assert not Attendance.objects.filter(person=other).exists()


def test_people_not_on_the_roster_are_refused(workshop: Workshop) -> None:
    stranger = make_person()
    waitlisted = make_person()
    register(workshop, waitlisted, status=Registration.Status.WAITLISTED)
    for person in (stranger, waitlisted):
        with pytest.raises(AttendanceRefused, match="not on the workshop's roster"):
            _mark(workshop, person, "present", "roster", NOW)
    assert not AttendanceMark.objects.exists()


def test_a_cancelled_workshop_takes_no_marks(workshop: Workshop, educator: Person) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    with pytest.raises(AttendanceRefused, match="cancelled"):
        _mark(workshop, educator, "present", "roster", NOW)


def test_absurd_times_are_refused(workshop: Workshop, educator: Person) -> None:
    with pytest.raises(AttendanceRefused, match="future"):
        _mark(workshop, educator, "present", "offline", -dt.timedelta(hours=1))
    with pytest.raises(AttendanceRefused, match="before the day"):
        _mark(workshop, educator, "present", "offline", dt.timedelta(days=2))
    # A device clock a minute fast is accepted.
    assert _mark(workshop, educator, "present", "offline", -dt.timedelta(minutes=1)).outcome == "applied"


def test_bad_status_or_source_is_refused(workshop: Workshop, educator: Person) -> None:
    with pytest.raises(AttendanceRefused):
        _mark(workshop, educator, "asleep", "roster", NOW)
    with pytest.raises(AttendanceRefused):
        _mark(workshop, educator, "present", "carrier-pigeon", NOW)


def test_cohort_members_are_on_the_roster_without_registering(
    course: Course, programme: Programme, trainer: Person
) -> None:
    cohort = Cohort.objects.create(programme=programme, name="A", course=course)
    member = make_person()
    cohort_enrol(cohort=cohort, people=[member])
    workshop = workshop_build(course=course, cohort=cohort, starts_at=timezone.now() - dt.timedelta(minutes=5))
    assert _mark(workshop, member, "late", "roster", NOW).outcome == "applied"


def test_attending_the_last_workshop_completes_the_course(course: Course, programme: Programme) -> None:
    cohort = Cohort.objects.create(programme=programme, name="A", course=course)
    member = make_person()
    cohort_enrol(cohort=cohort, people=[member])
    started = timezone.now() - dt.timedelta(minutes=5)
    first = workshop_build(course=course, cohort=cohort, starts_at=started)
    second = workshop_build(course=course, cohort=cohort, starts_at=started)
    workshop_build(course=course, cohort=cohort, starts_at=started, counts_for_completion=False)
    workshop_build(course=course, cohort=cohort, starts_at=started, status=Workshop.Status.CANCELLED)
    enrolment = Enrolment.objects.get(person=member)
    for lesson in Lesson.objects.filter(module__course=course):
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    assert enrolment.completed_at is None
    workshops = {p.kind: p for p in enrolment_progress(enrolment)}["workshops"]
    assert (workshops.done, workshops.required, workshops.complete) == (0, 2, False)

    _mark(first, member, "present", "roster", NOW)
    _mark(second, member, "absent", "roster", NOW)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    _mark(second, member, "late", "checkin", -dt.timedelta(seconds=1))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    workshops = {p.kind: p for p in enrolment_progress(enrolment)}["workshops"]
    assert (workshops.done, workshops.required, workshops.complete) == (2, 2, True)
