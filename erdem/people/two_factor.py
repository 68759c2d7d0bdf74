"""Two-factor sign-in: a six-digit code from an authenticator app (TOTP, RFC 6238) after the password,
or one of ten one-time backup codes (django-otp's TOTP and static devices).

It is required of the people who can issue and revoke credentials: national admins (a current
assignment) and Django staff and superusers, unless settings.ERDEM_REQUIRE_TWO_FACTOR is off. Anyone
else may turn it on from their profile and is then asked for a code at every sign-in. A session that
entered a code is "verified" (django_otp.middleware.OTPMiddleware); erdem.people.middleware sends a
signed-in person who must enter one to the code page first.

Wrong codes are throttled by django-otp: each one doubles the wait before the next code is checked.
Adding or removing a device and every fifth wrong code in a row write a row to the audit log.
"""

from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from erdem.access.policy import grants_for
from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.people.models import Person

BACKUP_CODE_COUNT = 10
# Every this many wrong codes in a row (the wait has then grown to 16 s, 8.5 min, …) is written to the audit log.
FAILURES_AUDITED_EVERY = 5
# Set at sign-in for a person who has turned two-factor sign-in on; erdem.people.middleware reads it.
SESSION_PENDING_KEY = "erdem_two_factor_pending"
# The device this session is setting up (each session its own secret).
SESSION_ENROL_DEVICE_KEY = "erdem_two_factor_enrol_device"
# The backup codes just made, shown once on the next page and then dropped from the session.
SESSION_BACKUP_CODES_KEY = "erdem_two_factor_backup_codes"
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: the device that accepted it; else, when too many wrong codes came before it and
    it was not even checked, how long to wait (0 when it was checked and is wrong)."""

    device: Any = None
    wait_seconds: int = 0

    @property
    def accepted(self) -> bool:
        return self.device is not None


def two_factor_required(*, person: Any) -> bool:
    """Whether the person must use two-factor sign-in: they can issue or revoke credentials."""
    if not settings.ERDEM_REQUIRE_TWO_FACTOR or not person.is_authenticated:
        return False
    return bool(person.is_staff or person.is_superuser or grants_for(person).is_national_admin)


def totp_device_of(*, person: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=person.pk, confirmed=True).first()


def two_factor_enabled(*, person: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=person.pk, confirmed=True).exists()


def two_factor_sign_in(*, request: HttpRequest, person: Person) -> None:
    """After the password was accepted: remember that this session still owes a code, if the person has a device."""
    if two_factor_enabled(person=person):
        request.session[SESSION_PENDING_KEY] = True


def two_factor_pending(*, request: HttpRequest) -> bool:
    """Whether the signed-in person must enter a code before using the site."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)  # set by django_otp.middleware.OTPMiddleware
    if not user.is_authenticated or (is_verified is not None and is_verified()):
        return False
    return bool(request.session.get(SESSION_PENDING_KEY)) or two_factor_required(person=user)


def totp_device_start(*, request: HttpRequest, person: Person) -> TOTPDevice:
    """The device this session is setting up: a new secret, kept (unconfirmed) until a code from it is entered.

    Each session gets its own secret, so that someone signed in elsewhere with the same password cannot copy
    the secret the owner is about to scan; confirming a device deletes every other one of the person's."""
    device_id = request.session.get(SESSION_ENROL_DEVICE_KEY)
    device = TOTPDevice.objects.filter(pk=device_id, user=person, confirmed=False).first() if device_id else None
    if device is None:
        device = TOTPDevice.objects.create(user=person, confirmed=False, name=TOTP_DEVICE_NAME)
        request.session[SESSION_ENROL_DEVICE_KEY] = device.pk
    return device


def totp_key_text(*, device: TOTPDevice) -> str:
    """The secret in base32, in groups of four letters, for typing it into an app by hand."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_svg(*, device: TOTPDevice) -> SafeString:
    """The otpauth:// address of the device as a QR code, an inline SVG drawn on the server."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#111", light="#fff", omitsize=True, svgclass="two-factor-qr"
    )
    return mark_safe(svg)  # noqa: S308  # segno writes only numbers and our own colours into it


def _backup_codes_make(*, person: Person) -> list[str]:
    StaticDevice.objects.filter(user=person).delete()
    backup = StaticDevice.objects.create(user=person, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


def _code_normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def totp_device_confirm(*, request: HttpRequest, person: Person, device: TOTPDevice, code: str) -> CodeCheck:
    """Turn two-factor sign-in on with the device being set up, if `code` comes from it.

    On success the session counts as verified, earlier devices and backup codes are replaced, and the
    new backup codes wait in the session to be shown once."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=person, confirmed=False)
        if wait := _wait_seconds(locked):
            return CodeCheck(wait_seconds=wait)
        if not locked.verify_token(_code_normalise(code)):
            return CodeCheck()
        TOTPDevice.objects.filter(user=person).exclude(pk=locked.pk).delete()
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        codes = _backup_codes_make(person=person)
        audit_record(
            action=AuditAction.SECURITY,
            actor=person,
            subject=person,
            target=person,
            summary="Two-factor sign-in turned on",
            details={"event": "two_factor_added", "backup_codes": len(codes)},
            request=request,
        )
    otp_login(request, locked)
    # Sign-ins opened elsewhere before the device existed owe no code: end them.
    from erdem.people.services import sessions_end  # people.services imports this module's callers

    sessions_end(person=person, keep=request.session.session_key)
    request.session.pop(SESSION_ENROL_DEVICE_KEY, None)
    request.session[SESSION_BACKUP_CODES_KEY] = codes
    return CodeCheck(device=locked)


def _wait_seconds(device: Any) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))


def _code_check(*, request: HttpRequest, person: Person, code: str) -> CodeCheck:
    """Check `code` against the person's app (six digits) or backup codes (anything else), throttled."""
    code = _code_normalise(code)
    model: Any = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    device = model.objects.select_for_update().filter(user=person, confirmed=True).first()
    if device is None:
        return CodeCheck()
    wait = _wait_seconds(device)
    if wait:
        return CodeCheck(wait_seconds=wait)
    if device.verify_token(code):
        return CodeCheck(device=device)
    if device.throttling_failure_count % FAILURES_AUDITED_EVERY == 0:
        audit_record(
            action=AuditAction.SECURITY,
            subject=person,
            target=person,
            summary="Two-factor codes refused after repeated wrong codes",
            details={
                "event": "two_factor_throttled",
                "failures": device.throttling_failure_count,
                "backup_code": model is StaticDevice,
            },
            request=request,
        )
    return CodeCheck()


def two_factor_verify(*, request: HttpRequest, person: Person, code: str) -> CodeCheck:
    """Enter a code for this session; on success the session counts as verified."""
    with transaction.atomic():
        check = _code_check(request=request, person=person, code=code)
    if check.accepted:
        otp_login(request, check.device)
        request.session.pop(SESSION_PENDING_KEY, None)
    return check


def two_factor_remove(*, request: HttpRequest, person: Person, code: str) -> CodeCheck:
    """Turn two-factor sign-in off (the app and the backup codes), after a current code."""
    with transaction.atomic():
        check = _code_check(request=request, person=person, code=code)
        if not check.accepted:
            return check
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        audit_record(
            action=AuditAction.SECURITY,
            actor=person,
            subject=person,
            target=person,
            summary="Two-factor sign-in turned off",
            details={"event": "two_factor_removed"},
            request=request,
        )
    request.session.pop(SESSION_PENDING_KEY, None)
    return check
