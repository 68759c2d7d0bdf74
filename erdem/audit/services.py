"""Writes to the audit log. Call `audit_record` inside the transaction of the change it records.

Summaries and details name people by id (the row's actor and subject), never by name or e-mail
address: the log outlives the people it names and must not become a copy of their personal data.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest

from erdem.audit.models import AuditAction, AuditEvent

BATCH_SIZE = 500
# Query-string parameters that choose a page or a file's format rather than narrow what is exported.
NOT_FILTERS = frozenset({"page", "format"})


def _target_label(target: models.Model | str | None) -> str:
    if target is None:
        return ""
    if isinstance(target, str):
        return target[:120]
    return f"{target._meta.label_lower}:{target.pk}"[:120]


def _person_id(person: Any) -> int | None:
    """A person's id: from a person (anonymous visitors count as nobody) or an id already known."""
    if person is None or isinstance(person, bool):
        return None
    if isinstance(person, int):
        return person
    if not getattr(person, "is_authenticated", False):
        return None
    return int(person.pk)


def _ip_address(request: HttpRequest | None) -> str | None:
    return (request.META.get("REMOTE_ADDR") if request is not None else None) or None


def audit_record(
    *,
    action: AuditAction,
    actor: Any = None,
    subject: Any = None,
    target: models.Model | str | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event. `actor` and `subject` are people or their ids (or None); anonymous users count
    as None. `at` is when the change happened, when it is not now (a change dated by its caller)."""
    event = AuditEvent(
        action=action,
        actor_id=_person_id(actor),
        subject_id=_person_id(subject),
        target=_target_label(target),
        summary=summary[:300],
        details=details or {},
        ip_address=_ip_address(request),
    )
    if at is not None:
        event.at = at
    event.save()
    return event


def audit_record_many(
    *,
    action: AuditAction,
    actor: Any,
    items: Iterable[tuple[Any, models.Model | str | None]],
    summary: str,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one event per (subject, target) of `items`, the same action by the same actor, in batches
    (a bulk change to many people). Returns the number of events."""
    actor_id = _person_id(actor)
    events = [
        AuditEvent(
            action=action,
            actor_id=actor_id,
            subject_id=_person_id(subject),
            target=_target_label(target),
            summary=summary[:300],
            details=dict(details or {}),
        )
        for subject, target in items
    ]
    AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    return len(events)


def export_filters(query: Mapping[str, Any]) -> dict[str, str]:
    """The filters of an export as the request's query string gave them, empty ones left out."""
    return {
        name: str(query.get(name, ""))[:200]
        for name in sorted(query)
        if name not in NOT_FILTERS and str(query.get(name, "")).strip()
    }


def audit_export(
    *,
    request: HttpRequest,
    table: str,
    rows: int,
    fmt: str,
    target: models.Model | str | None = None,
    subject: Any = None,
) -> AuditEvent:
    """Record that `request.user` downloaded a table holding people's data: which table, how many rows,
    in which format and with which filters (the query string's) — never the data itself."""
    return audit_record(
        action=AuditAction.DATA_EXPORT,
        actor=request.user,
        subject=subject,
        target=target,
        summary=f"Exported {table} ({rows} rows, {fmt})",
        details={"table": table, "rows": rows, "format": fmt, "filters": export_filters(request.GET)},
        request=request,
    )
