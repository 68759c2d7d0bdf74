"""Writes: attendance (the one rule for conflicting marks), registration with a waiting list,
creating, editing and cancelling workshops, reminders.

Attendance rule, stated once here and in the roster page's help: a person has one current
mark per workshop; the mark made LATEST (by `marked_at`, the time on the device that made it)
wins, whatever its source and whenever it arrives; on an exact tie the trainer's own marks
win over self check-in (roster = offline roster > paper sheet > self check-in). Every mark is
kept in `AttendanceMark`, applied or superseded, so nothing is lost; a mark sent again with the
same id is recognised and changes nothing.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.core.i18n import localized
from erdem.core.mail import email_render, emails_send
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.workshops.models import (
    Attendance,
    AttendanceMark,
    AttendanceSource,
    AttendanceStatus,
    Registration,
    Workshop,
)
from erdem.workshops.selectors import cohort_member, on_roster, seats_taken

logger = logging.getLogger(__name__)

# Marks made on a device whose clock runs a little ahead are accepted; beyond this they are refused.
CLOCK_SKEW = dt.timedelta(minutes=5)

# Higher wins on an exact tie of `marked_at`: the trainer's own marks over self check-in.
SOURCE_RANK = {
    AttendanceSource.ROSTER: 3,
    AttendanceSource.OFFLINE: 3,
    AttendanceSource.PAPER: 2,
    AttendanceSource.CHECKIN: 1,
}

Outcome = Literal["applied", "superseded", "duplicate"]


class AttendanceRefused(ValidationError):
    """A mark that cannot be recorded; the message says why, in the active language."""


@dataclass(frozen=True)
class MarkResult:
    outcome: Outcome
    attendance: Attendance


def _workshop_day_start(workshop: Workshop) -> dt.datetime:
    local = timezone.localtime(workshop.starts_at)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def attendance_mark(
    *,
    workshop: Workshop,
    person: Person,
    status: str,
    source: str,
    marked_at: dt.datetime,
    marked_by: Person | None,
    mark_id: uuid.UUID | None = None,
) -> MarkResult:
    """Record one attendance mark and make it current if it is the latest (see the module's rule).

    Serialised per workshop (the workshop row is locked), so concurrent marks for the same
    person cannot both win, and the same `mark_id` sent twice at once is stored once. Raises
    AttendanceRefused when the person is not on the roster, the workshop is cancelled or
    `marked_at` is absurd. After a change, re-checks the person's completion of the course."""
    if status not in AttendanceStatus.values:
        raise AttendanceRefused(_("Unknown attendance status."))
    if source not in AttendanceSource.values:
        raise AttendanceRefused(_("Unknown source of the mark."))
    if timezone.is_naive(marked_at):
        raise AttendanceRefused(_("The time of the mark has no time zone."))
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if mark_id is not None:
            previous = AttendanceMark.objects.filter(pk=mark_id).first()
            if previous is not None:
                if previous.workshop_id != locked.pk or previous.person_id != person.pk:
                    raise AttendanceRefused(_("This mark's id was already used for another mark."))
                return MarkResult("duplicate", Attendance.objects.get(workshop=locked, person_id=person.pk))
        if locked.is_cancelled:
            raise AttendanceRefused(_("The workshop was cancelled."))
        if not on_roster(workshop=locked, person_id=person.pk):
            raise AttendanceRefused(_("This person is not on the workshop's roster."))
        now = timezone.now()
        if marked_at > now + CLOCK_SKEW:
            raise AttendanceRefused(_("The mark is dated in the future; check the device's clock."))
        if marked_at < _workshop_day_start(locked):
            raise AttendanceRefused(_("The mark is dated before the day of the workshop."))
        current = Attendance.objects.filter(workshop=locked, person_id=person.pk).first()
        wins = current is None or (marked_at, SOURCE_RANK[AttendanceSource(source)]) > (
            current.marked_at,
            SOURCE_RANK[AttendanceSource(current.source)],
        )
        AttendanceMark.objects.create(
            id=mark_id or uuid.uuid4(),
            workshop=locked,
            person_id=person.pk,
            status=status,
            source=source,
            marked_at=marked_at,
            received_at=now,
            marked_by=marked_by,
            outcome=AttendanceMark.Outcome.APPLIED if wins else AttendanceMark.Outcome.SUPERSEDED,
        )
        if not wins and current is not None:
            return MarkResult("superseded", current)
        changed = current is None or current.status != status
        if current is None:
            current = Attendance.objects.create(
                workshop=locked, person_id=person.pk, status=status, source=source, marked_at=marked_at,
                marked_by=marked_by,
            )  # fmt: skip
        else:
            if changed:  # a correction: the status given before is replaced
                audit_record(
                    action=AuditAction.ATTENDANCE_CORRECT,
                    actor=marked_by,
                    subject=person,
                    target=current,
                    summary=f"Attendance corrected: {current.status} to {status}",
                    details={"workshop": locked.pk, "before": current.status, "after": status, "source": source},
                )
            current.status, current.source, current.marked_at, current.marked_by = status, source, marked_at, marked_by
            current.save(update_fields=["status", "source", "marked_at", "marked_by", "updated_at"])
        if changed and status != AttendanceStatus.ABSENT:
            _completion_recheck(workshop=locked, person_id=person.pk)
        return MarkResult("applied", current)


def _completion_recheck(*, workshop: Workshop, person_id: int) -> None:
    """Attending may be the last thing the person's enrolment in the course was waiting for."""
    from erdem.learning.models import Enrolment
    from erdem.learning.services import enrolment_completion_update

    enrolment = Enrolment.objects.filter(
        person_id=person_id, course_id=workshop.course_id, completed_at__isnull=True
    ).first()
    if enrolment is not None:
        enrolment_completion_update(enrolment=enrolment)


# --- registration and the waiting list ---------------------------------------------------------------------


class RegistrationRefused(ValidationError):
    """A registration that cannot be made; the message says why."""


def registration_create(*, workshop: Workshop, person: Person) -> Registration:
    """Register `person`, or put them on the waiting list when every seat is taken.

    The workshop row is locked while seats are counted, so two people asking for the last
    seat at the same moment cannot both get it. Idempotent: registering again keeps the
    registration (or the place on the waiting list); after a cancellation it starts anew."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.is_cancelled:
            raise RegistrationRefused(_("The workshop was cancelled."))
        if locked.ends_at <= timezone.now():
            raise RegistrationRefused(_("The workshop is over."))
        if locked.trainers.filter(pk=person.pk).exists():
            raise RegistrationRefused(_("You lead this workshop: its trainers do not register for it."))
        existing = Registration.objects.filter(workshop=locked, person_id=person.pk).first()
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            return existing
        in_cohort = locked.cohort_id is not None and cohort_member(cohort_id=locked.cohort_id, person_id=person.pk)
        # Cohort members already hold a seat, so registering takes no new one.
        has_seat = in_cohort or seats_taken(workshop=locked) < locked.capacity
        status = Registration.Status.REGISTERED if has_seat else Registration.Status.WAITLISTED
        if existing is None:
            return Registration.objects.create(workshop=locked, person_id=person.pk, status=status)
        existing.status, existing.registered_at, existing.reminded_at = status, timezone.now(), None
        existing.save(update_fields=["status", "registered_at", "reminded_at"])
        return existing


def registration_cancel(*, workshop: Workshop, person: Person) -> Registration | None:
    """Cancel `person`'s registration or place on the waiting list; a freed seat goes to the
    first person waiting, who is told by e-mail. Returns the promoted registration, if any.
    Idempotent: cancelling twice changes nothing the second time."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        updated = (
            Registration.objects.filter(workshop=locked, person_id=person.pk)
            .exclude(status=Registration.Status.CANCELLED)
            .update(status=Registration.Status.CANCELLED)
        )
        if not updated or locked.is_cancelled:
            return None
        return _waitlist_promote(locked)


