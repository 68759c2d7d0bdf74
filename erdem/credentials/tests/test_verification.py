import base64
import copy
import datetime as dt
import io
import json
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation
from pypdf import PdfWriter

from erdem.credentials.fetch import FetchError, did_web_url
from erdem.credentials.identity import credential_url, issuer_did, verification_method_id
from erdem.credentials.keys import key_active, key_private, key_rotate
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.jwt import jwt_encode
from erdem.credentials.proofs.multikey import did_key, ed25519_public_multibase
from erdem.credentials.proofs.samples import sample_credential
from erdem.credentials.proofs.status_list import bitstring_encode
from erdem.credentials.services import credential_reissue, credential_revoke, credential_suspend
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.credentials.verification import (
    LocalText,
    code_normalized,
    credential_verify,
    fetch_reason,
    identity_matches,
    verify_file,
    verify_input,
    verify_url,
)
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


@pytest.fixture
def credential() -> Credential:
    programme = ProgrammeFactory()
    return credential_create(achievement=achievement_create(programme=programme), person=make_person())


def statuses(result: Any) -> dict[str, str]:
    return {check.code: check.status for check in result.checks}


def message(result: Any, code: str) -> str:
    check = result.check(code)
    assert check is not None
    return check.message


# --- our own credentials ------------------------------------------------------------------------------------------


def test_our_credential_passes_the_official_schema(credential, settings, official_schema_path):
    settings.ERDEM_OB3_SCHEMA_PATH = str(official_schema_path)
    for form in (credential.document, credential.jwt):
        result = credential_verify(form)
        assert statuses(result)["schema"] == "pass"
        assert result.verdict == "valid"


@pytest.mark.parametrize("form", ["document", "jwt"])
def test_our_credential_is_valid_in_both_forms(credential, form, settings):
    settings.ERDEM_OB3_SCHEMA_PATH = ""
    result = credential_verify(getattr(credential, form))

    assert result.verdict == "valid"
    assert result.format == ("vc-jwt" if form == "jwt" else "data-integrity")
    assert statuses(result) == {
        "format": "pass",
        "signature": "pass",
        "issuer": "pass",
        "status": "pass",
        "dates": "pass",
        "schema": "not-checked",
    }
    assert [check.code for check in result.checks] == ["format", "signature", "issuer", "status", "dates", "schema"]
    assert "national centre" in message(result, "issuer")
    assert message(result, "schema") == "Not checked: this server has no copy of the official schema."
    assert result.ours == credential
    assert result.issuer_id == issuer_did()
    assert result.achievement_name == "Боловсролд хиймэл оюун ашиглах үндэс / Foundations of AI in Education"
    assert result.identities[0].hashed and result.identities[0].identity_type == "emailAddress"
    assert identity_matches(
        email=f"  {credential.person.email.upper()} ",
        identity_hash=result.identities[0].value,
        salt=result.identities[0].salt,
    )
    assert not identity_matches(
        email="someone@else.mn", identity_hash=result.identities[0].value, salt=result.identities[0].salt
    )
    assert result.status == "active"


def test_a_retired_key_still_verifies(credential):
    key_rotate()

    assert credential_verify(credential.document).verdict == "valid"
    assert credential_verify(credential.jwt).verdict == "valid"


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc.update(name=doc["name"].replace("Foundations", "Foundationz")),
        lambda doc: doc["issuer"].update(name=doc["issuer"]["name"] + "."),
        lambda doc: doc["credentialSubject"]["achievement"].update(humanCode="AI-101-MD"),
        lambda doc: doc.update(validFrom=str(int(doc["validFrom"][:4]) - 1) + doc["validFrom"][4:]),
    ],
    ids=["name", "issuer", "credentialSubject", "validFrom"],
)
def test_a_changed_character_breaks_the_signature(credential, change):
    tampered = copy.deepcopy(credential.document)
    change(tampered)

    result = credential_verify(tampered)

    assert result.verdict == "invalid"
    assert statuses(result)["signature"] == "fail"
    assert message(result, "signature").startswith("The signature does not match")
    assert result.ours is None  # a forgery never borrows the real credential's record
    # Nothing the forgery says is believed: no check of its claims may pass.
    for code in ("issuer", "status", "dates", "schema"):
        assert statuses(result)[code] == "not-checked", code
        assert message(result, code) == (
            "Not checked: the signature does not match, so nothing the credential says can be trusted."
        )
    assert statuses(result)["format"] == "pass"
    assert not result.trusted
    assert result.summary == (
        "This credential is not valid: its signature could not be confirmed, so nothing it says can be trusted."
    )


