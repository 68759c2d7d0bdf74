"""erdem's credentials checked by an independent implementation: Digital Bazaar's JavaScript
stack (@digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite, and jsonld.js for RDFC-1.0),
installed from tests/interop/package-lock.json and run offline (verify.mjs, canonize.mjs)."""

import json
import os
import random
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from erdem.credentials.proofs.canonical import canonize
from erdem.credentials.proofs.contexts import DID_V1, MULTIKEY_V1
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.multikey import ed25519_public_multibase
from erdem.credentials.proofs.samples import ISSUER_DID, ISSUER_KEY_SEED, generated_credential, sample_credential

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None, reason="Node.js and npm are needed for the independent verifier and are not installed"
)


@pytest.fixture(scope="module")
def node_modules() -> Path:
    modules = HERE / "node_modules"
    installed = modules / ".package-lock.json"  # npm's record of what node_modules holds
    if not installed.is_file() or installed.stat().st_mtime < (HERE / "package-lock.json").stat().st_mtime:
        subprocess.run(  # noqa: S603 - a fixed command, no shell
            [str(NPM), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
            timeout=300,
            capture_output=True,
        )
    return modules


def node(script: str, *arguments: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed command, no shell
        [str(NODE), script, *map(str, arguments)], cwd=HERE, capture_output=True, text=True, timeout=120
    )


def verify(credential: dict[str, Any], controller: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    credential_file = tmp_path / "credential.json"
    controller_file = tmp_path / "controller.json"
    credential_file.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    controller_file.write_text(json.dumps(controller), encoding="utf-8")
    result = node("verify.mjs", credential_file, controller_file)
    outcome = json.loads(result.stdout)
    assert result.returncode == (0 if outcome["verified"] else 1), result.stderr
    return outcome


def controller_document(controller_id: str, public_multibase: str) -> dict[str, Any]:
    method = f"{controller_id}#{public_multibase}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": controller_id,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": controller_id, "publicKeyMultibase": public_multibase}
        ],
        "assertionMethod": [method],
    }


@pytest.fixture(scope="module")
def issuer() -> tuple[Ed25519PrivateKey, dict[str, Any]]:
    key = Ed25519PrivateKey.from_private_bytes(ISSUER_KEY_SEED)
    return key, controller_document(ISSUER_DID, ed25519_public_multibase(key.public_key()))


@pytest.mark.parametrize("engine", ["pyoxigraph", "pyld"])
def test_our_credential_verifies_in_the_javascript_verifier(node_modules, issuer, tmp_path, engine):
    key, controller = issuer
    credential = sample_credential(number=42)
    credential["validFrom"] = "2026-01-01T00:00:00Z"
    signed = document_sign(
        credential,
        private_key=key,
        verification_method=controller["assertionMethod"][0],
        created=datetime(2026, 1, 1, tzinfo=UTC),
        engine=engine,
    )
    assert verify(signed, controller, tmp_path) == {"verified": True, "error": None}

    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] += "!"
    outcome = verify(tampered, controller, tmp_path)
    assert outcome["verified"] is False and "signature" in outcome["error"].lower()

    other = controller_document(ISSUER_DID, ed25519_public_multibase(Ed25519PrivateKey.generate().public_key()))
    other["verificationMethod"][0]["id"] = other["assertionMethod"][0] = controller["assertionMethod"][0]
    assert verify(signed, other, tmp_path)["verified"] is False  # someone else's key under the same id


def test_a_key_not_authorised_for_assertions_is_refused(node_modules, issuer, tmp_path):
    key, controller = issuer
    signed = document_sign(
        sample_credential(),
        private_key=key,
        verification_method=controller["assertionMethod"][0],
        created=datetime(2026, 1, 1, tzinfo=UTC),
    )
    unauthorised = {**controller, "assertionMethod": []}
    assert verify(signed, unauthorised, tmp_path)["verified"] is False


def test_the_open_badges_test_vector_verifies_in_the_javascript_verifier(node_modules, tmp_path):
    reference = Path(
        os.environ.get("ERDEM_OB3_REFERENCE_DIR") or Path(settings.BASE_DIR).parent / "shared" / "reference" / "ob3"
    )
    path = reference / "obv3_test_vector_signed.json"
    if not path.is_file():
        pytest.skip(f"reference data absent: 1EdTech's signed test vector ({path.name})")
    vector = json.loads(path.read_text(encoding="utf-8"))
    controller_id, public_multibase = vector["proof"]["verificationMethod"].split("#")
    controller = controller_document(controller_id, public_multibase)
    assert verify(vector, controller, tmp_path) == {"verified": True, "error": None}


def test_our_canonical_form_is_jsonld_js_canonical_form(node_modules, tmp_path):
    rng = random.Random(2026)
    documents = [sample_credential()] + [generated_credential(rng) for _ in range(60)]
    documents_file = tmp_path / "documents.json"
    documents_file.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    result = node("canonize.mjs", documents_file)
    assert result.returncode == 0, result.stderr
    javascript = json.loads(result.stdout)
    for number, (document, expected) in enumerate(zip(documents, javascript, strict=True)):
        assert canonize(document, engine="pyoxigraph") == expected, f"document {number}"
        assert canonize(document, engine="pyld") == expected, f"document {number}"
