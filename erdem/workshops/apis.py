"""Workshops and attendance: the workshops you lead or attend, a roster, and attendance marks.

POST …/attendance is what the offline roster syncs through (docs/decisions/0009): a batch of
marks, each with the id the device gave it and the time it was made there. Each mark is
judged on its own by `services.attendance_mark` (the latest mark wins; every mark is kept; a
mark sent twice is a duplicate), so a batch may be sent again safely after a lost answer.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from erdem.access.policy import Action, can
from erdem.api.auth import caller
from erdem.api.errors import Conflict, Forbidden, NotFound
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, Id, InstitutionSummary, ProgrammeSummary, RegionOut, ValidationErrorOut
from erdem.people.models import Person
from erdem.workshops.models import Attendance, AttendanceSource, Registration, Workshop
from erdem.workshops.selectors import (
    registration_of,
    roster_rows,
    waitlist_position,
    workshop_for_view,
    workshops_of,
)
from erdem.workshops.services import (
    AttendanceRefused,
    RegistrationRefused,
    attendance_mark,
    registration_cancel,
    registration_create,
)

router = Router(tags=["workshops"])

MAX_MARKS = 500
# A device clock this close to the server's is taken as right: the time the request spent travelling.
CLOCK_TOLERANCE = dt.timedelta(minutes=2)
# Beyond this the device clock is too wrong to correct with confidence.
CLOCK_CORRECTION_LIMIT = dt.timedelta(hours=24)
SYNC_SOURCES = (AttendanceSource.ROSTER, AttendanceSource.OFFLINE)


class CourseSummary(Schema):
    id: int
    code: str


class WorkshopTrainerOut(Schema):
    id: int
    full_name: str


class WorkshopOut(Schema):
    id: int
    title: str
    title_mn: str
    title_en: str
    mode: str
    mode_label: str
    status: str
    status_label: str
    programme: ProgrammeSummary
    course: CourseSummary
    cohort_id: int | None
    region: RegionOut | None
    institution: InstitutionSummary | None
    place: str
    online_url: str = Field(
        description="The link to join an online workshop: for its trainers, those registered (not waiting), "
        "its cohort's members and those who manage it; empty for others."
    )
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    counts_for_completion: bool
    trainers: list[WorkshopTrainerOut]

    @staticmethod
    def resolve_trainers(obj: Workshop) -> list[Person]:
        return list(obj.trainers.all())

    @staticmethod
    def resolve_online_url(obj: Workshop, context: Any) -> str:
        return obj.online_url if _link_shown(context["request"], obj) else ""

    @staticmethod
    def resolve_mode_label(obj: Workshop) -> str:
        return str(obj.get_mode_display())

    @staticmethod
    def resolve_status_label(obj: Workshop) -> str:
        return str(obj.get_status_display())


class RosterEntryOut(Schema):
    person: int
    full_name: str
    family_name: str
    given_name: str
    status: str | None = Field(description="Current attendance: present, late or absent; null when not marked.")
    source: str | None


class RegistrationOut(Schema):
    workshop: int
    status: str
    status_label: str
    registered_at: dt.datetime
    waitlist_position: int | None = Field(description="1 for the first person waiting; null unless waitlisted.")

    @staticmethod
    def resolve_workshop(obj: Registration) -> int:
        return obj.workshop_id

    @staticmethod
    def resolve_status_label(obj: Registration) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_waitlist_position(obj: Registration) -> int | None:
        if obj.status != Registration.Status.WAITLISTED:
            return None
        return waitlist_position(registration=obj)


class MarkIn(Schema):
    id: str = Field(max_length=64, description="A UUID chosen by the device; the same id sent again is a duplicate.")
    person: Id
    status: str = Field(max_length=20, description="present, late or absent")
    marked_at: str = Field(
        max_length=40, description="When the mark was made, on the device: ISO 8601 with a UTC offset."
    )
    source: str = Field(
        default=AttendanceSource.OFFLINE,
        max_length=20,
        description="“offline” (recorded on the device, sent later) or “roster” (sent as it was made).",
    )


class AttendanceIn(Schema):
    marks: list[MarkIn] = Field(max_length=MAX_MARKS)
    sent_at: str | None = Field(
        default=None,
        max_length=40,
        description="The device's clock when sending (ISO 8601 with offset); lets the server correct a wrong clock.",
    )


class MarkResultOut(Schema):
    id: str
    person: int
    outcome: Literal["applied", "superseded", "duplicate", "refused"]
    detail: str | None = Field(description="Why a mark was refused.")
    status: str | None = Field(description="The person's current attendance after this mark; null when none.")


class AttendanceOut(Schema):
    results: list[MarkResultOut]


def _link_shown(request: HttpRequest, workshop: Workshop) -> bool:
    """As on the workshop's page: the join link is for those taking part or running it. Two queries
    per request, whatever the number of workshops listed."""
    person = caller(request)
    known = getattr(request, "_erdem_workshop_links", None)
    if known is None:
        known = (
            set(
                Registration.objects.filter(person_id=person.pk, status=Registration.Status.REGISTERED).values_list(
                    "workshop_id", flat=True
                )
            ),
            set(person.enrolments.exclude(cohort_id=None).values_list("cohort_id", flat=True)),
        )
        request._erdem_workshop_links = known  # type: ignore[attr-defined]
    registered_in, cohorts = known
    return (
        workshop.pk in registered_in
        or (workshop.cohort_id is not None and workshop.cohort_id in cohorts)
        or can(person, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
        or can(person, Action.WORKSHOP_EDIT, workshop)
    )


def _concerns(person: Person, workshop: Workshop) -> bool:
    """The workshop is the caller's: they lead, attend or oversee it, or may register for it."""
    return (
        can(person, Action.WORKSHOP_ATTENDANCE_VIEW, workshop)
        or can(person, Action.WORKSHOP_REGISTER, workshop)
        or workshops_of(person=person).filter(pk=workshop.pk).exists()
    )