def test_a_changed_jwt_payload_breaks_the_signature(credential):
    header, payload, signature = credential.jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = claims["name"].replace("Foundations", "Foundationz")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    result = credential_verify(f"{header}.{forged}.{signature}")

    assert result.verdict == "invalid"
    assert statuses(result)["signature"] == "fail"
    assert [check.status for check in result.checks[2:]] == ["not-checked"] * 4


def test_a_forged_credential_claiming_a_revoked_one_is_not_said_revoked_or_dated(credential):
    """Even a forgery whose claims would fail says nothing about them: its claims are simply not believed."""
    credential_revoke(credential=credential, actor=None, reason="Issued by mistake.")
    forged = copy.deepcopy(credential.document)
    forged["validUntil"] = "2001-01-01T00:00:00Z"

    result = credential_verify(forged)

    assert result.verdict == "invalid"
    assert statuses(result) == {
        "format": "pass",
        "signature": "fail",
        "issuer": "not-checked",
        "status": "not-checked",
        "dates": "not-checked",
        "schema": "not-checked",
    }
    assert result.status == ""
    assert result.valid_until == dt.datetime(2001, 1, 1, tzinfo=dt.UTC)  # still read, for the page's warning


def test_a_credential_without_a_signature_marks_its_claims_unchecked(credential):
    unsigned = {key: value for key, value in credential.document.items() if key != "proof"}

    result = credential_verify(unsigned)

    assert result.verdict == "invalid"
    assert message(result, "signature").startswith("The credential has no signature")
    assert message(result, "issuer") == (
        "Not checked: the signature is not valid, so nothing the credential says can be trusted."
    )


def test_signed_with_another_key_but_claiming_ours(credential):
    unsigned = {key: value for key, value in credential.document.items() if key != "proof"}
    forged = document_sign(
        unsigned,
        private_key=Ed25519PrivateKey.generate(),
        verification_method=verification_method_id(key_active()),
        created=NOW,
    )

    result = credential_verify(forged)

    assert result.verdict == "invalid"
    assert message(result, "signature").startswith("The signature does not match")


def test_a_key_that_is_not_ours_under_our_name(credential):
    unsigned = {key: value for key, value in credential.document.items() if key != "proof"}
    private_key = Ed25519PrivateKey.generate()
    forged = document_sign(
        unsigned,
        private_key=private_key,
        verification_method=f"{issuer_did()}#{ed25519_public_multibase(private_key.public_key())}",
        created=NOW,
    )

    result = credential_verify(forged)

    assert result.verdict == "invalid"
    assert "not one of this platform's keys" in message(result, "signature")


def test_unknown_context_fails_the_format_check(credential):
    document = copy.deepcopy(credential.document)
    document["@context"].append("https://example.org/unknown-context.json")

    result = credential_verify(document)

    assert result.verdict == "invalid"
    assert statuses(result)["format"] == "fail"
    assert "https://example.org/unknown-context.json" in message(result, "format")
    assert "vocabulary" in message(result, "format")
    assert statuses(result)["signature"] == "not-checked"


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_jwt_with_alg_none_hs256_or_an_unexpected_header_is_refused(credential):
    payload = credential.jwt.split(".")[1]
    unsigned_token = _segment({"alg": "none", "typ": "vc+jwt"}) + "." + payload + "."
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    hs256 = pyjwt.encode(claims, "a shared secret of thirty-two bytes!", algorithm="HS256")
    key = key_active()
    extra_header = pyjwt.encode(
        claims,
        key_private(key),
        algorithm="EdDSA",
        headers={"kid": verification_method_id(key), "jku": "https://evil.example/keys"},
    )

    for token, expected in (
        (unsigned_token, "not safe or not accepted"),
        (hs256, "not safe or not accepted"),
        (extra_header, "wrapped in a way"),
    ):
        result = credential_verify(token)
        assert result.verdict == "invalid", token
        assert statuses(result)["signature"] == "fail"
        assert expected in message(result, "signature")


