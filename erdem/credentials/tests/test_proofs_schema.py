import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import override_settings

from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.samples import sample_credential
from erdem.credentials.proofs.schema import ob3_schema, schema_errors
from erdem.credentials.tests.conftest import SCHEMA_NAME, reference_dir


@pytest.fixture(scope="module")
def schema_path(official_schema_path: Path) -> Path:
    return official_schema_path


@pytest.fixture(scope="module")
def schema(schema_path) -> dict[str, Any]:
    return json.loads(schema_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    return document_sign(
        sample_credential(),
        private_key=Ed25519PrivateKey.generate(),
        verification_method="did:web:erdem.example#key-1",
        created=__import__("datetime").datetime(2026, 11, 28, tzinfo=__import__("datetime").UTC),
    )


def test_our_signed_credential_is_valid(schema, signed):
    assert schema_errors(signed, schema) == []


def test_the_test_vector_needs_its_proof_as_an_array(schema):
    vector = json.loads((reference_dir() / "obv3_test_vector_signed.json").read_text(encoding="utf-8"))
    errors = schema_errors(vector, schema)
    assert len(errors) == 1 and errors[0].startswith("$.proof: ") and "is not of type 'array'" in errors[0]
    vector["proof"] = [vector["proof"]]
    assert schema_errors(vector, schema) == []


def test_errors_name_the_place_at_fault(schema, signed):
    broken = copy.deepcopy(signed)
    del broken["issuer"]
    broken["credentialSubject"]["achievement"]["name"] = 7
    broken["credentialSubject"]["achievement"]["criteria"] = "see website"
    errors = schema_errors(broken, schema)
    assert "$: 'issuer' is a required property" in errors
    assert "$.credentialSubject.achievement.name: 7 is not of type 'string'" in errors
    assert any(error.startswith("$.credentialSubject.achievement.criteria: ") for error in errors)


def test_no_reference_is_fetched(signed):
    schema = {
        "$schema": "https://json-schema.org/draft/2019-09/schema#",
        "$id": "https://erdem.example/schema.json",
        "type": "object",
        "properties": {"issuer": {"$ref": "https://attacker.example/remote.json"}},
    }
    errors = schema_errors(signed, schema)
    assert errors == ["$: the schema refers to 'https://attacker.example/remote.json', which is not part of it"]


def test_the_schema_setting(schema_path):
    with override_settings(ERDEM_OB3_SCHEMA_PATH=None):
        assert ob3_schema() is None
    with override_settings(ERDEM_OB3_SCHEMA_PATH=str(schema_path)):
        loaded = ob3_schema()
        assert loaded is not None and loaded["$id"].endswith(SCHEMA_NAME)
