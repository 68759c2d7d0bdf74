"""Test data for recognition: a degree programme with a module and a rule, and external Open Badges 3.0
credentials signed with a throwaway did:key (they verify locally, without any request)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from erdem.credentials.documents import identity_hash
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.jwt import jwt_encode
from erdem.credentials.proofs.multikey import did_key
from erdem.credentials.proofs.samples import sample_credential
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.recognition.models import DegreeModule, DegreeProgramme, RecognitionRule

SIGNED_AT = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)


def degree_create(*, institution: Institution | None = None, code: str = "med-tech", **fields: Any) -> DegreeProgramme:
    values: dict[str, Any] = {
        "institution": institution or InstitutionFactory(),
        "code": code,
        "name_mn": "Боловсролын технологийн магистр",
        "name_en": "Master's in Education Technology",
        "total_credits": Decimal("32"),
    }
    values.update(fields)
    return DegreeProgramme.objects.create(**values)


def module_create(*, degree: DegreeProgramme, code: str = "M1", credits: str = "6", **fields: Any) -> DegreeModule:
    values: dict[str, Any] = {
        "degree": degree,
        "code": code,
        "name_mn": f"Хиймэл оюун ба сургалт {code}",
        "name_en": f"AI in teaching {code}",
        "credits": Decimal(credits),
    }
    values.update(fields)
    return DegreeModule.objects.create(**values)


def rule_create(
    *,
    degree: DegreeProgramme,
    module: DegreeModule | None = None,
    achievements: Any = (),
    approved_by: Person | None = None,
    **fields: Any,
) -> RecognitionRule:
    values: dict[str, Any] = {
        "degree": degree,
        "module": module or module_create(degree=degree),
        "name_mn": "Хиймэл оюуны гурван бичил гэрчилгээ",
        "name_en": "The three AI micro-certificates",
        "credits": Decimal("6"),
        "valid_from": dt.date(2026, 1, 1),
        "approved_by": approved_by or make_person(),
        "approval_reference": "Council decision 12, 2026-01-10",
    }
    values.update(fields)
    rule = RecognitionRule.objects.create(**values)
    if achievements:
        rule.achievements.set(achievements)
    return rule


class ExternalIssuer:
    """Another issuer with its own key and did:key identifier."""

    def __init__(self) -> None:
        self.private_key = Ed25519PrivateKey.generate()
        self.did = did_key(self.private_key.public_key())
        self.method = f"{self.did}#{self.did.removeprefix('did:key:')}"

    def credential(self, *, email: str = "", number: int = 1, **changes: Any) -> dict[str, Any]:
        """A signed OpenBadgeCredential for the learner with `email` (hashed), valid for five years."""
        document = sample_credential(number=number)
        document["issuer"]["id"] = self.did
        document["issuer"]["name"] = "Open University of Tallinn"
        document.pop("credentialStatus", None)
        document["validFrom"] = "2026-01-01T00:00:00Z"
        document["validUntil"] = "2031-01-01T00:00:00Z"
        if email:
            document["credentialSubject"]["identifier"][0]["identityHash"] = identity_hash(email, "salt-1")
            document["credentialSubject"]["identifier"][0]["salt"] = "salt-1"
        document.update(changes)
        return document_sign(document, private_key=self.private_key, verification_method=self.method, created=SIGNED_AT)

    def jwt(self, document: dict[str, Any]) -> str:
        unsigned = {key: value for key, value in document.items() if key != "proof"}
        return jwt_encode(unsigned, private_key=self.private_key, kid=self.did)


class WebIssuer:
    """An issuer under did:web with a revocation status list; `documents` answers the verifier's fetches (patch
    erdem.credentials.verification.fetch_json with `fetch`)."""

    did = "did:web:issuer.example.org"
    status_url = "https://issuer.example.org/status/1"

    def __init__(self, *, revoked: bool = False) -> None:
        from erdem.credentials.fetch import did_web_url
        from erdem.credentials.proofs.multikey import ed25519_public_multibase
        from erdem.credentials.proofs.status_list import bitstring_encode

        self.private_key = Ed25519PrivateKey.generate()
        self.method = f"{self.did}#key-1"
        bits = bytearray(16 * 1024)
        if revoked:
            bits[0] = 0b00010000  # entry 3, two bits an entry
        status_list = document_sign(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": self.status_url,
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "issuer": self.did,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {
                    "id": f"{self.status_url}#list",
                    "type": "BitstringStatusList",
                    "statusPurpose": "revocation",
                    "encodedList": bitstring_encode(bytes(bits)),
                },
            },
            private_key=self.private_key,
            verification_method=self.method,
            created=SIGNED_AT,
        )
        self.documents: dict[str, Any] = {
            did_web_url(self.did): {
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
                "id": self.did,
                "verificationMethod": [
                    {
                        "id": self.method,
                        "type": "Multikey",
                        "controller": self.did,
                        "publicKeyMultibase": ed25519_public_multibase(self.private_key.public_key()),
                    }
                ],
                "assertionMethod": [self.method],
            },
            self.status_url: status_list,
        }

    def fetch(self, url: str, accept: str = "") -> Any:
        return self.documents[url]

    def credential(self, *, email: str) -> dict[str, Any]:
        document = sample_credential()
        document["issuer"]["id"] = self.did
        document["validFrom"] = "2026-01-01T00:00:00Z"
        document["validUntil"] = "2031-01-01T00:00:00Z"
        document["credentialSubject"]["identifier"][0]["identityHash"] = identity_hash(email, "salt-1")
        document["credentialSubject"]["identifier"][0]["salt"] = "salt-1"
        document["credentialStatus"] = {
            "id": f"{self.status_url}#3",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "3",
            "statusListCredential": self.status_url,
        }
        return document_sign(document, private_key=self.private_key, verification_method=self.method, created=SIGNED_AT)