def test_revocation_shows_at_once(credential):
    credential_revoke(credential=credential, actor=None, reason="Issued by mistake.")

    for form in (credential.document, credential.jwt):
        result = credential_verify(form)
        assert result.verdict == "invalid"
        assert statuses(result)["signature"] == "pass"
        assert statuses(result)["status"] == "fail"
        assert message(result, "status").startswith("The issuer has revoked this credential.")
        assert timezone.localdate().isoformat() in message(result, "status")
        assert result.summary == "This credential is not valid: its issuer has revoked it."
        assert result.status == "revoked"


def test_suspension_and_reinstatement(credential):
    credential_suspend(credential=credential, actor=None, reason="Under review.")

    result = credential_verify(credential.document)

    assert result.verdict == "invalid"
    assert result.status == "suspended"
    assert message(result, "status").startswith("The issuer has suspended this credential for now.")
    assert "It was suspended on" in message(result, "status")

    from erdem.credentials.services import credential_reinstate

    credential_reinstate(credential=credential, actor=None, reason="Review done.")
    assert credential_verify(credential.document).verdict == "valid"


def test_a_reissued_credential_says_it_was_replaced(credential):
    new = credential_reissue(credential=credential, actor=None, reason="")

    old = credential_verify(credential.document)

    assert old.verdict == "invalid"
    assert old.status == "replaced"
    assert old.replaced_by_url == credential_url(new.public_id)
    assert "replaced by a newer credential" in message(old, "status")
    assert old.summary == "This credential is no longer valid: it was replaced by a newer one."
    assert credential_verify(new.document).verdict == "valid"


def test_an_expired_credential_fails_the_dates_check():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme, valid_months=12)
    expired = credential_create(
        achievement=achievement, person=make_person(), at=timezone.now() - dt.timedelta(days=800)
    )

    for form in (expired.document, expired.jwt):
        result = credential_verify(form)
        assert result.verdict == "invalid"
        assert statuses(result)["signature"] == "pass"
        assert statuses(result)["dates"] == "fail"
        assert message(result, "dates").startswith("It has expired")


def test_not_yet_valid(credential):
    result = credential_verify(credential.document, now=timezone.now() - dt.timedelta(days=2))

    assert statuses(result)["dates"] == "fail"
    assert "not valid yet" in message(result, "dates")


# --- other issuers ------------------------------------------------------------------------------------------------


def _external(issuer: str, method: str, private_key: Ed25519PrivateKey, **changes: Any) -> dict[str, Any]:
    document = sample_credential()
    document["issuer"]["id"] = issuer
    document.pop("credentialStatus")
    document.update(changes)
    return document_sign(document, private_key=private_key, verification_method=method, created=NOW)


def test_a_did_key_credential_verifies_without_any_request():
    private_key = Ed25519PrivateKey.generate()
    issuer = did_key(private_key.public_key())
    signed = _external(issuer, f"{issuer}#{issuer.removeprefix('did:key:')}", private_key)

    with mock.patch("erdem.credentials.verification.fetch_json") as fetch:
        result = credential_verify(signed, now=NOW)
        token_result = credential_verify(jwt_encode(signed, private_key=private_key, kid=issuer), now=NOW)

    fetch.assert_not_called()
    assert result.verdict == "valid", result.checks
    assert message(result, "status") == "This issuer publishes no status for it (it cannot be revoked online)."
    assert result.ours is None
    assert token_result.verdict == "valid", token_result.checks


def test_an_endorsement_credential_verifies_and_its_schema_is_not_claimed():
    private_key = Ed25519PrivateKey.generate()
    issuer = did_key(private_key.public_key())
    endorsement = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": "urn:uuid:6f1c2a52-6a4f-4f0e-9d55-0f3a6a0c2b11",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement of a lesson plan",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example centre"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://example.org/portfolio/entries/1",
            "type": ["EndorsementSubject"],
            "endorsementComment": "A careful use of AI feedback in class.",
        },
    }
    signed = document_sign(
        endorsement,
        private_key=private_key,
        verification_method=f"{issuer}#{issuer.removeprefix('did:key:')}",
        created=NOW,
    )

    result = credential_verify(signed, now=NOW)

    assert result.verdict == "valid", result.checks
    assert statuses(result)["schema"] == "not-checked"
    assert result.achievement_name == "Endorsement of a lesson plan"


