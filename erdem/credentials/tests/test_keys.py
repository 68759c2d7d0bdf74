"""Signing keys: encrypted at rest under the KEK, never published privately, rotated with old keys kept."""

import base64

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from erdem.credentials import keys
from erdem.credentials.identity import did_document, issuer_did, jwks
from erdem.credentials.models import IssuerKey
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _resolver(method: str):
    for entry in did_document()["verificationMethod"]:
        if entry["id"] == method:
            return ed25519_public_from_multibase(entry["publicKeyMultibase"])
    raise LookupError(method)


def test_the_private_key_is_stored_only_encrypted():
    key = keys.key_active()
    raw = keys.key_private(key).private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    stored = bytes(IssuerKey.objects.get(pk=key.pk).private_encrypted)
    assert raw not in stored
    assert len(stored) == 12 + 32 + 16  # nonce, key, tag
    assert keys.key_active().pk == key.pk  # generated once


def test_another_kek_cannot_open_the_key(monkeypatch):
    key = keys.key_active()
    keys._private_cached.cache_clear()
    keys._kek.cache_clear()
    monkeypatch.setenv(keys.KEK_ENVIRONMENT_VARIABLE, base64.urlsafe_b64encode(bytes(range(32))).decode())
    try:
        with pytest.raises(keys.SigningKeyError):
            keys.key_private(IssuerKey.objects.get(pk=key.pk))
        monkeypatch.setenv(keys.KEK_ENVIRONMENT_VARIABLE, "too-short")
        keys._kek.cache_clear()
        with pytest.raises(keys.SigningKeyError):
            keys.kek_id()
    finally:
        keys._kek.cache_clear()
        keys._private_cached.cache_clear()


def test_swapped_ciphertext_is_refused():
    first = keys.key_active()
    second = keys.key_create()
    second.status = IssuerKey.Status.RETIRED
    second.private_encrypted = first.private_encrypted  # someone with database access swaps the key
    second.save()
    with pytest.raises(keys.SigningKeyError):
        keys.key_private(second)


def test_rotation_keeps_old_credentials_verifiable():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    old = credential_create(achievement=achievement, person=make_person())
    new_key = keys.key_rotate()
    new = credential_create(achievement=achievement, person=make_person())
    assert new.key_id == new_key.pk != old.key_id
    assert IssuerKey.objects.filter(status=IssuerKey.Status.ACTIVE).get() == new_key
    for credential in (old, new):
        proof_verify(credential.document, resolve_key=_resolver)
    document = did_document()
    assert len(document["assertionMethod"]) == 2
    assert all(method["type"] == "Multikey" for method in document["verificationMethod"])


def test_did_and_jwks_are_published_without_private_material(client):
    key = keys.key_active()
    raw = keys.key_private(key).private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    assert did["Content-Type"] == "application/did+json"
    assert did.json()["id"] == issuer_did() == "did:web:127.0.0.1%3A8000"
    assert did.json()["assertionMethod"] == [f"{issuer_did()}#{key.public_multibase}"]
    listed = client.get("/.well-known/jwks.json").json()
    assert listed == jwks()
    assert listed["keys"][0]["crv"] == "Ed25519" and "d" not in listed["keys"][0]
    for response in (did, client.get("/.well-known/jwks.json")):
        body = response.content
        assert base64.urlsafe_b64encode(raw).rstrip(b"=") not in body
        assert raw.hex().encode() not in body
