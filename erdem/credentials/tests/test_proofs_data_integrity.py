import copy
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import ProofError, document_sign, proof_create, proof_verify
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase, ed25519_public_multibase
from erdem.credentials.proofs.samples import sample_credential

ENGINES = ["pyoxigraph", "pyld"]
# The Open Badges 3.0 specification's test key (its signed test vector uses it).
SPEC_SEED = bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
SPEC_MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
CREATED = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def reference_dir() -> Path:
    configured = os.environ.get("ERDEM_OB3_REFERENCE_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "reference" / "ob3"


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    path = reference_dir() / "obv3_test_vector_signed.json"
    if not path.is_file():
        pytest.skip(f"reference data absent: 1EdTech's signed test vector ({path.name})")
    return json.loads(path.read_text(encoding="utf-8"))


def resolve_by_fragment(verification_method: str):
    """The key named by the method's fragment (the vector's issuer publishes it that way)."""
    return ed25519_public_from_multibase(verification_method.rsplit("#", 1)[1])


@pytest.fixture(scope="module")
def issuer_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture(scope="module")
def signed(issuer_key) -> dict[str, Any]:
    method = f"did:web:erdem.example#{ed25519_public_multibase(issuer_key.public_key())}"
    return document_sign(sample_credential(), private_key=issuer_key, verification_method=method, created=CREATED)


def resolver_for(key: Ed25519PrivateKey):
    method = f"did:web:erdem.example#{ed25519_public_multibase(key.public_key())}"

    def resolve(verification_method: str):
        if verification_method != method:
            raise LookupError(f"unknown verification method {verification_method}")
        return key.public_key()

    return resolve


def string_paths(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in string_paths(value, (*path, key))]
    if isinstance(node, list):
        return [p for index, value in enumerate(node) for p in string_paths(value, (*path, index))]
    return [path] if isinstance(node, str) else []


def changed_at(document: dict[str, Any], path: tuple) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        node = node[key]
    value = node[path[-1]]
    # Change one character, keeping the value well-formed where it is an IRI or a date.
    position = next((i for i in range(len(value) - 1, -1, -1) if value[i].isalnum()), len(value) - 1)
    char = value[position]
    replacement = "1" if char == "0" else "0" if char.isdigit() else ("b" if char != "b" else "c")
    node[path[-1]] = value[:position] + replacement + value[position + 1 :]
    return changed


@pytest.mark.parametrize("engine", ENGINES)
def test_the_open_badges_test_vector_verifies(vector, engine):
    verified = proof_verify(vector, resolve_key=resolve_by_fragment, engine=engine)
    assert verified.verification_method == f"https://example.edu/issuers/565049#{SPEC_MULTIBASE}"
    assert verified.created == datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)
    assert verified.cryptosuite == "eddsa-rdfc-2022"


@pytest.mark.parametrize("engine", ENGINES)
def test_re_signing_the_vector_gives_its_proof_value(vector, engine):
    private_key = Ed25519PrivateKey.from_private_bytes(SPEC_SEED)
    assert ed25519_public_multibase(private_key.public_key()) == SPEC_MULTIBASE
    options = vector["proof"]
    proof = proof_create(
        {key: value for key, value in vector.items() if key != "proof"},
        private_key=private_key,
        verification_method=options["verificationMethod"],
        created=datetime.fromisoformat(options["created"].replace("Z", "+00:00")),
        proof_purpose=options["proofPurpose"],
        engine=engine,
    )
    assert proof == options


def test_any_changed_string_in_the_vector_fails(vector):
    paths = string_paths({key: value for key, value in vector.items() if key != "proof"})
    assert len(paths) > 15
    for path in paths:
        if path[0] == "@context":
            continue
        with pytest.raises(ProofError) as caught:
            proof_verify(changed_at(vector, path), resolve_key=resolve_by_fragment)
        # A changed type becomes an undefined term: refused before the signature is checked.
        assert caught.value.code in {"bad-signature", "malformed"}, path


def test_a_changed_proof_option_fails(vector):
    for key, value in [
        ("created", "2010-01-01T19:23:25Z"),
        ("verificationMethod", vector["proof"]["verificationMethod"] + "x"),
    ]:
        tampered = copy.deepcopy(vector)
        tampered["proof"][key] = value
        with pytest.raises(ProofError) as caught:
            proof_verify(
                tampered, resolve_key=lambda method: resolve_by_fragment(vector["proof"]["verificationMethod"])
            )
        assert caught.value.code == "bad-signature"


def test_signing_and_verifying_our_credentials(signed, issuer_key):
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    proof = signed["proof"][0]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["created"] == "2026-11-28T10:00:00Z"
    assert proof["proofPurpose"] == "assertionMethod" and proof["proofValue"].startswith("z")
    for engine in ENGINES:
        verified = proof_verify(signed, resolve_key=resolver_for(issuer_key), engine=engine)
        assert verified.verification_method == proof["verificationMethod"]
    one_proof = {**signed, "proof": proof}  # a single proof object is accepted too
    assert proof_verify(one_proof, resolve_key=resolver_for(issuer_key))


def test_every_string_of_our_credential_is_covered(signed, issuer_key):
    resolve = resolver_for(issuer_key)
    paths = [path for path in string_paths(signed) if path[0] not in ("@context", "proof")]
    assert len(paths) > 40
    for path in paths:
        with pytest.raises(ProofError) as caught:
            proof_verify(changed_at(signed, path), resolve_key=resolve)
        assert caught.value.code in {"bad-signature", "malformed"}, path