def test_signed_by_someone_other_than_the_named_issuer():
    private_key = Ed25519PrivateKey.generate()
    signer = did_key(private_key.public_key())
    signed = _external("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", f"{signer}", private_key)

    result = credential_verify(signed, now=NOW)

    assert statuses(result)["signature"] == "pass"
    assert statuses(result)["issuer"] == "fail"
    assert result.verdict == "invalid"


DID = "did:web:issuer.example.org"


def _did_web_world(private_key: Ed25519PrivateKey, *, revoked: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    multibase = ed25519_public_multibase(private_key.public_key())
    method = f"{DID}#key-1"
    did_document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [{"id": method, "type": "Multikey", "controller": DID, "publicKeyMultibase": multibase}],
        "assertionMethod": [method],
    }
    bits = bytearray(16 * 1024)
    if revoked:
        bits[0] = 0b00010000  # entry 3
    status_list = document_sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "https://issuer.example.org/status/1",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": DID,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://issuer.example.org/status/1#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": bitstring_encode(bytes(bits)),
            },
        },
        private_key=private_key,
        verification_method=method,
        created=NOW,
    )
    credential = _external(
        DID,
        method,
        private_key,
        credentialStatus={
            "id": "https://issuer.example.org/status/1#3",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "3",
            "statusListCredential": "https://issuer.example.org/status/1",
        },
    )
    documents = {
        did_web_url(DID): did_document,
        "https://issuer.example.org/status/1": status_list,
    }
    return credential, documents


@pytest.mark.parametrize("revoked", [False, True])
def test_a_did_web_credential_with_its_status_list_fetched(revoked):
    private_key = Ed25519PrivateKey.generate()
    credential, documents = _did_web_world(private_key, revoked=revoked)

    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=lambda url, accept: documents[url]):
        result = credential_verify(credential, now=NOW)

    assert statuses(result)["signature"] == "pass", result.checks
    assert statuses(result)["issuer"] == "pass"
    if revoked:
        assert result.verdict == "invalid"
        assert message(result, "status").startswith("The issuer has revoked this credential.")
    else:
        assert result.verdict == "valid", result.checks


def test_a_did_web_key_not_listed_for_issuing_fails():
    private_key = Ed25519PrivateKey.generate()
    credential, documents = _did_web_world(private_key)
    documents[did_web_url(DID)]["assertionMethod"] = []

    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=lambda url, accept: documents[url]):
        result = credential_verify(credential, now=NOW)

    assert statuses(result)["signature"] == "fail"
    assert "does not list the signing key" in message(result, "signature")


@override_settings(ERDEM_VERIFIER_FETCH=False)
def test_without_fetching_a_did_web_credential_is_incomplete():
    credential, _documents = _did_web_world(Ed25519PrivateKey.generate())

    with mock.patch("erdem.credentials.verification.fetch_json") as fetch:
        result = credential_verify(credential, now=NOW)

    fetch.assert_not_called()
    assert result.verdict == "incomplete"
    assert statuses(result)["signature"] == "not-checked"
    assert message(result, "signature") == (
        "This could not be checked offline: the issuer's keys are published at "
        "https://issuer.example.org/.well-known/did.json."
    )
    assert statuses(result)["status"] == "not-checked"
    assert message(result, "issuer") == (
        "Not checked: the signature could not be checked, so nothing the credential says can be trusted."
    )
    assert result.summary.startswith("Nothing wrong was found, but this credential could not be fully checked")


# --- hostile and malformed input ----------------------------------------------------------------------------------


def test_huge_and_deeply_nested_input_is_refused_cleanly():
    huge = json.dumps({"name": "x" * (1024 * 1024)})
    deep_text = "[" * 100_000 + "]" * 100_000
    deep_object: dict[str, Any] = {}
    cursor = deep_object
    for _level in range(5000):
        cursor["a"] = {}
        cursor = cursor["a"]

    assert message(verify_input(huge), "format") == "This is larger than 1 MB; a credential is much smaller."
    for result in (verify_input(deep_text), credential_verify(deep_object)):
        assert result.verdict == "invalid"
        assert "nested too deeply" in message(result, "format")
    token = "eyJhbGciOiJFZERTQSJ9." + "A" * (300 * 1024) + ".sig"
    assert "larger than 256 KB" in message(credential_verify(token), "format")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Nothing to check."),
        ("hello", "This is neither a credential (JSON or JWT) nor a link to one."),
        ("{not json", "This is not valid JSON."),
        ("[1, 2]", "This is not a credential: it is not a JSON object."),
        ('{"@context": "https://www.w3.org/ns/credentials/v2"}', "This is not a verifiable credential"),
        ("aaa.bbb.ccc", "This JWT does not carry a credential"),
        ("ftp://example.org/x", "This is neither a credential"),
        ("https://127.0.0.1:1/credentials/", "Credentials are fetched only from public https addresses."),
    ],
)
def test_malformed_input_is_a_failed_check_not_an_error(text, expected):
    result = verify_input(text)

    assert result.verdict == "invalid"
    assert message(result, "format").startswith(expected)