def _visible(request: HttpRequest, workshop_id: int) -> Workshop:
    """A workshop that concerns the caller; any other id is not found."""
    workshop = workshop_for_view(workshop_id=workshop_id)
    if workshop is None or not _concerns(caller(request), workshop):
        raise NotFound()
    return workshop


def _taker(request: HttpRequest, workshop_id: int) -> Workshop:
    workshop = _visible(request, workshop_id)
    if not can(caller(request), Action.WORKSHOP_ATTENDANCE_TAKE, workshop):
        raise Forbidden(_("Only the workshop's trainers and the programme's administrators take attendance."))
    return workshop


@router.get("/", response={200: list[WorkshopOut], 401: ErrorOut})
@paginate(BoundedPages, page_size=50, max_page_size=100)
def workshop_list(request: HttpRequest) -> QuerySet[Workshop]:
    """Workshops you lead, are registered or waitlisted for, or whose cohort you are in; soonest first."""
    return workshops_of(person=caller(request))


@router.get("/{workshop_id}", response={200: WorkshopOut, 401: ErrorOut, 404: ErrorOut})
def workshop_detail(request: HttpRequest, workshop_id: Id) -> Workshop:
    """One workshop you lead, attend or oversee (its attendance); others are not found."""
    return _visible(request, workshop_id)


