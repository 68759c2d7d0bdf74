import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from erdem.credentials.proofs.multikey import (
    did_key,
    did_key_public,
    ed25519_private_from_multibase,
    ed25519_public_from_multibase,
    ed25519_public_multibase,
    ed25519_secret_multibase,
)

# The Open Badges 3.0 specification's test key.
SEED = bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
PUBLIC = bytes.fromhex("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def raw(public_key):
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_the_specification_key_in_multikey_form():
    private_key = Ed25519PrivateKey.from_private_bytes(SEED)
    assert raw(private_key.public_key()) == PUBLIC
    assert ed25519_public_multibase(private_key.public_key()) == MULTIBASE
    assert raw(ed25519_public_from_multibase(MULTIBASE)) == PUBLIC


def test_secret_keys_round_trip():
    private_key = Ed25519PrivateKey.from_private_bytes(SEED)
    secret = ed25519_secret_multibase(private_key)
    assert secret.startswith("z3u2")
    assert raw(ed25519_private_from_multibase(secret).public_key()) == PUBLIC
    with pytest.raises(ValueError):
        ed25519_private_from_multibase(MULTIBASE)  # a public key is not a secret one


@pytest.mark.parametrize(
    "value",
    [
        "",
        "z",
        "6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",  # no multibase prefix
        "uO2MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",  # another base
        MULTIBASE[:-1],  # too short
        MULTIBASE + "2",  # too long
        "z0OIl" + MULTIBASE[5:],  # not base58
        "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",  # a P-256 key
        "z" + "1" * 300,
    ],
)
def test_anything_but_an_ed25519_multikey_is_refused(value):
    with pytest.raises(ValueError):
        ed25519_public_from_multibase(value)


def test_did_key():
    key = Ed25519PrivateKey.generate().public_key()
    identifier = did_key(key)
    assert identifier.startswith("did:key:z6Mk")
    assert raw(did_key_public(identifier)) == raw(key)
    assert raw(did_key_public(f"{identifier}#{identifier[8:]}")) == raw(key)
    assert raw(did_key_public(f"did:key:{MULTIBASE}#{MULTIBASE}")) == PUBLIC
    for wrong in ("did:web:erdem.example", f"{identifier}#other", "did:key:", f"did:key:{MULTIBASE[:-2]}"):
        with pytest.raises(ValueError):
            did_key_public(wrong)
