"""The signed CLR 2.0 record: a ClrCredential holding the person's credentials as signed and the endorsements
of their entries; its download."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.clr_verification import clr_verify
from erdem.credentials.documents import identity_hash
from erdem.credentials.identity import issuer_did
from erdem.credentials.models import Credential
from erdem.credentials.proofs.canonical import canonize
from erdem.credentials.proofs.contexts import CLR_V2, CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import ProofError, proof_verify
from erdem.credentials.proofs.jwt import jwt_decode
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.credentials.verification import KeyResolver, credential_verify
from erdem.people.tests.factories import make_person
from erdem.portfolio.clr import ClrError, clr_document, clr_secured, clr_unsigned
from erdem.portfolio.endorsements import endorsement_give, endorsement_request, endorsement_withdraw
from erdem.portfolio.tests.factories import make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def owner(programme):
    return person_with_role(Role.EDUCATOR, programme=programme)


@pytest.fixture
def record(programme, owner):
    """Two credentials (a third revoked), one endorsement given and one withdrawn."""
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    first = credential_create(achievement=achievement_create(programme=programme, code="AI-1"), person=owner)
    second = credential_create(achievement=achievement_create(programme=programme, code="AI-2"), person=owner)
    revoked = credential_create(achievement=achievement_create(programme=programme, code="AI-3"), person=owner)
    credential_revoke(credential=revoked, actor=admin, reason="Issued in error.")
    peer = person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution)
    entry = make_entry(person=owner)
    given = endorsement_give(
        endorsement=endorsement_request(entry=entry, owner=owner, endorser_email=peer.email, relation="peer", note=""),
        endorser=peer,
        comment="Excellent use of AI feedback.",
    )
    other = person_with_role(Role.MENTOR, programme=programme)
    taken_back = endorsement_give(
        endorsement=endorsement_request(
            entry=entry, owner=owner, endorser_email=other.email, relation="mentor", note=""
        ),
        endorser=other,
        comment="Fine.",
    )
    endorsement_withdraw(endorsement=taken_back, person=other)
    for item in (first, second, given):
        item.refresh_from_db()
    return first, second, given


def test_the_record_holds_the_credentials_as_signed_and_the_endorsements(owner, record):
    first, second, given = record
    document = clr_document(person=owner)
    assert document["@context"] == [CREDENTIALS_V2, CLR_V2, OB_V3]
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["id"].startswith("urn:uuid:")
    assert document["issuer"]["id"] == issuer_did()
    assert owner.full_name in document["name"]
    subject = document["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    [identifier] = subject["identifier"]
    assert identifier["identityHash"] == identity_hash(owner.email, identifier["salt"])
    assert subject["verifiableCredential"] == [first.document, second.document, given.document]
    assert [item["id"] for item in subject["achievement"]] == [
        first.document["credentialSubject"]["achievement"]["id"],
        second.document["credentialSubject"]["achievement"]["id"],
    ]
    proof_verify(document, resolve_key=KeyResolver())
    proof_verify(document, resolve_key=KeyResolver(), engine="pyld")
    # Each credential inside still verifies on its own.
    for inner in (first.document, second.document):
        assert credential_verify(inner).verdict == "valid"


def test_a_changed_record_no_longer_verifies(owner, record):
    document = clr_document(person=owner)
    document["credentialSubject"]["verifiableCredential"].pop()
    with pytest.raises(ProofError):
        proof_verify(document, resolve_key=KeyResolver())


def test_the_record_checked_by_erdem(owner, record, programme):
    document = clr_document(person=owner)
    checked = clr_verify(document)
    assert checked.genuine and checked.all_valid
    assert [item.verdict for item in checked.credentials] == ["valid", "valid"]
    assert [item.genuine for item in checked.endorsements] == [True]
    first = document["credentialSubject"]["verifiableCredential"][0]
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    credential_revoke(
        credential=Credential.objects.get(person=owner, achievement__code="AI-1"), actor=admin, reason="Plagiarism."
    )
    revoked = clr_verify(document)
    assert revoked.genuine and not revoked.all_valid
    assert revoked.credentials[0].status == "revoked"
    tampered = json.loads(json.dumps(document))
    tampered["credentialSubject"]["verifiableCredential"][2]["credentialSubject"]["endorsementComment"] = "Forged."
    assert not clr_verify(tampered).genuine
    assert not clr_verify(first).genuine and "not a CLR" in clr_verify(first).message


def test_the_jwt_carries_the_same_record(owner, record):
    document, token = clr_secured(person=owner)
    payload = jwt_decode(token, resolve_key=KeyResolver())
    assert payload["credentialSubject"] == document["credentialSubject"]


def test_the_order_of_the_contexts_does_not_change_what_is_signed(owner, record):
    """CLR 2.0's examples put the CLR context before Open Badges'; either order reads the same."""
    unsigned = clr_unsigned(person=owner, salt="0123456789abcdef")
    swapped = {**unsigned, "@context": [CREDENTIALS_V2, OB_V3, CLR_V2]}
    canonical = canonize(unsigned, engine="pyoxigraph")
    assert canonical == canonize(unsigned, engine="pyld") == canonize(swapped, engine="pyoxigraph")
    assert "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrSubject>" in canonical


def test_an_empty_record_is_refused(owner, client):
    with pytest.raises(ClrError, match="learning record is empty"):
        clr_document(person=owner)
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    response = client.get(reverse("portfolio:clr"), follow=True)
    assert "learning record is empty" in response.content.decode()


def test_the_download(client, owner, record):
    url = reverse("portfolio:clr")
    assert client.get(url).status_code == 302  # to the login page
    nobody = Client()
    nobody.force_login(make_person())  # no role in any programme: no portfolio
    assert nobody.get(url).status_code == 403
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="learning-record.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert len(document["credentialSubject"]["verifiableCredential"]) == 3
    proof_verify(document, resolve_key=KeyResolver())
    token = client.get(url, {"format": "jwt"})
    assert token.status_code == 200 and token.content.count(b".") == 2
    assert client.post(url).status_code == 405