def _waitlist_promote(locked: Workshop) -> Registration | None:
    """Give a free seat of `locked` (locked by the caller) to the first person waiting."""
    if seats_taken(workshop=locked) >= locked.capacity:
        return None
    first = (
        Registration.objects.select_related("person")
        .filter(workshop=locked, status=Registration.Status.WAITLISTED)
        .order_by("registered_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = Registration.Status.REGISTERED
    first.save(update_fields=["status"])
    message = _email_build(person=first.person, template="promoted", workshop=locked)
    transaction.on_commit(lambda: emails_send([message]))
    return first


# --- creating, changing and cancelling workshops ----------------------------------------------------------


WORKSHOP_FIELDS = (
    "course",
    "cohort",
    "mode",
    "title_mn",
    "title_en",
    "region",
    "institution",
    "place",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "counts_for_completion",
)


def workshop_create(*, programme: Programme, trainers: Iterable[Person], **fields: Any) -> Workshop:
    """Schedule a workshop (fields: WORKSHOP_FIELDS) and queue its reminder."""
    unknown = set(fields) - set(WORKSHOP_FIELDS)
    if unknown:
        raise TypeError(f"unknown workshop fields: {sorted(unknown)}")
    with transaction.atomic():
        workshop = Workshop.objects.create(programme=programme, **fields)
        workshop.trainers.set(list(trainers))
        _reminder_schedule(workshop)
    return workshop


def workshop_update(*, workshop: Workshop, trainers: Iterable[Person], **fields: Any) -> Workshop:
    """Change a workshop. When its time moves, reminders already sent are forgotten and a new
    reminder is queued for the new time (the old one finds the time changed and sends nothing);
    more seats go to the people waiting."""
    unknown = set(fields) - set(WORKSHOP_FIELDS)
    if unknown:
        raise TypeError(f"unknown workshop fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.is_cancelled:
            raise ValidationError(_("A cancelled workshop cannot be changed."))
        rescheduled = "starts_at" in fields and fields["starts_at"] != locked.starts_at
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        locked.trainers.set(list(trainers))
        if rescheduled:
            Registration.objects.filter(workshop=locked).update(reminded_at=None)
            _reminder_schedule(locked)
        while _waitlist_promote(locked) is not None:
            pass
    return locked


def workshop_cancel(*, workshop: Workshop) -> int:
    """Cancel a workshop and tell everyone registered or waiting, each in their language.
    Idempotent: returns the number of people told, 0 when it was already cancelled."""
    with transaction.atomic():
        updated = Workshop.objects.filter(pk=workshop.pk, status=Workshop.Status.SCHEDULED).update(
            status=Workshop.Status.CANCELLED
        )
        if not updated:
            return 0
        workshop.status = Workshop.Status.CANCELLED
        people = [
            registration.person
            for registration in Registration.objects.select_related("person").filter(
                workshop=workshop,
                status__in=(Registration.Status.REGISTERED, Registration.Status.WAITLISTED),
            )
        ]
        messages = [_email_build(person=person, template="cancelled", workshop=workshop) for person in people]
        transaction.on_commit(lambda: emails_send(messages))
    return len(people)


# --- reminders -----------------------------------------------------------------------------------------


REMINDER_LEAD = dt.timedelta(hours=24)


def _reminder_schedule(workshop: Workshop) -> None:
    """Queue the reminder for about a day before `workshop` starts, once the transaction commits.

    The task carries the start time it was queued for: a workshop moved since sends nothing
    from the old task. Backends that cannot run a task later (the in-process one) run it now,
    and it sends only when the workshop is already less than a day away."""
    from erdem.workshops.tasks import workshop_reminders

    starts_at = workshop.starts_at.isoformat()
    workshop_id = workshop.pk
    run_after = workshop.starts_at - REMINDER_LEAD

    def enqueue() -> None:
        task = workshop_reminders
        if task.get_backend().supports_defer and run_after > timezone.now():
            task = task.using(run_after=run_after)
        task.enqueue(workshop_id=workshop_id, starts_at=starts_at)

    transaction.on_commit(enqueue)


def workshop_reminders_send(*, workshop_id: int, starts_at: str | None = None) -> int:
    """E-mail the reminder to each registered person not yet reminded, in their language.

    Sends nothing when the workshop was cancelled, moved away from `starts_at`, is more than a
    day away or has started. Each registration is claimed (reminded_at set) before its e-mail
    is built, so two runs at once send each reminder once. Returns the number sent."""
    workshop = Workshop.objects.select_related("course", "region", "institution").filter(pk=workshop_id).first()
    now = timezone.now()
    if workshop is None or workshop.is_cancelled:
        return 0
    if starts_at is not None and dt.datetime.fromisoformat(starts_at) != workshop.starts_at:
        return 0
    if not (workshop.starts_at - REMINDER_LEAD - dt.timedelta(minutes=5) <= now < workshop.starts_at):
        return 0
    messages = []
    with transaction.atomic():
        due = list(
            Registration.objects.select_for_update(skip_locked=True)
            .select_related("person")
            .filter(workshop=workshop, status=Registration.Status.REGISTERED, reminded_at__isnull=True)
        )
        Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
        messages = [_email_build(person=r.person, template="reminder", workshop=workshop) for r in due]
    return emails_send(messages)


def workshop_reminders_due() -> int:
    """Send every reminder now due; for a periodic run, should a queued reminder have been lost."""
    now = timezone.now()
    due = (
        Workshop.objects.filter(status=Workshop.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD)
        .filter(
            Exists(
                Registration.objects.filter(
                    workshop=OuterRef("pk"), status=Registration.Status.REGISTERED, reminded_at__isnull=True
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return sum(workshop_reminders_send(workshop_id=pk) for pk in list(due))


# --- e-mail ----------------------------------------------------------------------------------------------


def _email_build(*, person: Person, template: str, workshop: Workshop) -> EmailMessage:
    """A message rendered in the recipient's own language and the platform's time zone."""
    with translation.override(person.preferred_language):
        context = {
            "person": person,
            "workshop": workshop,
            "title": localized(workshop, "title"),
            "starts_at": timezone.localtime(workshop.starts_at),
            "ends_at": timezone.localtime(workshop.ends_at),
            "region": localized(workshop.region, "name") if workshop.region else "",
            "institution": localized(workshop.institution, "name") if workshop.institution else "",
            "link": settings.SITE_URL + reverse("workshops:detail", args=[workshop.pk]),
        }
        return email_render(to=person, template=f"workshops/emails/{template}", context=context, html=False)
