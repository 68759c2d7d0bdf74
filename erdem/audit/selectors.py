"""Reads of the audit log: the filtered events, each with what a row of the page or of a file shows."""

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from erdem.audit.models import AuditEvent

# The log is read in the national centre's time, whatever the server's zone: "the 3rd" means the 3rd in Ulaanbaatar.
LOG_TIME_ZONE = ZoneInfo("Asia/Ulaanbaatar")
SEARCH_TERMS = 5
DETAIL_VALUE_LENGTH = 300


def _person_matches(prefix: str, text: str) -> Q:
    """People whose names (Cyrillic or Latin) or e-mail address contain every word of `text`."""
    condition = Q()
    for term in text.split()[:SEARCH_TERMS]:
        condition &= (
            Q(**{f"{prefix}__email__icontains": term})
            | Q(**{f"{prefix}__family_name__icontains": term})
            | Q(**{f"{prefix}__given_name__icontains": term})
            | Q(**{f"{prefix}__family_name_latin__icontains": term})
            | Q(**{f"{prefix}__given_name_latin__icontains": term})
        )
    return condition


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOG_TIME_ZONE)


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    subject: str = "",
    target: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, with their people (one query for a page, however many rows). `actor` and
    `subject` search names and e-mail addresses; the dates are days in Ulaanbaatar, both included."""
    events = AuditEvent.objects.select_related("actor", "subject")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(_person_matches("actor", actor))
    if subject:
        events = events.filter(_person_matches("subject", subject))
    if target:
        events = events.filter(target__icontains=target)
    if date_from is not None:
        events = events.filter(at__gte=_day_start(date_from))
    if date_to is not None:
        events = events.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return events.order_by("-at", "-id")


def log_time(event: AuditEvent) -> dt.datetime:
    return event.at.astimezone(LOG_TIME_ZONE)


def detail_text(value: Any) -> str:
    """A value of `details` as one short line: text as it is, anything else as compact JSON."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= DETAIL_VALUE_LENGTH else f"{text[: DETAIL_VALUE_LENGTH - 1]}…"


def detail_items(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's details as (key, value) pairs for a compact "key: value" list."""
    details = event.details if isinstance(event.details, dict) else {"value": event.details}
    return [(str(key), detail_text(value)) for key, value in details.items()]


def person_of(event: AuditEvent, role: str) -> tuple[Any, int | None]:
    """(the person, their id) for `role` "actor" or "subject": the person is None when the row names
    nobody or a person since deleted (the id stays, the row is never changed)."""
    person_id = getattr(event, f"{role}_id")
    if person_id is None:
        return None, None
    try:
        return getattr(event, role), person_id  # None when read with select_related and since deleted
    except ObjectDoesNotExist:
        return None, person_id
