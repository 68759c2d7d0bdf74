"""Writes of the API app: personal API tokens.

A token is `erdem_` followed by 43 random URL-safe characters. The database keeps
its SHA-256 hash, so a leaked database does not leak usable tokens; the plain
token is returned once by `api_token_create` and never again.
"""

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from erdem.api.errors import ApiTokenRefused
from erdem.api.models import ApiToken

TOKEN_PREFIX = "erdem_"  # noqa: S105 - marks erdem tokens (for secret scanners too); not a secret
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# Recording every use would write on every request; once a minute is precise enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_token_hash(*, raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def api_token_create(*, person: Any, name: str, expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for `person`; returns the row and the plain token, which is not stored."""
    raw_token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name.strip(),
        prefix=raw_token[:DISPLAY_PREFIX_LENGTH],
        token_hash=api_token_hash(raw_token=raw_token),
        expires_at=expires_at,
    )
    return token, raw_token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice keeps the first revocation time."""
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw_token: str) -> Any:
    """The active person a token belongs to; raises ApiTokenRefused with the reason otherwise."""
    token = (
        ApiToken.objects.select_related("person").filter(token_hash=api_token_hash(raw_token=raw_token.strip())).first()
    )
    now = timezone.now()
    if token is None or not token.person.is_active:
        raise ApiTokenRefused(ApiTokenRefused.Reason.INVALID)
    if token.revoked_at is not None:
        raise ApiTokenRefused(ApiTokenRefused.Reason.REVOKED)
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenRefused(ApiTokenRefused.Reason.EXPIRED)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