@pytest.mark.parametrize(
    "form",
    [
        "{url}",
        "{bare}",
        "  {url}\n",
        "{url}?utm_source=mail",
        "{bare}?x=1#top",
        "{url}#checks",
        "{url}credential.json",
        "{url}credential.json?download=1",
        "{url}certificate.pdf",
        "{url}certificate.pdf#page=1",
        "<{url}>",
        "{upper}",
        "{schemeless}",
        "{verifier}",
    ],
)
def test_every_link_people_paste_reaches_the_credential(credential, form):
    url = credential_url(credential.public_id)
    text = form.format(
        url=url,
        bare=url.rstrip("/"),
        upper=url.replace(str(credential.public_id), str(credential.public_id).upper()),
        schemeless=url.split("://", 1)[1],
        verifier=url.split("/credentials/", 1)[0] + "/credentials/verify/?" + urlencode({"url": url}),
    )

    with mock.patch("erdem.credentials.verification.fetch_json") as fetch:
        result = verify_input(text)

    fetch.assert_not_called()
    assert result.verdict == "valid", result.checks
    assert result.ours == credential


def test_the_jwt_link_with_extras_reads_the_jwt(credential):
    result = verify_input(credential_url(credential.public_id) + "credential.jwt?x=1 ")

    assert result.format == "vc-jwt" and result.verdict == "valid"


@pytest.mark.parametrize("typed", ["q80t gexz", "Q80T GEXZ", "  Q80T-GEXZ ", "q80tgexz", "Q80T – GEXZ", "q8ot-gexz"])
def test_a_code_is_read_however_it_was_typed(credential, typed):
    Credential.objects.filter(pk=credential.pk).update(verification_code="Q80T-GEXZ")

    result = verify_input(typed)

    assert result.verdict == "valid"
    assert result.ours == credential
    assert code_normalized(typed) == "Q80T-GEXZ"


@pytest.mark.parametrize("text", ["hello", "Q80T-GEX", "Q80T-GEXZZ", "Q80T/GEXZ", "ЖЖЖЖ ЖЖЖЖ", "ab.cdef.gh"])
def test_what_cannot_be_a_code(text):
    assert code_normalized(text) == ""


def test_a_link_or_code_of_ours_is_read_locally(credential):
    with mock.patch("erdem.credentials.verification.fetch_json") as fetch:
        by_page = verify_input(credential_url(credential.public_id))
        by_jwt_link = verify_input(credential_url(credential.public_id) + "credential.jwt")
        by_code = verify_input(credential.verification_code.lower())
        missing = verify_input(credential_url("6d1f2c8e-0000-4000-8000-000000000000"))

    fetch.assert_not_called()
    assert by_page.verdict == by_code.verdict == "valid"
    assert by_jwt_link.format == "vc-jwt" and by_jwt_link.verdict == "valid"
    assert message(missing, "format") == "There is no credential at this link on this platform."


