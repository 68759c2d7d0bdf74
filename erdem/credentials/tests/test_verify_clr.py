"""The verifier reads a CLR 2.0 learning record: the record's own verdict, whom it is about (a hashed e-mail
address, no name), who issued it, and each credential inside with its own verdict; an EndorsementCredential on
its own is shown as an endorsement. The page, the API and clr_verify agree."""

import html
import json
import re
from unittest import mock

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.clr_verification import MAX_FETCHING_CREDENTIALS, MAX_INNER_CREDENTIALS, clr_verify
from erdem.credentials.fetch import FetchError
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.portfolio.clr import clr_document
from erdem.portfolio.endorsements import endorsement_give, endorsement_request
from erdem.portfolio.tests.factories import make_entry

pytestmark = pytest.mark.django_db

URL = "/credentials/verify/"
API = "/api/v1/credentials/verify"
COMMENT = "Excellent use of AI feedback in class."


@pytest.fixture
def owner(programme):
    return person_with_role(Role.EDUCATOR, programme=programme)


@pytest.fixture
def held(programme, owner):
    """Two credentials and one endorsement of the owner's portfolio entry."""
    first = credential_create(
        achievement=achievement_create(programme=programme, code="AI-1", name_en="Prompting basics"), person=owner
    )
    second = credential_create(
        achievement=achievement_create(programme=programme, code="AI-2", name_en="Feedback with AI"), person=owner
    )
    peer = person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution)
    request = endorsement_request(
        entry=make_entry(person=owner), owner=owner, endorser_email=peer.email, relation="peer", note=""
    )
    given = endorsement_give(endorsement=request, endorser=peer, comment=COMMENT)
    given.refresh_from_db()
    return first, second, given


@pytest.fixture
def record(owner, held):
    return clr_document(person=owner)


