"""Ed25519 keys as Multikey (multicodec + multibase base58btc) and did:key identifiers."""

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ED25519_PUBLIC_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (0xed) as an unsigned varint
ED25519_SECRET_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300) as an unsigned varint
_MAX_MULTIBASE = 128


def _base58btc_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or len(value) > _MAX_MULTIBASE:
        raise ValueError("Not a base58btc multibase value (it must start with 'z').")
    try:
        return base58.b58decode(value[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise ValueError(f"Not valid base58btc: {error}") from error


def base58btc_encode(data: bytes) -> str:
    """Multibase base58btc: 'z' then the base58 (Bitcoin alphabet) encoding."""
    return "z" + base58.b58encode(data).decode("ascii")


def base58btc_decode(value: str) -> bytes:
    return _base58btc_decode(value)


def ed25519_public_multibase(public_key: Ed25519PublicKey) -> str:
    """The key as a Multikey publicKeyMultibase: 'z6Mk…'."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base58btc_encode(ED25519_PUBLIC_PREFIX + raw)


def ed25519_public_from_multibase(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a 'z6Mk…' publicKeyMultibase; ValueError for anything else."""
    data = _base58btc_decode(value)
    if len(data) != 34 or not data.startswith(ED25519_PUBLIC_PREFIX):
        raise ValueError("Not an Ed25519 public key in Multikey form (0xed01 and 32 bytes).")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def ed25519_secret_multibase(private_key: Ed25519PrivateKey) -> str:
    """The private key's seed as a Multikey secretKeyMultibase: 'z3u2…'."""
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base58btc_encode(ED25519_SECRET_PREFIX + seed)


def ed25519_private_from_multibase(value: str) -> Ed25519PrivateKey:
    """The Ed25519 private key of a secretKeyMultibase (0x8026 and a 32-byte seed); ValueError otherwise."""
    data = _base58btc_decode(value)
    if len(data) != 34 or not data.startswith(ED25519_SECRET_PREFIX):
        raise ValueError("Not an Ed25519 secret key in Multikey form (0x8026 and 32 bytes).")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def did_key_public(did_or_url: str) -> Ed25519PublicKey:
    """The Ed25519 key of 'did:key:z6Mk…' or 'did:key:z6Mk…#z6Mk…'; ValueError for anything else."""
    if not isinstance(did_or_url, str) or not did_or_url.startswith("did:key:"):
        raise ValueError("Not a did:key identifier.")
    did, _, fragment = did_or_url.partition("#")
    identifier = did[len("did:key:") :]
    if fragment and fragment != identifier:
        raise ValueError("A did:key's only verification method is the key itself (#<the same multibase>).")
    return ed25519_public_from_multibase(identifier)


def did_key(public_key: Ed25519PublicKey) -> str:
    """'did:key:z6Mk…' for the key."""
    return "did:key:" + ed25519_public_multibase(public_key)