def test_schema_failures_are_reported_without_deciding_the_verdict(credential, tmp_path):
    schema = {
        "$schema": "https://json-schema.org/draft/2019-09/schema#",
        "$id": "https://example.org/schema.json",
        "type": "object",
        "properties": {"proof": {"type": "array"}},
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    single_proof = dict(credential.document, proof=credential.document["proof"][0])

    with override_settings(ERDEM_OB3_SCHEMA_PATH=str(path)):
        good = credential_verify(credential.document)
        reported = credential_verify(single_proof)

    assert statuses(good)["schema"] == "pass"
    assert statuses(reported)["schema"] == "fail"
    assert "$.proof" in message(reported, "schema")
    assert reported.verdict == "valid"


# --- files --------------------------------------------------------------------------------------------------------


def _pdf(attachments: dict[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_or_file_holding_a_link_or_code_is_not_followed(credential):
    link = credential_url(credential.public_id).encode()
    pdf = SimpleUploadedFile("certificate.pdf", _pdf({"credential.json": link}))
    code = SimpleUploadedFile("code.txt", credential.verification_code.encode())

    for upload in (pdf, code):
        result = verify_file(upload)
        assert result.verdict == "invalid"
        assert result.ours is None


def test_files_are_sniffed_not_trusted_by_name(credential):
    as_json = SimpleUploadedFile("credential.pdf", json.dumps(credential.document).encode(), "application/pdf")
    as_jwt = SimpleUploadedFile("notes.txt", credential.jwt.encode(), "text/plain")
    pdf = SimpleUploadedFile(
        "certificate.json",
        _pdf({"credential.json": json.dumps(credential.document).encode(), "credential.jwt": credential.jwt.encode()}),
    )
    empty_pdf = SimpleUploadedFile("certificate.pdf", _pdf({}))
    binary = SimpleUploadedFile("photo.json", b"\x89PNG\r\n\x1a\n\x00\xff\xfe")

    assert verify_file(as_json).verdict == "valid"
    assert verify_file(as_jwt).format == "vc-jwt"
    from_pdf = verify_file(pdf)
    assert from_pdf.verdict == "valid"
    assert statuses(from_pdf)["certificate"] == "pass"
    assert "carries no credential" in message(verify_file(empty_pdf), "format")
    assert verify_file(binary).verdict == "invalid"


def test_a_pdf_whose_two_copies_disagree(credential):
    other = credential_create(
        achievement=achievement_create(programme=credential.achievement.programme, code="AI-201-MC"),
        person=credential.person,
    )
    pdf = SimpleUploadedFile(
        "certificate.pdf",
        _pdf({"credential.json": json.dumps(credential.document).encode(), "credential.jwt": other.jwt.encode()}),
    )

    result = verify_file(pdf)

    assert statuses(result)["certificate"] == "fail"
    assert result.verdict == "invalid"


def test_a_file_over_ten_megabytes_is_refused():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))

    assert "larger than 10 MB" in message(verify_file(upload), "format")


# --- plain words: no codes, names in the reader's language --------------------------------------------------------

FETCH_CODES = [
    "not-allowed",
    "own-site",
    "unsafe-address",
    "unreachable",
    "http-error",
    "too-many-redirects",
    "too-large",
    "not-json",
]


@pytest.mark.parametrize("code", FETCH_CODES)
def test_every_fetch_error_is_a_sentence_not_a_code(code):
    reason = fetch_reason(FetchError(code, "for the log"))

    assert code not in reason
    assert reason != fetch_reason(FetchError("something-new", "for the log"))
    assert reason.endswith(".") and reason[0].isupper()


def test_an_http_error_gives_its_status():
    assert fetch_reason(FetchError("http-error", "x", status=404)) == "Nothing was found at that address (HTTP 404)."
    assert fetch_reason(FetchError("http-error", "x", status=503)) == ("The website answered with an error (HTTP 503).")


def test_unreadable_keys_and_links_are_explained_in_words():
    credential, _documents = _did_web_world(Ed25519PrivateKey.generate())

    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=FetchError("unreachable", "DNS said no")):
        keys = credential_verify(credential, now=NOW)
        link = verify_url("https://issuer.example.org/credentials/1")
    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=FetchError("not-json", "HTML")):
        not_json = verify_url("https://issuer.example.org/credentials/1")

    assert message(keys, "signature") == (
        "The key that signed it cannot be found: The issuer's keys could not be read from "
        "https://issuer.example.org/.well-known/did.json. The website could not be reached."
    )
    assert message(link, "format") == "No credential could be read at this link. The website could not be reached."
    assert message(not_json, "format") == (
        "No credential could be read at this link. The website's answer is not a JSON document."
    )
    for result in (keys, link, not_json):
        assert "unreachable" not in str(result.checks) and "not-json" not in message(result, "format")


