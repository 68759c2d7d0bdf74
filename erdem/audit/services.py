"""Writes to the audit log. Call `audit_record` inside the transaction of the change it records."""

from typing import Any

from django.db import models
from django.http import HttpRequest

from erdem.audit.models import AuditAction, AuditEvent


def _target_label(target: models.Model | str | None) -> str:
    if target is None:
        return ""
    if isinstance(target, str):
        return target[:120]
    return f"{target._meta.label_lower}:{target.pk}"[:120]


def audit_record(
    *,
    action: AuditAction,
    actor: Any = None,
    subject: Any = None,
    target: models.Model | str | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. `actor` and `subject` are people (or None); anonymous users count as None."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if subject is not None and not getattr(subject, "is_authenticated", False):
        subject = None
    ip_address = request.META.get("REMOTE_ADDR") if request is not None else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject=subject,
        target=_target_label(target),
        summary=summary[:300],
        details=details or {},
        ip_address=ip_address or None,
    )
