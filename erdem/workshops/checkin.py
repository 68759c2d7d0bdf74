"""Self check-in with a rotating code.

The trainer's check-in screen shows a 6-digit code and a QR code of a link carrying it. The
code is an HMAC of the workshop's secret and the current 30-second window, so it cannot be
guessed from earlier codes, and it is accepted for the current and the previous window only:
a code read off the screen works for 30 to 60 seconds, too short to be passed around for
long. Only people on the roster may check in, once each, while the workshop is on (from half
an hour before it starts to its end), and failed attempts are limited per person.
"""

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.people.models import Person
from erdem.workshops.models import Attendance, AttendanceMark, AttendanceSource, AttendanceStatus, Workshop
from erdem.workshops.selectors import on_roster
from erdem.workshops.services import AttendanceRefused, attendance_mark

WINDOW_SECONDS = 30
OPENS_BEFORE = dt.timedelta(minutes=30)
# Checking in this long after the start still counts as on time; later is "late".
GRACE = dt.timedelta(minutes=15)
MAX_FAILURES = 5
FAILURE_PERIOD_SECONDS = 300
CHECKIN_NAMESPACE = uuid.UUID("4f1d2c6e-9a57-4d0b-8d5e-3b1f0a2c7e91")


def _window(at: dt.datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def code_for(workshop: Workshop, window: int) -> str:
    digest = hmac.new(workshop.checkin_secret.encode(), f"{workshop.pk}:{window}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


@dataclass(frozen=True)
class ScreenCode:
    code: str
    url: str
    svg: str
    seconds_left: int  # until the code stops being shown (it is accepted for one window more)


def screen_code(workshop: Workshop, *, now: dt.datetime | None = None) -> ScreenCode:
    """The code to show now, the check-in link carrying it and that link as an SVG QR code."""
    now = now or timezone.now()
    window = _window(now)
    code = code_for(workshop, window)
    url = settings.SITE_URL + reverse("workshops:checkin", args=[workshop.pk]) + "?" + urlencode({"code": code})
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff", omitsize=True)
    seconds_left = WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
    return ScreenCode(code=code, url=url, svg=svg, seconds_left=seconds_left)


def checkin_open(workshop: Workshop, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return not workshop.is_cancelled and workshop.starts_at - OPENS_BEFORE <= now <= workshop.ends_at


CheckinState = Literal["cancelled", "early", "open", "closed"]


def checkin_state(workshop: Workshop, *, now: dt.datetime | None = None) -> CheckinState:
    """Where `now` falls against the check-in window: before it, in it, or after it."""
    now = now or timezone.now()
    if workshop.is_cancelled:
        return "cancelled"
    if now < checkin_opens_at(workshop):
        return "early"
    return "open" if now <= workshop.ends_at else "closed"


def checkin_opens_at(workshop: Workshop) -> dt.datetime:
    return workshop.starts_at - OPENS_BEFORE


def code_valid(workshop: Workshop, code: str, *, now: dt.datetime | None = None) -> bool:
    """True for the code of the current or the previous window."""
    window = _window(now or timezone.now())
    code = code.strip().replace(" ", "")
    return any(hmac.compare_digest(code, code_for(workshop, w)) for w in (window, window - 1))


class CheckinRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Outcome = Literal["checked_in", "already"]


@dataclass(frozen=True)
class CheckinResult:
    outcome: Outcome
    attendance: Attendance


def _failures_key(workshop: Workshop, person: Person) -> str:
    return f"workshops:checkin-failures:{workshop.pk}:{person.pk}"


def checkin(*, workshop: Workshop, person: Person, code: str, now: dt.datetime | None = None) -> CheckinResult:
    """Check `person` in with `code`: present, or late after the grace period. Raises
    CheckinRefused with a message for the participant. Checking in again changes nothing."""
    now = now or timezone.now()
    if workshop.is_cancelled:
        raise CheckinRefused(_("The workshop was cancelled."))
    if not checkin_open(workshop, now=now):
        raise CheckinRefused(_("Check-in is open from half an hour before the workshop starts until it ends."))
    if not on_roster(workshop=workshop, person_id=person.pk):
        raise CheckinRefused(_("You are not on this workshop's roster. Register for the workshop, or ask the trainer."))
    mark_id = uuid.uuid5(CHECKIN_NAMESPACE, f"{workshop.pk}:{person.pk}")
    current = Attendance.objects.filter(workshop=workshop, person_id=person.pk).first()
    already = AttendanceMark.objects.filter(pk=mark_id).exists() or (
        current is not None and current.status != AttendanceStatus.ABSENT
    )
    if already and current is not None:
        return CheckinResult("already", current)
    key = _failures_key(workshop, person)
    if (cache.get(key) or 0) >= MAX_FAILURES:
        raise CheckinRefused(_("Too many wrong codes. Wait five minutes, or ask the trainer to mark you."))
    if not code_valid(workshop, code, now=now):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, FAILURE_PERIOD_SECONDS)
        raise CheckinRefused(
            _("This code is wrong or has expired. Codes change every half minute: type the one on the screen now.")
        )
    status = AttendanceStatus.PRESENT if now <= workshop.starts_at + GRACE else AttendanceStatus.LATE
    try:
        result = attendance_mark(
            workshop=workshop, person=person, status=status, source=AttendanceSource.CHECKIN, marked_at=now,
            marked_by=person, mark_id=mark_id,
        )  # fmt: skip
    except AttendanceRefused as refusal:
        raise CheckinRefused(" ".join(refusal.messages)) from refusal
    return CheckinResult("already" if result.outcome == "duplicate" else "checked_in", result.attendance)
