"""Securing documents with the issuer's active key: Data Integrity and VC-JWT."""

import datetime as dt
from typing import Any

from erdem.credentials.identity import verification_method_id
from erdem.credentials.keys import key_active, key_private
from erdem.credentials.models import IssuerKey
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.jwt import jwt_encode


def document_sign_active(document: dict[str, Any], *, created: dt.datetime) -> dict[str, Any]:
    key = key_active()
    return document_sign(
        document, private_key=key_private(key), verification_method=verification_method_id(key), created=created
    )


def credential_secure(unsigned: dict[str, Any], *, created: dt.datetime) -> tuple[dict[str, Any], str, IssuerKey]:
    """The credential with its embedded proof, the same credential as a VC-JWT, and the key used."""
    key = key_active()
    private_key = key_private(key)
    method = verification_method_id(key)
    signed = document_sign(unsigned, private_key=private_key, verification_method=method, created=created)
    token = jwt_encode(unsigned, private_key=private_key, kid=method)
    return signed, token, key
