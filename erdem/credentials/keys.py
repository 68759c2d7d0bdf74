"""The issuer's Ed25519 signing keys, encrypted at rest.

The private half of each key is stored AES-GCM encrypted under the key-encryption key (KEK),
which never enters the database: it comes from the environment (`ERDEM_KEY_ENCRYPTION_KEY`,
32 bytes in URL-safe base64), else from a file created on first run beside the other local
data (`DATA_DIR/key_encryption_key`, mode 0600). A database dump alone therefore signs
nothing. The public multibase is the additional authenticated data, so an encrypted key
cannot be swapped onto another row. A key is generated the first time one is needed;
rotation retires the signing key (kept, and published, for verification) and makes a new one.
"""

import base64
import hashlib
import os
import secrets
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from erdem.credentials.models import IssuerKey
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase, ed25519_public_multibase

KEK_ENVIRONMENT_VARIABLE = "ERDEM_KEY_ENCRYPTION_KEY"
_NONCE_BYTES = 12


class SigningKeyError(Exception):
    """The signing key cannot be used: wrong or missing key-encryption key."""


def _kek_file_read() -> bytes:
    path = settings.DATA_DIR / "key_encryption_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip().encode()


def kek_decode(encoded: bytes) -> bytes:
    """The 32 bytes of a KEK written in URL-safe base64 (padding optional)."""
    try:
        kek = base64.urlsafe_b64decode(encoded + b"=" * (-len(encoded) % 4))
    except ValueError as exc:
        raise SigningKeyError(f"{KEK_ENVIRONMENT_VARIABLE} is not URL-safe base64.") from exc
    if len(kek) != 32:
        raise SigningKeyError(f"{KEK_ENVIRONMENT_VARIABLE} must hold 32 bytes.")
    return kek


@cache
def _kek() -> bytes:
    return kek_decode(os.environ.get(KEK_ENVIRONMENT_VARIABLE, "").strip().encode() or _kek_file_read())


def kek_fingerprint(kek: bytes) -> str:
    return hashlib.sha256(b"erdem-kek:" + kek).hexdigest()[:16]


def kek_id() -> str:
    """A short fingerprint of the KEK, stored with each key to say which KEK opens it."""
    return kek_fingerprint(_kek())


def _encrypt(private_key: Ed25519PrivateKey, public_multibase: str) -> bytes:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(_kek()).encrypt(nonce, raw, public_multibase.encode())


def key_create() -> IssuerKey:
    """A new key, not yet signing (the caller decides its status)."""
    private_key = Ed25519PrivateKey.generate()
    public_multibase = ed25519_public_multibase(private_key.public_key())
    return IssuerKey(
        public_multibase=public_multibase,
        private_encrypted=_encrypt(private_key, public_multibase),
        kek_id=kek_id(),
    )


def key_active() -> IssuerKey:
    """The signing key, generated on first use. Safe when two processes start at once."""
    key = IssuerKey.objects.filter(status=IssuerKey.Status.ACTIVE).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = key_create()
            key.save()
            return key
    except IntegrityError:
        return IssuerKey.objects.get(status=IssuerKey.Status.ACTIVE)


def key_rotate() -> IssuerKey:
    """Retire the signing key (kept for verification) and start signing with a new one."""
    with transaction.atomic():
        IssuerKey.objects.select_for_update().filter(status=IssuerKey.Status.ACTIVE).update(
            status=IssuerKey.Status.RETIRED, retired_at=timezone.now()
        )
        key = key_create()
        key.save()
    _private_cached.cache_clear()
    return key


@cache
def _private_cached(public_multibase: str, encrypted: bytes, stored_kek_id: str) -> Ed25519PrivateKey:
    if stored_kek_id != kek_id():
        raise SigningKeyError("The signing key was encrypted with another key-encryption key.")
    nonce, ciphertext = encrypted[:_NONCE_BYTES], encrypted[_NONCE_BYTES:]
    try:
        raw = AESGCM(_kek()).decrypt(nonce, ciphertext, public_multibase.encode())
    except InvalidTag as exc:
        raise SigningKeyError("The signing key cannot be decrypted with this key-encryption key.") from exc
    private_key = Ed25519PrivateKey.from_private_bytes(raw)
    if ed25519_public_multibase(private_key.public_key()) != public_multibase:
        raise SigningKeyError("The decrypted signing key does not match its public key.")
    return private_key


def key_private(key: IssuerKey) -> Ed25519PrivateKey:
    """The decrypted private key (kept in this process's memory, never logged or shown)."""
    return _private_cached(key.public_multibase, bytes(key.private_encrypted), key.kek_id)


def key_public(key: IssuerKey) -> Ed25519PublicKey:
    return ed25519_public_from_multibase(key.public_multibase)
