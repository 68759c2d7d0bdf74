"""Password sign-in throttling: django-axes, set up in erdem.settings ("Password sign-in throttling").

Failures are counted per e-mail address and client address together; after AXES_FAILURE_LIMIT of
them, that pair is refused for AXES_COOLOFF_TIME and the visitor sees `people/lockout.html` (429) in
their language. Each lockout writes a row to the audit log; choosing a new password through the
e-mailed link lifts every lockout of that address.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.people.selectors import person_by_email


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins made by a visitor; code that checks a password without a request
    (a management command, a test) has no client to throttle and is let through to the next backend."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """settings.AXES_USERNAME_CALLABLE: the e-mail address as the login form reads it (trimmed, lower
    case), so that "A@x.mn " and "a@x.mn" count as one."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username") if request is not None else None
    return str(username).strip().lower() if username else None


def client_ip(request: HttpRequest) -> str | None:
    """settings.AXES_CLIENT_IP_CALLABLE: the visitor's address.

    Behind ERDEM_PROXY_COUNT reverse proxies, the address the outermost one saw, which it appended to
    X-Forwarded-For (entries further left are whatever the client sent, and may be forged); with no
    proxy, the connection's own address."""
    proxies = settings.ERDEM_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def cool_off_minutes() -> int:
    cool_off = get_cool_off()
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: erdem's own page, in the visitor's language.

    The failure that starts a lockout is counted (axes_failures_since_start is set) and writes one audit
    row; attempts made while it lasts are not counted and write none."""
    if getattr(request, "axes_failures_since_start", None) is not None:
        _lockout_audit(request=request, username=sign_in_username(request, credentials))
    context = {"minutes": cool_off_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "people/lockout.html", context, status=429)


def _lockout_audit(*, request: HttpRequest, username: str | None) -> None:
    person = person_by_email(username) if username else None
    audit_record(
        action=AuditAction.SECURITY,
        subject=person,
        target=person,
        summary="Password sign-in locked after repeated failures",
        details={
            "event": "sign_in_locked",
            "failures": getattr(request, "axes_failures_since_start", None),
            "minutes": cool_off_minutes(),
            "known_address": person is not None,
        },
        request=request,
    )


def sign_in_unlock(*, person: Any, request: HttpRequest | None = None) -> int:
    """Lift every lockout of the person's address (from any client); returns how many were counted."""
    removed = axes_reset(username=person.email.strip().lower())
    if removed:
        audit_record(
            action=AuditAction.SECURITY,
            actor=person,
            subject=person,
            target=person,
            summary="Password sign-in lockout lifted by a password reset",
            details={"event": "sign_in_unlocked", "attempts_cleared": removed},
            request=request,
        )
    return removed
