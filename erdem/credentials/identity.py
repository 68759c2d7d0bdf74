"""The issuer's public identity: its DID, its profile, the URLs of what it publishes.

The issuer is `did:web:<the platform's host>`; its controller document (`/.well-known/did.json`)
lists every signing key, current and retired, as a Multikey under `assertionMethod`, and the
same keys are published as a JWK Set (`/.well-known/jwks.json`). A verification method's id is
the DID with the key's multibase as fragment, so a rotated key never changes meaning.
"""

import base64
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse

from erdem.credentials.models import Achievement, IssuerKey
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase
from erdem.programmes.models import Programme

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def issuer_did() -> str:
    """did:web for the platform's own host (a port is percent-encoded, as did:web requires)."""
    return "did:web:" + quote(urlsplit(settings.SITE_URL).netloc, safe="")


def verification_method_id(key: IssuerKey) -> str:
    return f"{issuer_did()}#{key.public_multibase}"


def issuer_profile(programme: Programme) -> dict[str, Any]:
    """The OB 3.0 Profile of the issuer: the programme's national centre, named in both languages."""
    centre = programme.national_centre
    profile: dict[str, Any] = {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": centre.name_mn or centre.name_en,
        "url": settings.SITE_URL + "/",
        "image": {"id": absolute_url("/static/erdem/favicon.svg"), "type": "Image"},
        # The awarding body's country: one of the EU micro-credential recommendation's mandatory elements.
        "address": {"type": ["Address"], "addressCountry": "Mongolia", "addressCountryCode": "MN"},
    }
    region = getattr(centre, "region", None)
    if region is not None:
        profile["address"]["addressRegion"] = region.name_en or region.name_mn
    if centre.name_en and centre.name_en != profile["name"]:
        profile["description"] = centre.name_en
    return profile


def achievement_url(achievement: Achievement) -> str:
    return absolute_url(reverse("credentials:achievement", args=[achievement.public_id]))


def credential_url(public_id: object) -> str:
    """The credential's id, and its public verification page (the QR target)."""
    return absolute_url(reverse("credentials:public", args=[public_id]))


def status_list_url(number: int) -> str:
    return absolute_url(reverse("credentials:status_list", args=[number]))


def _published_keys() -> list[IssuerKey]:
    return list(IssuerKey.objects.order_by("created_at"))


def did_document() -> dict[str, Any]:
    did = issuer_did()
    methods = [
        {
            "id": verification_method_id(key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
        }
        for key in _published_keys()
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def jwks() -> dict[str, Any]:
    keys = []
    for key in _published_keys():
        raw = ed25519_public_from_multibase(key.public_multibase).public_bytes_raw()
        keys.append(
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
                "kid": verification_method_id(key),
                "use": "sig",
                "alg": "EdDSA",
            }
        )
    return {"keys": keys}
