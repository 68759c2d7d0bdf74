"""Credentials secured as JWTs (VC-JWT), signed with Ed25519 (alg EdDSA).

Encoding follows Open Badges 3.0's JWT proof format: the payload is the credential itself
with the registered claims added from it: iss (issuer id), jti (credential id), nbf and iat
(validFrom), exp (validUntil, when there is one), sub (the subject's id, when it has one).
Decoding also accepts the older VC Data Model 1.1 form, where the credential sits in a
"vc" claim.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.utils import base64url_decode

from erdem.credentials.proofs.data_integrity import ProofError

MAX_TOKEN_BYTES = 256 * 1024
ALGORITHM = "EdDSA"
TYPE = "vc+jwt"
ALLOWED_TYPES = {"vc+jwt", "vc+ld+jwt", "JWT"}
ALLOWED_HEADERS = {"alg", "typ", "kid", "cty"}
REGISTERED_CLAIMS = ("iss", "jti", "nbf", "iat", "exp", "sub")
LEEWAY_SECONDS = 60


def _numeric_date(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return int(moment.timestamp())


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def jwt_encode(credential: dict[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    """The credential as a compact JWS (header alg EdDSA, typ vc+jwt, kid)."""
    payload = {key: value for key, value in credential.items() if key != "proof"}
    issuer = _id_of(credential.get("issuer"))
    if issuer:
        payload["iss"] = issuer
    if isinstance(credential.get("id"), str):
        payload["jti"] = credential["id"]
    valid_from = _numeric_date(credential.get("validFrom"))
    if valid_from is not None:
        payload["nbf"] = valid_from
        payload["iat"] = valid_from
    valid_until = _numeric_date(credential.get("validUntil"))
    if valid_until is not None:
        payload["exp"] = valid_until
    subject = credential.get("credentialSubject")
    subject_id = _id_of(subject[0] if isinstance(subject, list) and len(subject) == 1 else subject)
    if subject_id:
        payload["sub"] = subject_id
    return pyjwt.encode(payload, private_key, algorithm=ALGORITHM, headers={"typ": TYPE, "kid": kid})


def _header(token: str) -> dict[str, Any]:
    try:
        header = json.loads(base64url_decode(token.split(".")[0].encode("ascii")))
    except (ValueError, UnicodeError, RecursionError) as error:
        raise ProofError("malformed", f"The JWT header is not base64url JSON: {error}") from error
    if not isinstance(header, dict):
        raise ProofError("malformed", "The JWT header is not a JSON object.")
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise ProofError("alg-not-allowed", f"Only EdDSA (Ed25519) signed JWTs are accepted, not {str(alg)[:40]!r}.")
    unexpected = sorted(set(header) - ALLOWED_HEADERS)
    if unexpected:
        raise ProofError("bad-header", f"The JWT header has parameters that are not accepted: {', '.join(unexpected)}.")
    typ = header.get("typ")
    if typ is not None and typ not in ALLOWED_TYPES:
        raise ProofError("bad-header", f"The JWT type {str(typ)[:40]!r} is not a credential.")
    if "kid" in header and (not isinstance(header["kid"], str) or not header["kid"]):
        raise ProofError("bad-header", "The JWT's kid is not a string.")
    return header


def _credential_from_legacy(payload: dict[str, Any]) -> dict[str, Any]:
    """A VC Data Model 1.1 JWT: the credential in "vc", some properties in registered claims."""
    credential = dict(payload["vc"])
    if "jti" in payload and "id" not in credential:
        credential["id"] = payload["jti"]
    if "iss" in payload and "issuer" not in credential:
        credential["issuer"] = payload["iss"]
    subject = credential.get("credentialSubject")
    if "sub" in payload and isinstance(subject, dict) and "id" not in subject:
        credential["credentialSubject"] = {**subject, "id": payload["sub"]}
    for claim, name in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        if isinstance(payload.get(claim), int) and name not in credential:
            credential[name] = datetime.fromtimestamp(payload[claim], tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return credential


def jwt_decode(token: str, *, resolve_key: Callable[[str], Ed25519PublicKey]) -> dict[str, Any]:
    """The credential of a VC-JWT whose signature verifies with resolve_key(kid or iss).

    Raises only ProofError: malformed, alg-not-allowed, bad-header, unknown-key,
    bad-signature, expired, not-yet-valid.
    """
    try:
        if not isinstance(token, str):
            raise ProofError("malformed", "A JWT is a string.")
        if len(token) > MAX_TOKEN_BYTES:
            raise ProofError("malformed", f"The JWT is larger than {MAX_TOKEN_BYTES // 1024} KB.")
        token = token.strip()
        if token.count(".") != 2 or not all(token.split(".")[:2]):
            raise ProofError("malformed", "A JWT has three parts separated by dots, the last two non-empty.")
        header = _header(token)
        try:
            unverified = json.loads(base64url_decode(token.split(".")[1].encode("ascii")))
        except (ValueError, UnicodeError, RecursionError) as error:
            raise ProofError("malformed", "The JWT payload is not JSON.") from error
        if not isinstance(unverified, dict):
            raise ProofError("malformed", "The JWT payload is not a JSON object.")
        key_id = header.get("kid") or unverified.get("iss")
        if not isinstance(key_id, str) or not key_id:
            raise ProofError("unknown-key", "The JWT names no key (no kid, no iss).")
        try:
            public_key = resolve_key(key_id)
        except ProofError:
            raise
        except Exception as error:
            raise ProofError("unknown-key", f"The JWT's key cannot be resolved: {error}") from error
        if not isinstance(public_key, Ed25519PublicKey):
            raise ProofError("unknown-key", "The JWT's key is not an Ed25519 key.")
        try:
            payload = pyjwt.decode(
                token,
                public_key,
                algorithms=[ALGORITHM],
                leeway=LEEWAY_SECONDS,
                options={"require": [], "verify_aud": False, "verify_iss": False, "verify_sub": False},
            )
        except pyjwt.ExpiredSignatureError as error:
            raise ProofError("expired", "The JWT has expired.") from error
        except pyjwt.ImmatureSignatureError as error:
            raise ProofError("not-yet-valid", "The JWT is not valid yet.") from error
        except pyjwt.InvalidSignatureError as error:
            raise ProofError("bad-signature", "The JWT's signature does not match.") from error
        except pyjwt.InvalidTokenError as error:
            raise ProofError("malformed", f"The JWT is not valid: {error}") from error
        if isinstance(payload.get("vc"), dict):
            return _credential_from_legacy(payload)
        credential = {key: value for key, value in payload.items() if key not in REGISTERED_CLAIMS}
        issuer = _id_of(credential.get("issuer"))
        if "iss" in payload and issuer is not None and payload["iss"] != issuer:
            raise ProofError("malformed", "The JWT's iss is not the credential's issuer.")
        if "jti" in payload and "id" in credential and payload["jti"] != credential["id"]:
            raise ProofError("malformed", "The JWT's jti is not the credential's id.")
        if "@context" not in credential:
            raise ProofError("malformed", "The JWT payload is not a credential (no @context).")
        return credential
    except ProofError:
        raise
    except Exception as error:  # a crafted token must only ever surface as ProofError
        raise ProofError("malformed", f"The JWT cannot be read: {error}") from error