@router.get("/{workshop_id}/roster", response={200: list[RosterEntryOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def workshop_roster(request: HttpRequest, workshop_id: Id) -> list[dict[str, Any]]:
    """Who is expected (registered, or in the workshop's cohort) and their current attendance. For those who
    take attendance."""
    workshop = _taker(request, workshop_id)
    return [
        {
            "person": row.person.pk,
            "full_name": row.person.full_name,
            "family_name": row.person.family_name,
            "given_name": row.person.given_name,
            "status": row.status or None,
            "source": row.source or None,
        }
        for row in roster_rows(workshop=workshop)
    ]


def _clock_offset(sent_at: str | None, received_at: dt.datetime) -> dt.timedelta | None:
    """How far the device's clock is behind the server's (negative: ahead), when it is off by more than the
    tolerance; zero when close enough or unknown; None when too far off to correct."""
    sent = _aware(sent_at) if sent_at else None
    if sent is None:
        return dt.timedelta(0)
    offset = received_at - sent
    if abs(offset) <= CLOCK_TOLERANCE:
        return dt.timedelta(0)
    if abs(offset) > CLOCK_CORRECTION_LIMIT:
        return None
    return offset


def _aware(value: str) -> dt.datetime | None:
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is None or timezone.is_naive(parsed):
        return None
    return parsed


def _refused(mark: MarkIn, detail: str, status: str | None = None) -> dict[str, Any]:
    return {"id": mark.id, "person": mark.person, "outcome": "refused", "detail": detail, "status": status}


@router.post(
    "/{workshop_id}/attendance",
    response={200: AttendanceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def workshop_attendance(request: HttpRequest, workshop_id: Id, body: AttendanceIn) -> dict[str, Any]:
    """Record attendance marks, each judged on its own: the mark made latest (by `marked_at`) becomes the
    person's attendance whatever the order marks arrive in; an earlier one is kept as "superseded"; the same
    id again is a "duplicate" and changes nothing; a mark that cannot be taken is "refused" with the reason.
    At most 500 marks per request. With `sent_at`, marks from a device whose clock is wrong by more than
    two minutes are shifted by the difference (up to a day)."""
    workshop = _taker(request, workshop_id)
    marker = caller(request)
    offset = _clock_offset(body.sent_at, timezone.now())
    people = {p.pk: p for p in Person.objects.filter(pk__in={mark.person for mark in body.marks})}
    results = []
    for mark in body.marks:
        results.append(
            _one_mark(workshop=workshop, mark=mark, person=people.get(mark.person), marker=marker, offset=offset)
        )
    return {"results": results}


def _one_mark(
    *, workshop: Workshop, mark: MarkIn, person: Person | None, marker: Person, offset: dt.timedelta | None
) -> dict[str, Any]:
    try:
        mark_id = uuid.UUID(mark.id)
    except ValueError:
        return _refused(mark, _("The mark's id is not a UUID."))
    if person is None:
        return _refused(mark, _("This person is not on the workshop's roster."))
    if mark.source not in SYNC_SOURCES:
        return _refused(mark, _("The source of a mark sent here is “roster” or “offline”."))
    marked_at = _aware(mark.marked_at)
    if marked_at is None:
        return _refused(mark, _("The time of the mark must be an ISO 8601 date and time with a UTC offset."))
    if offset is None:
        return _refused(mark, _("This device's clock is wrong by more than a day. Set the clock, then sync again."))
    try:
        marked_at += offset
    except OverflowError:
        return _refused(mark, _("The time of the mark must be an ISO 8601 date and time with a UTC offset."))
    try:
        result = attendance_mark(
            workshop=workshop,
            person=person,
            status=mark.status,
            source=mark.source,
            marked_at=marked_at,
            marked_by=marker,
            mark_id=mark_id,
        )
    except AttendanceRefused as refusal:
        current = Attendance.objects.filter(workshop=workshop, person=person).values_list("status", flat=True).first()
        return _refused(mark, " ".join(refusal.messages), current)
    return {
        "id": mark.id,
        "person": mark.person,
        "outcome": result.outcome,
        "detail": None,
        "status": result.attendance.status,
    }


@router.post(
    "/{workshop_id}/registration",
    response={200: RegistrationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def workshop_register(request: HttpRequest, workshop_id: Id) -> Registration:
    """Register yourself, or join the waiting list when every seat is taken. Registering again changes nothing.
    For educators of the workshop's programme; a cancelled or finished workshop answers 409."""
    person = caller(request)
    workshop = _visible(request, workshop_id)
    if workshop.is_cancelled:
        raise Conflict(_("The workshop was cancelled."))
    if not can(person, Action.WORKSHOP_REGISTER, workshop):
        raise Forbidden(_("Only educators of the workshop's programme register for its scheduled workshops."))
    try:
        return registration_create(workshop=workshop, person=person)
    except RegistrationRefused as refusal:
        raise Conflict(" ".join(refusal.messages)) from refusal


@router.delete("/{workshop_id}/registration", response={200: RegistrationOut, 401: ErrorOut, 404: ErrorOut})
def workshop_unregister(request: HttpRequest, workshop_id: Id) -> Registration:
    """Cancel your registration or your place on the waiting list; a freed seat goes to the first person
    waiting. Cancelling twice changes nothing. Without a registration: 404."""
    person = caller(request)
    workshop = workshop_for_view(workshop_id=workshop_id)
    registration = registration_of(workshop=workshop, person_id=person.pk) if workshop is not None else None
    if workshop is None or registration is None:
        raise NotFound(_("You are not registered for this workshop."))
    registration_cancel(workshop=workshop, person=person)
    registration.refresh_from_db()
    return registration
