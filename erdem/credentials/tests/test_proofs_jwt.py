import base64
import json
from datetime import UTC, datetime

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from erdem.credentials.proofs.data_integrity import ProofError
from erdem.credentials.proofs.jwt import MAX_TOKEN_BYTES, jwt_decode, jwt_encode
from erdem.credentials.proofs.samples import sample_credential

KID = "did:web:erdem.example#key-1"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def resolve(kid: str):
    if kid != KID:
        raise LookupError(kid)
    return KEY.public_key()


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parts(token: str) -> tuple[dict, dict]:
    header, payload, _signature = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))),
        json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))),
    )


def code_of(token: str) -> str:
    with pytest.raises(ProofError) as caught:
        jwt_decode(token, resolve_key=resolve)
    assert caught.value.message
    return caught.value.code


def test_round_trip_and_claims():
    credential = sample_credential()
    token = jwt_encode(credential, private_key=KEY, kid=KID)
    header, payload = parts(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": KID}
    assert payload["iss"] == "did:web:erdem.example"
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == payload["iat"] == int(datetime(2026, 11, 28, 9, 30, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2031, 11, 28, 9, 30, tzinfo=UTC).timestamp())
    assert payload["name"] == credential["name"]
    assert jwt_decode(token, resolve_key=resolve) == credential


def test_optional_claims_are_left_out():
    credential = sample_credential()
    del credential["validUntil"]
    del credential["credentialSubject"]["id"]
    _header, payload = parts(jwt_encode(credential, private_key=KEY, kid=KID))
    assert "exp" not in payload and "sub" not in payload


def test_a_changed_payload_or_key_fails():
    token = jwt_encode(sample_credential(), private_key=KEY, kid=KID)
    header, payload, signature = token.split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed["name"] = "Өөр нэр"
    assert code_of(f"{header}.{b64(changed)}.{signature}") == "bad-signature"
    other = Ed25519PrivateKey.generate()
    with pytest.raises(ProofError) as caught:
        jwt_decode(token, resolve_key=lambda kid: other.public_key())
    assert caught.value.code == "bad-signature"
    with pytest.raises(ProofError) as caught:
        jwt_decode(token.replace(KID, "x"), resolve_key=lambda kid: (_ for _ in ()).throw(KeyError(kid)))
    assert caught.value.code in {"unknown-key", "malformed"}


def test_alg_none_and_others_are_refused():
    payload = b64(sample_credential())
    assert code_of(f"{b64({'alg': 'none', 'typ': 'vc+jwt', 'kid': KID})}.{payload}.") == "alg-not-allowed"
    assert code_of(f"{b64({'typ': 'vc+jwt', 'kid': KID})}.{payload}.c2ln") == "alg-not-allowed"
    assert code_of(f"{b64({'alg': 'none', 'typ': 'vc+jwt', 'kid': KID})}.{payload}.c2ln") == "alg-not-allowed"
    public_pem = KEY.public_key().public_bytes(
        encoding=__import__("cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]).Encoding.Raw,
        format=__import__("cryptography.hazmat.primitives.serialization", fromlist=["PublicFormat"]).PublicFormat.Raw,
    )
    hs256 = pyjwt.encode(sample_credential(), public_pem, algorithm="HS256", headers={"kid": KID})
    assert code_of(hs256) == "alg-not-allowed"
    es256 = pyjwt.encode(
        sample_credential(), generate_private_key(SECP256R1()), algorithm="ES256", headers={"kid": KID}
    )
    assert code_of(es256) == "alg-not-allowed"


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["exp"]},
        {"jku": "https://attacker.example/keys"},
        {"x5u": "https://attacker.example/cert"},
        {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}},
        {"b64": False},
        {"typ": "at+jwt"},
        {"kid": 5},
        {"kid": ""},
    ],
)
def test_unexpected_headers_are_refused(extra):
    header = {"alg": "EdDSA", "kid": KID, **extra}
    signing_input = f"{b64(header)}.{b64(sample_credential())}"
    token = f"{signing_input}.{b64(KEY.sign(signing_input.encode()))}"
    assert code_of(token) == "bad-header"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d", "..", "!!!.???.###", "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln", "W10.e30.c2ln"],
)
def test_malformed_tokens_are_refused(token):
    assert code_of(token) == "malformed"


def test_oversized_and_deeply_nested_tokens_are_refused():
    assert code_of("a" * (MAX_TOKEN_BYTES + 1)) == "malformed"
    deep = "[" * 100_000 + "]" * 100_000
    header = b64({"alg": "EdDSA", "kid": KID})
    nested = f"{header}.{b64(deep.encode())[: MAX_TOKEN_BYTES - 200]}.c2ln"
    assert code_of(nested) == "malformed"
    assert code_of(f"{b64(b'[' * 5000)}.{b64({})}.c2ln") == "malformed"


def test_expired_and_future_tokens():
    credential = sample_credential()
    credential["validFrom"], credential["validUntil"] = "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"
    assert code_of(jwt_encode(credential, private_key=KEY, kid=KID)) == "expired"
    credential["validFrom"], credential["validUntil"] = "2090-01-01T00:00:00Z", "2091-01-01T00:00:00Z"
    assert code_of(jwt_encode(credential, private_key=KEY, kid=KID)) == "not-yet-valid"


def test_claims_must_agree_with_the_credential():
    credential = sample_credential()
    payload = {**credential, "iss": "did:web:someone-else.example"}
    token = pyjwt.encode(payload, KEY, algorithm="EdDSA", headers={"kid": KID, "typ": "vc+jwt"})
    assert code_of(token) == "malformed"


def test_a_vc_data_model_1_1_token_from_another_issuer():
    legacy_vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"degree": {"type": "BachelorDegree"}},
    }
    payload = {
        "vc": legacy_vc,
        "iss": "did:web:university.example",
        "jti": "urn:uuid:1234",
        "sub": "did:example:student",
        "nbf": 1262304000,
    }
    token = pyjwt.encode(payload, KEY, algorithm="EdDSA", headers={"kid": KID, "typ": "JWT"})
    credential = jwt_decode(token, resolve_key=resolve)
    assert credential["issuer"] == "did:web:university.example"
    assert credential["id"] == "urn:uuid:1234"
    assert credential["credentialSubject"] == {"degree": {"type": "BachelorDegree"}, "id": "did:example:student"}
    assert credential["issuanceDate"] == "2010-01-01T00:00:00Z"