def test_a_status_the_issuer_does_not_explain_is_said_in_words():
    private_key = Ed25519PrivateKey.generate()
    credential, documents = _did_web_world(private_key, revoked=True)
    entry = dict(credential["credentialStatus"], statusPurpose="message", statusSize=1)
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    signed = document_sign(
        dict(unsigned, credentialStatus=entry),
        private_key=private_key,
        verification_method=f"{DID}#key-1",
        created=NOW,
    )
    status_list = documents["https://issuer.example.org/status/1"]
    status_list_unsigned = {key: value for key, value in status_list.items() if key != "proof"}
    status_list_unsigned["credentialSubject"] = dict(status_list_unsigned["credentialSubject"], statusPurpose="message")
    documents["https://issuer.example.org/status/1"] = document_sign(
        status_list_unsigned, private_key=private_key, verification_method=f"{DID}#key-1", created=NOW
    )

    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=lambda url, accept: documents[url]):
        result = credential_verify(signed, now=NOW)

    assert statuses(result)["status"] == "fail"
    assert message(result, "status") == "The issuer gives it a status that this verifier cannot interpret."


@pytest.mark.parametrize("language", ["mn", "en"])
def test_our_issuer_and_achievement_are_named_in_the_readers_language(credential, language):
    centre = credential.achievement.programme.national_centre
    assert credential.document["issuer"]["name"] == centre.name_mn

    with translation.override(language):
        result = credential_verify(credential.jwt)
        issuer_message = message(result, "issuer")

    names = [LocalText("Боловсролд хиймэл оюун ашиглах үндэс", "mn"), LocalText("Foundations of AI in Education", "en")]
    if language == "en":
        assert (result.issuer_name, result.issuer_name_language) == (centre.name_en, "en")
        assert result.achievement_names == names[::-1]
    else:
        assert (result.issuer_name, result.issuer_name_language) == (centre.name_mn, "mn")
        assert result.achievement_names == names
    assert result.issuer_name in issuer_message


def test_a_renamed_achievement_shows_the_name_it_was_issued_with(credential):
    Achievement.objects.filter(pk=credential.achievement_id).update(name_en="Renamed since")

    with translation.override("en"):
        result = credential_verify(credential.document)

    assert result.verdict == "valid"
    assert [text.value for text in result.achievement_names] == [
        "Боловсролд хиймэл оюун ашиглах үндэс / Foundations of AI in Education"
    ]


def test_other_issuers_names_carry_the_language_they_declare():
    private_key = Ed25519PrivateKey.generate()
    issuer = did_key(private_key.public_key())
    document = sample_credential()
    document["issuer"]["id"] = issuer
    document["issuer"]["name"] = "Open Learning Lab"
    document.pop("credentialStatus")
    document["credentialSubject"]["achievement"]["name"] = "Хиймэл оюун ухааныг сургалтад ашиглах"
    signed = document_sign(document, private_key=private_key, verification_method=issuer, created=NOW)

    with translation.override("mn"):
        result = credential_verify(signed, now=NOW)

    assert result.verdict == "valid", result.checks
    assert (result.issuer_name, result.issuer_name_language) == ("Open Learning Lab", "en")
    assert result.achievement_names == [LocalText("Хиймэл оюун ухааныг сургалтад ашиглах", "mn")]


# --- claims on this platform's achievements and status lists ------------------------------------------------------


