"""The person's Comprehensive Learner Record: a signed CLR 2.0 `ClrCredential` on VC 2.0 holding their Open
Badges 3.0 credentials exactly as signed (so each still verifies on its own) and the EndorsementCredentials
given for their portfolio entries, with the achievements listed beside them.

The contexts are VC 2.0, CLR 2.0.1 and OB 3.0.3, in the order of the CLR 2.0 specification's examples; the
order does not change the canonical form (tests/test_clr.py), and both canonicalisation engines and Digital
Bazaar's verifier agree on it (tests/interop/test_clr_verifier.py). The person is identified as in erdem's
credentials: the salted SHA-256 of their e-mail address. Signing happens per download: the record is small
and always current.
"""

import datetime as dt
import secrets
import uuid
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erdem.credentials.documents import identity_hash, iso
from erdem.credentials.identity import issuer_profile
from erdem.credentials.models import Credential
from erdem.credentials.proofs.contexts import CLR_V2, CREDENTIALS_V2, OB_V3
from erdem.credentials.signing import credential_secure
from erdem.people.models import Person
from erdem.portfolio.endorsements import CREDENTIAL_LANGUAGES, programme_of
from erdem.portfolio.models import Endorsement

CLR_CONTEXTS = [CREDENTIALS_V2, CLR_V2, OB_V3]


class ClrError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _credentials(person: Person) -> list[dict[str, Any]]:
    """The person's active credentials as signed, oldest first."""
    documents = (
        Credential.objects.filter(person=person, status=Credential.Status.ACTIVE, document__isnull=False)
        .order_by("issued_at", "id")
        .values_list("document", flat=True)
    )
    return [document for document in documents if isinstance(document, dict)]


def _endorsements(person: Person) -> list[dict[str, Any]]:
    documents = (
        Endorsement.objects.filter(entry__person=person, status=Endorsement.Status.GIVEN, document__isnull=False)
        .order_by("answered_at", "id")
        .values_list("document", flat=True)
    )
    return [document for document in documents if isinstance(document, dict)]


def _achievements(credentials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each achievement once, as the credentials state it."""
    seen: dict[str, dict[str, Any]] = {}
    for credential in credentials:
        achievement = credential.get("credentialSubject", {}).get("achievement")
        if isinstance(achievement, dict) and achievement.get("id") not in seen:
            seen[str(achievement.get("id"))] = achievement
    return list(seen.values())


def clr_unsigned(*, person: Person, at: dt.datetime | None = None, salt: str | None = None) -> dict[str, Any]:
    moment = (at or timezone.now()).replace(microsecond=0)
    programme = programme_of(person)
    if programme is None:
        raise ClrError(_("There is no programme to issue the learning record in."))
    salt = salt or secrets.token_hex(16)
    credentials = _credentials(person)
    endorsements = _endorsements(person)
    if not credentials and not endorsements:
        # CLR 2.0 wants at least one credential in a record.
        raise ClrError(
            _("Your learning record is empty: it holds your credentials and endorsements, and you have none yet.")
        )
    names = []
    for language in CREDENTIAL_LANGUAGES:
        with translation.override(language):
            names.append(_("Learning record of %(person)s") % {"person": person.full_name})
    return {
        "@context": list(CLR_CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": " / ".join(dict.fromkeys(names)),
        "issuer": issuer_profile(programme),
        "validFrom": iso(moment),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(person.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "verifiableCredential": credentials + endorsements,
            "achievement": _achievements(credentials),
        },
    }


def clr_secured(*, person: Person, at: dt.datetime | None = None) -> tuple[dict[str, Any], str]:
    """The signed ClrCredential (Data Integrity) and the same record as a VC-JWT."""
    moment = (at or timezone.now()).replace(microsecond=0)
    signed, token, _key = credential_secure(clr_unsigned(person=person, at=moment), created=moment)
    return signed, token


def clr_document(*, person: Person, at: dt.datetime | None = None) -> dict[str, Any]:
    """The person's signed ClrCredential (Data Integrity eddsa-rdfc-2022)."""
    return clr_secured(person=person, at=at)[0]
