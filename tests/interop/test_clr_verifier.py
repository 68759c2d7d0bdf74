"""erdem's CLR 2.0 record and endorsements checked by the independent verifier (verify.mjs: Digital Bazaar's
@digitalbazaar/vc with the eddsa-rdfc-2022 suite), offline. The CLR 2.0 context, which no pinned npm package
holds, is given to it from erdem's pinned copy (the third argument of verify.mjs)."""

import json
from pathlib import Path
from typing import Any

import pytest

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.identity import did_document
from erdem.credentials.proofs.contexts import CLR_V2, context_document
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.portfolio.clr import clr_document
from erdem.portfolio.endorsements import endorsement_give, endorsement_request
from erdem.portfolio.tests.factories import make_entry
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.interop.test_independent_verifier import node, node_modules  # noqa: F401 - the fixture
from tests.interop.test_independent_verifier import pytestmark as needs_node

pytestmark = [needs_node, pytest.mark.django_db]


def verify(document: dict[str, Any], tmp_path: Path, *, contexts: bool = True) -> dict[str, Any]:
    credential_file = tmp_path / "credential.json"
    controller_file = tmp_path / "controller.json"
    contexts_file = tmp_path / "contexts.json"
    credential_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    controller_file.write_text(json.dumps(did_document()), encoding="utf-8")
    contexts_file.write_text(json.dumps({CLR_V2: context_document(CLR_V2)}), encoding="utf-8")
    arguments = [credential_file, controller_file, *([contexts_file] if contexts else [])]
    result = node("verify.mjs", *arguments)
    outcome = json.loads(result.stdout)
    assert result.returncode == (0 if outcome["verified"] else 1), result.stderr
    return outcome


@pytest.fixture
def record() -> dict[str, Any]:
    """A CLR with two real erdem credentials and one endorsement inside."""
    programme = ProgrammeFactory()
    owner = person_with_role(Role.EDUCATOR, programme=programme)
    for code in ("AI-1", "AI-2"):
        credential_create(achievement=achievement_create(programme=programme, code=code), person=owner)
    peer = person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution)
    endorsement_give(
        endorsement=endorsement_request(
            entry=make_entry(person=owner), owner=owner, endorser_email=peer.email, relation="peer", note=""
        ),
        endorser=peer,
        comment="Ойлгомжтой, бүтээлч ажил.",
    )
    return clr_document(person=owner)


def test_the_clr_verifies_in_the_javascript_verifier(node_modules, record, tmp_path):  # noqa: F811
    assert len(record["credentialSubject"]["verifiableCredential"]) == 3
    assert verify(record, tmp_path) == {"verified": True, "error": None}
    for inner in record["credentialSubject"]["verifiableCredential"]:
        assert verify(inner, tmp_path) == {"verified": True, "error": None}, inner["type"]

    tampered = json.loads(json.dumps(record))
    tampered["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["achievement"]["name"] += "!"
    outcome = verify(tampered, tmp_path)
    assert outcome["verified"] is False and "signature" in outcome["error"].lower()

    dropped = json.loads(json.dumps(record))
    dropped["credentialSubject"]["verifiableCredential"].pop()
    assert verify(dropped, tmp_path)["verified"] is False

    # Without the CLR context the verifier cannot read the record (it fetches nothing).
    assert verify(record, tmp_path, contexts=False)["verified"] is False


def test_an_endorsement_credential_verifies_in_the_javascript_verifier(node_modules, record, tmp_path):  # noqa: F811
    endorsement = record["credentialSubject"]["verifiableCredential"][-1]
    assert endorsement["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert verify(endorsement, tmp_path, contexts=False) == {"verified": True, "error": None}
    tampered = json.loads(json.dumps(endorsement))
    tampered["credentialSubject"]["endorsementComment"] = "Copied from the internet."
    assert verify(tampered, tmp_path, contexts=False)["verified"] is False