def test_numbers_booleans_and_structure_are_covered(signed, issuer_key):
    resolve = resolver_for(issuer_key)
    changes = [
        lambda c: c["credentialSubject"].update(creditsEarned=2.75),
        lambda c: c["credentialSubject"]["identifier"][0].update(hashed=False),
        lambda c: c["credentialSubject"]["achievement"]["tag"].pop(),
        lambda c: c["credentialSubject"]["achievement"]["tag"].append("нэмэлт"),
        lambda c: c.pop("validUntil"),
        lambda c: c.pop("evidence"),
        lambda c: c["type"].pop(),
        lambda c: c.update(description=None),
    ]
    for change in changes:
        tampered = copy.deepcopy(signed)
        change(tampered)
        with pytest.raises(ProofError) as caught:
            proof_verify(tampered, resolve_key=resolve)
        assert caught.value.code == "bad-signature"
    reordered = json.loads(json.dumps(signed, sort_keys=True))  # key order is not part of the meaning
    assert proof_verify(reordered, resolve_key=resolve)


def test_a_wrong_key_fails(signed):
    other = Ed25519PrivateKey.generate()
    with pytest.raises(ProofError) as caught:
        proof_verify(signed, resolve_key=lambda method: other.public_key())
    assert caught.value.code == "bad-signature"


def test_an_unresolvable_key(signed):
    def refuse(method: str):
        raise KeyError(method)

    with pytest.raises(ProofError) as caught:
        proof_verify(signed, resolve_key=refuse)
    assert caught.value.code == "unknown-key"
    with pytest.raises(ProofError) as caught:
        proof_verify(signed, resolve_key=lambda method: "not a key")  # type: ignore[return-value]
    assert caught.value.code == "unknown-key"


def proof_changed(signed: dict[str, Any], **changes: Any) -> dict[str, Any]:
    tampered = copy.deepcopy(signed)
    tampered["proof"][0].update(changes)
    for key, value in changes.items():
        if value is None:
            del tampered["proof"][0][key]
    return tampered


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"proofPurpose": "authentication"}, "wrong-purpose"),
        ({"cryptosuite": "eddsa-jcs-2022"}, "unsupported-cryptosuite"),
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "unsupported-cryptosuite"),
        ({"type": "Ed25519Signature2020"}, "unsupported-cryptosuite"),
        ({"proofValue": None}, "malformed"),
        ({"proofValue": "z123"}, "malformed"),
        ({"proofValue": "u" + "A" * 86}, "malformed"),
        ({"verificationMethod": None}, "malformed"),
        ({"verificationMethod": 7}, "malformed"),
        ({"created": "yesterday"}, "malformed"),
        ({"created": "2026-11-28T10:00:00"}, "malformed"),
        ({"expires": "2020-01-01T00:00:00Z"}, "expired"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "malformed"),
    ],
)
def test_proof_options_that_are_refused(signed, issuer_key, changes, code):
    with pytest.raises(ProofError) as caught:
        proof_verify(proof_changed(signed, **changes), resolve_key=resolver_for(issuer_key))
    assert caught.value.code == code
    assert caught.value.message


@pytest.mark.parametrize(
    "document",
    [None, [], "credential", {}, {"proof": []}, {"@context": [CREDENTIALS_V2], "proof": "z"}, {"proof": [{}] * 9}],
)
def test_malformed_documents_only_raise_proof_errors(document):
    with pytest.raises(ProofError) as caught:
        proof_verify(document, resolve_key=resolve_by_fragment)
    assert caught.value.code in {"missing", "malformed", "unsupported-cryptosuite"}


def test_an_unknown_context_is_reported_as_such(signed, issuer_key):
    tampered = copy.deepcopy(signed)
    tampered["@context"] = [CREDENTIALS_V2, OB_V3, "https://example.com/extra-context.json"]
    with pytest.raises(ProofError) as caught:
        proof_verify(tampered, resolve_key=resolver_for(issuer_key))
    assert caught.value.code == "unknown-context"


def test_an_undefined_term_is_malformed_not_ignored(signed, issuer_key):
    tampered = copy.deepcopy(signed)
    tampered["unsignedClaim"] = "added later"
    with pytest.raises(ProofError) as caught:
        proof_verify(tampered, resolve_key=resolver_for(issuer_key))
    assert caught.value.code == "malformed"


def test_every_proof_of_a_set_must_verify(signed, issuer_key):
    second_key = Ed25519PrivateKey.generate()
    second_method = f"did:web:other.example#{ed25519_public_multibase(second_key.public_key())}"
    second = proof_create(signed, private_key=second_key, verification_method=second_method, created=CREATED)
    keys = {signed["proof"][0]["verificationMethod"]: issuer_key.public_key(), second_method: second_key.public_key()}
    both = {**signed, "proof": [signed["proof"][0], second]}
    assert proof_verify(both, resolve_key=keys.__getitem__)
    broken = copy.deepcopy(both)
    broken["proof"][1]["proofValue"] = signed["proof"][0]["proofValue"]
    with pytest.raises(ProofError) as caught:
        proof_verify(broken, resolve_key=keys.__getitem__)
    assert caught.value.code == "bad-signature"


def test_signing_needs_an_aware_time(issuer_key):
    naive = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    with pytest.raises(ValueError):
        proof_create(sample_credential(), private_key=issuer_key, verification_method="did:web:x#k", created=naive)