def client_in(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def tampered(document):
    changed = json.loads(json.dumps(document))
    changed["credentialSubject"]["verifiableCredential"].pop(1)  # a credential taken out of the record
    return changed


def test_a_record_and_each_credential_in_it_are_checked(record, held, admin):
    checked = clr_verify(record)

    assert checked.record.verdict == "valid", checked.record.checks
    assert [check.code for check in checked.record.checks] == ["format", "signature", "issuer", "status", "dates"]
    assert [item.kind for item in checked.items] == ["credential", "credential", "endorsement"]
    assert [item.verification.verdict for item in checked.items] == ["valid", "valid", "valid"]
    assert checked.items[2].comment == COMMENT
    assert checked.all_valid
    assert checked.record.achievement_name == ""  # the record's name (the learner's) is not one of its facts

    credential_revoke(credential=held[0], actor=admin, reason="Plagiarism.")
    later = clr_verify(record)

    assert later.record.verdict == "valid" and later.genuine  # the record's own signature still holds
    assert later.items[0].verification.status == "revoked"
    assert later.items[0].verification.verdict == "invalid"
    assert "The issuer has revoked this credential." in later.items[0].problems[0]
    assert not later.all_valid


def test_a_tampered_record_fails_its_signature_and_still_lists_what_it_holds(record):
    checked = clr_verify(tampered(record))

    assert checked.record.verdict == "invalid" and not checked.genuine
    assert [(check.code, check.status) for check in checked.record.checks[1:3]] == [
        ("signature", "fail"),
        ("issuer", "not-checked"),
    ]
    # Each credential inside stands on its own signature.
    assert [item.verification.verdict for item in checked.items] == ["valid", "valid"]


def test_what_is_not_a_record_is_said_plainly(held):
    first = held[0].document
    checked = clr_verify(first)

    assert not checked.genuine and "not a CLR" in checked.message and checked.items == []
    assert clr_verify({"type": "ClrCredential"}).record.verdict == "invalid"
    assert clr_verify("nonsense").record.verdict == "invalid"


@pytest.mark.parametrize("language", ["mn", "en"])
def test_the_page_shows_the_record_and_its_credentials(record, held, owner, admin, language):
    credential_revoke(credential=held[0], actor=admin, reason="Plagiarism.")

    response = client_in(language).post(URL, {"text": json.dumps(record)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "verdict-valid" in page  # the record's own verdict
    assert 'name="identity_hash"' in page  # whom it is about: a hashed address, with the e-mail check
    assert owner.full_name not in page
    assert COMMENT in page
    contents = page.split("<ol>", 1)[1].split("</ol>", 1)[0]
    assert contents.count("<li>") == 3
    result = page.split('class="panel verification"', 1)[1].split("</section>", 1)[0]
    assert not re.search(r'<a [^>]*href="https?://', result)  # nothing links out
    assert result.count('<span class="badge bad">') == 1  # the revoked credential, inside
    if language == "en":
        assert "Learning record (CLR 2.0)" in page
        assert "This learning record is genuine, unchanged and in force." in page
        assert "Credentials in the record: 3" in page
        assert "Prompting basics" in page and "Feedback with AI" in page
        assert "The issuer has revoked this credential." in page
        assert "E-mail address, hashed: the record does not name its learner." in page


def test_an_uploaded_record_file(record):
    upload = SimpleUploadedFile("learning-record.json", json.dumps(record).encode(), "application/json")

    page = client_in("en").post(URL, {"file": upload}).content.decode()

    assert "Learning record (CLR 2.0)" in page
    assert "verdict-valid" in page and "Credentials in the record: 3" in page


def test_a_tampered_record_on_the_page(record):
    page = client_in("en").post(URL, {"text": json.dumps(tampered(record))}).content.decode()

    assert "verdict-invalid" in page
    assert "The signature does not match: the learning record was changed after it was issued" in page
    assert "What the learning record claims (not confirmed)" in page
    assert "Credentials in the record: 2" in page
    assert 'name="identity_hash"' not in page  # an unconfirmed learner is not offered for comparison


def test_the_record_learners_address_can_be_compared(record, owner):
    client = client_in("en")
    page = client.post(URL, {"text": json.dumps(record)}).content.decode()
    form = page.split('class="email-check"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
    fields = {name: html.unescape(value) for name, value in fields.items()}

    answer = client.post(URL, {**fields, "email": owner.email}).content.decode()

    assert f"Yes: {owner.email} is the e-mail address the credential was issued to." in answer


def test_an_endorsement_on_its_own_reads_as_one(held):
    page = client_in("en").post(URL, {"text": json.dumps(held[2].document)}).content.decode()

    assert "verdict-valid" in page
    facts = page.split('<dl class="facts', 1)[1].split("</dl>", 1)[0]
    assert "<dt>Endorsement</dt>" in facts and "<dt>Endorsement comment</dt>" in facts and COMMENT in facts
    assert "<dt>What is endorsed</dt>" in facts
    assert "Achievement" not in facts and "Learner" not in facts


def test_the_page_reads_a_record_in_a_bounded_number_of_queries(record, django_assert_max_num_queries):
    client = client_in("en")
    with django_assert_max_num_queries(40):
        assert client.post(URL, {"text": json.dumps(record)}).status_code == 200


def test_the_api_answers_a_record_with_each_credential(record, held, admin):
    credential_revoke(credential=held[1], actor=admin, reason="Issued in error.")

    response = Client().post(API, {"credential": record}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "learning-record" and body["verdict"] == "valid"
    assert body["facts"]["verified"] and body["facts"]["identities"][0]["hashed"]
    assert body["facts"]["achievement_name"] == ""
    assert [item["kind"] for item in body["contents"]] == ["credential", "credential", "endorsement"]
    assert [item["verdict"] for item in body["contents"]] == ["valid", "invalid", "valid"]
    assert body["contents"][1]["facts"]["status"] == "revoked"
    assert body["contents"][2]["facts"]["endorsement_comment"] == COMMENT
    assert body["contents_not_checked"] == 0


def test_the_api_answers_a_tampered_record_or_rubbish_without_failing(record):
    client = Client()
    forged = client.post(API, {"credential": json.dumps(tampered(record))}, content_type="application/json")
    assert forged.status_code == 200
    assert forged.json()["verdict"] == "invalid" and len(forged.json()["contents"]) == 2

    hostile = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential", "ClrCredential"],
        "credentialSubject": {"verifiableCredential": [1, "x.y.z", None, {"proof": [3]}, [[]]]},
        "proof": {"verificationMethod": 7},
    }
    answer = client.post(API, {"credential": hostile}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["verdict"] != "valid"
    assert len(answer.json()["contents"]) == 5
    assert all(item["verdict"] == "invalid" for item in answer.json()["contents"])

    assert client.post(API, {"credential": [record]}, content_type="application/json").status_code == 400


def test_a_record_reads_other_websites_for_a_few_credentials_only(settings):
    settings.ERDEM_VERIFIER_FETCH = True
    foreign = document_sign(
        {
            "@context": [CREDENTIALS_V2, OB_V3],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "did:web:issuer.example",
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"]},
        },
        private_key=Ed25519PrivateKey.generate(),
        verification_method="did:web:issuer.example#key-1",
        created=timezone.now(),
    )
    document = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": "did:web:issuer.example",
        "credentialSubject": {"verifiableCredential": [foreign] * (MAX_FETCHING_CREDENTIALS + 2)},
    }
    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=FetchError("unreachable", "no")) as fetch:
        checked = clr_verify(document)

    assert fetch.call_count == MAX_FETCHING_CREDENTIALS
    assert [item.verification.verdict for item in checked.items[-2:]] == ["incomplete", "incomplete"]
    assert "Check this credential on its own." in checked.items[-1].problems[0]


def test_a_record_holding_too_many_credentials_says_how_many_were_left(record):
    crowded = {**record, "credentialSubject": {"verifiableCredential": [0] * (MAX_INNER_CREDENTIALS + 2)}}

    checked = clr_verify(crowded)

    assert len(checked.items) == MAX_INNER_CREDENTIALS and checked.not_checked == 2
    assert checked.not_checked_note.startswith("2 more credentials in the learning record were not checked")
    assert not checked.all_valid