def _self_signed(private_key: Ed25519PrivateKey, document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`document` (without its proof) re-signed by the holder of a throwaway did:key, which it names as issuer."""
    signer = did_key(private_key.public_key())
    unsigned = {key: value for key, value in copy.deepcopy(document).items() if key != "proof"}
    unsigned["issuer"] = dict(unsigned["issuer"], id=signer)
    unsigned["id"] = "urn:uuid:0b6c3a1e-5d4f-4a2b-8c9d-7e6f5a4b3c2d"
    unsigned.update(changes)
    method = f"{signer}#{signer.removeprefix('did:key:')}"
    return document_sign(unsigned, private_key=private_key, verification_method=method, created=NOW)


@pytest.mark.parametrize("spelling", ["as-issued", "another-scheme-and-port"])
def test_a_self_signed_credential_claiming_our_achievement_is_not_valid(credential, spelling):
    private_key = Ed25519PrivateKey.generate()
    achievement = copy.deepcopy(credential.document["credentialSubject"]["achievement"])
    if spelling == "another-scheme-and-port":
        achievement["id"] = achievement["id"].replace("http://127.0.0.1:8000/", "https://127.0.0.1/")
        assert achievement["id"].startswith("https://127.0.0.1/credentials/achievements/")
    subject = dict(credential.document["credentialSubject"], achievement=achievement)
    without_status = {key: value for key, value in credential.document.items() if key != "credentialStatus"}
    forged = _self_signed(private_key, without_status, credentialSubject=subject)
    signer = forged["issuer"]["id"]
    assert forged["issuer"]["name"] == credential.achievement.programme.national_centre.name_mn

    with translation.override("en"):
        results = [
            credential_verify(forged),
            credential_verify(jwt_encode(forged, private_key=private_key, kid=signer)),
        ]

    for result in results:
        assert result.verdict == "invalid", result.checks
        assert statuses(result)["signature"] == "pass" and statuses(result)["issuer"] == "pass"
        assert statuses(result)["achievement"] == "fail"
        assert message(result, "achievement") == (
            "This achievement is one of this platform's, but the credential was not issued by this platform: "
            f"it was signed by {signer}."
        )
        assert result.check("achievement").title == "Achievement"  # type: ignore[union-attr]
        assert result.summary == (
            "This credential is not valid: it names an achievement of this platform, which did not issue it."
        )
        assert message(result, "issuer").startswith(f"It was issued by {signer}, who holds the key that signed it;")
        assert not result.issued_here and result.ours is None


def test_a_self_signed_credential_pointing_at_our_status_list_fails_its_status(credential):
    private_key = Ed25519PrivateKey.generate()
    own_achievement = sample_credential()["credentialSubject"]["achievement"]  # an achievement of its own
    subject = dict(credential.document["credentialSubject"], achievement=own_achievement)
    forged = _self_signed(private_key, credential.document, credentialSubject=subject)
    assert forged["credentialStatus"]["statusListCredential"].startswith("http://127.0.0.1:8000/credentials/status/")

    with translation.override("en"):
        result = credential_verify(forged)

    assert result.verdict == "invalid", result.checks
    assert statuses(result)["status"] == "fail"
    assert message(result, "status") == "The status list belongs to another issuer."
    assert result.status == ""
    assert result.check("achievement") is None


def test_the_reviewers_forgery_fails_both_ways(credential):
    """Our achievement and our status list, under a name of our national centre, signed by someone else."""
    forged = _self_signed(Ed25519PrivateKey.generate(), credential.document)

    with translation.override("en"):
        result = credential_verify(forged)

    assert result.verdict == "invalid"
    assert statuses(result)["achievement"] == "fail" and statuses(result)["status"] == "fail"
    assert message(result, "status") == "The status list belongs to another issuer."
    assert result.status == "" and result.ours is None


def test_another_issuers_status_list_does_not_vouch_for_a_did_web_credential():
    private_key = Ed25519PrivateKey.generate()
    credential, documents = _did_web_world(private_key)
    other_key = Ed25519PrivateKey.generate()
    other = did_key(other_key.public_key())
    theirs = {key: value for key, value in documents["https://issuer.example.org/status/1"].items() if key != "proof"}
    documents["https://issuer.example.org/status/1"] = document_sign(
        dict(theirs, issuer=other), private_key=other_key, verification_method=other, created=NOW
    )

    with (
        translation.override("en"),
        mock.patch("erdem.credentials.verification.fetch_json", side_effect=lambda url, accept: documents[url]),
    ):
        result = credential_verify(credential, now=NOW)

    assert statuses(result)["signature"] == "pass" and statuses(result)["issuer"] == "pass"
    assert statuses(result)["status"] == "fail"
    assert message(result, "status") == "The status list belongs to another issuer."
    assert result.verdict == "invalid"


def test_genuine_credentials_ours_and_anothers_with_its_own_achievement_stay_valid(credential):
    private_key = Ed25519PrivateKey.generate()
    issuer = did_key(private_key.public_key())
    theirs = _external(issuer, f"{issuer}#{issuer.removeprefix('did:key:')}", private_key)

    with translation.override("en"):
        ours, other = credential_verify(credential.document), credential_verify(theirs, now=NOW)

    assert ours.verdict == "valid" and ours.issued_here and ours.check("achievement") is None
    assert other.verdict == "valid", other.checks
    assert not other.issued_here and other.check("achievement") is None
    assert message(other, "issuer") == (
        f"It was issued by {issuer}, who holds the key that signed it; the name “Боловсролын ерөнхий газар” is its "
        "own claim."
    )
