import hashlib
import html
import json
import re
from unittest import mock

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.credentials.fetch import FetchError
from erdem.credentials.identity import credential_url
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.multikey import did_key
from erdem.credentials.proofs.samples import sample_credential
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

URL = "/credentials/verify/"


@pytest.fixture
def credential():
    programme = ProgrammeFactory()
    return credential_create(achievement=achievement_create(programme=programme), person=make_person())


def client_in(language: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_url_is_the_verifier():
    assert reverse("credentials:verify") == URL


@pytest.mark.parametrize("language", ["mn", "en"])
def test_the_form_is_public_and_light(language):
    response = client_in(language).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="text"' in page and 'name="file"' in page
    assert "csrfmiddlewaretoken" in page
    assert "<script" not in page.split("</head>", 1)[1]  # nothing beyond the site's one deferred script
    assert len(response.content) < 20_000


@pytest.mark.parametrize("language", ["mn", "en"])
def test_pasting_a_credential(credential, language, settings):
    settings.ERDEM_OB3_SCHEMA_PATH = ""
    response = client_in(language).post(URL, {"text": json.dumps(credential.document)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "verdict-valid" in page
    assert page.count('<span class="badge ok">') == 5  # all but the schema check, which this server cannot make
    assert 'name="identity_hash"' in page
    if language == "en":
        assert "This credential is valid: it is genuine, unchanged, and in force." in page
        assert "E-mail address, hashed." in page
        assert "You can check whether an address is the learner's:" in page


def test_pasting_a_jwt_and_a_revoked_credential(credential):
    client = client_in("en")
    assert "verdict-valid" in client.post(URL, {"text": credential.jwt}).content.decode()

    credential_revoke(credential=credential, actor=None, reason="Issued by mistake.")
    page = client.post(URL, {"text": credential.jwt}).content.decode()

    assert "verdict-invalid" in page
    assert "The issuer has revoked this credential." in page


@pytest.mark.parametrize("language", ["mn", "en"])
def test_uploading_a_json_file(credential, language):
    upload = SimpleUploadedFile("my-badge.json", json.dumps(credential.document).encode(), "application/json")

    response = client_in(language).post(URL, {"file": upload})

    assert response.status_code == 200
    assert "verdict-valid" in response.content.decode()


@pytest.mark.parametrize("language", ["mn", "en"])
def test_a_link_in_the_address_is_checked(credential, language):
    response = client_in(language).get(URL, {"url": credential_url(credential.public_id)})

    assert response.status_code == 200
    assert "verdict-valid" in response.content.decode()


def test_posting_a_link(credential):
    page = client_in("en").post(URL, {"text": credential_url(credential.public_id)}).content.decode()

    assert "verdict-valid" in page


def test_nothing_or_both_is_a_form_error(credential):
    client = client_in("en")
    upload = SimpleUploadedFile("c.json", b"{}")

    assert "Paste a link or a credential, or choose a file." in client.post(URL, {"text": ""}).content.decode()
    both = client.post(URL, {"text": "x", "file": upload}).content.decode()
    assert "Paste something or choose a file, not both." in both


def test_rubbish_is_a_plain_answer_not_an_error():
    page = client_in("en").post(URL, {"text": "{" * 100_000}).content.decode()

    assert "verdict-invalid" in page
    assert "nested too deeply" in page


def _email_form(page: str) -> dict[str, str]:
    """The hidden fields of the first e-mail check form on the page, as a browser would send them."""
    form = page.split('class="email-check"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
    return {name: html.unescape(value) for name, value in fields.items()}


def test_checking_an_email_keeps_the_result_on_the_page(credential):
    client = client_in("en")
    page = client.post(URL, {"text": credential.verification_code.lower().replace("-", " ")}).content.decode()
    fields = _email_form(page)
    assert fields["source"] == credential_url(credential.public_id)

    yes = client.post(URL, {**fields, "email": f" {credential.person.email.upper()} "}).content.decode()
    no = client.post(URL, {**fields, "email": "someone.else@example.mn"}).content.decode()

    assert f"Yes: {credential.person.email.upper()} is the e-mail address the credential was issued to." in yes
    assert "No: someone.else@example.mn is not the e-mail address the credential was issued to." in no
    for answer in (yes, no):
        assert "verdict-valid" in answer  # the verification stays, with the answer above it
        assert answer.count('<span class="badge ok">') >= 5
        assert 'id="email-answer" tabindex="-1" aria-describedby="email-answer-text" autofocus' in answer
        assert "The address was compared on the server and not stored." in answer
    assert 'value="someone.else@example.mn"' in no  # the address stays in its field, to correct it


def test_an_empty_or_malformed_address_is_a_clear_message(credential):
    client = client_in("en")
    fields = _email_form(client.post(URL, {"text": credential.jwt}).content.decode())

    empty = client.post(URL, {**fields, "email": "  "}).content.decode()
    malformed = client.post(URL, {**fields, "email": "not an address"}).content.decode()

    assert "Enter the e-mail address you want to compare." in empty
    assert "Enter a valid e-mail address." in malformed
    for page in (empty, malformed):
        assert "verdict-valid" in page
        assert "Yes:" not in page and "No:" not in page


def test_the_email_check_of_another_issuers_pasted_credential_carries_it_back():
    private_key = Ed25519PrivateKey.generate()
    issuer = did_key(private_key.public_key())
    document = sample_credential()
    document["issuer"]["id"] = issuer
    document.pop("credentialStatus")
    salt = "pepper"
    document["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": "sha256$" + hashlib.sha256(b"learner@example.org" + salt.encode()).hexdigest(),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": salt,
        }
    ]
    text = json.dumps(
        document_sign(document, private_key=private_key, verification_method=issuer, created=timezone.now())
    )
    client = client_in("en")
    fields = _email_form(client.post(URL, {"text": text}).content.decode())
    assert json.loads(fields["source"]) == json.loads(text)

    page = client.post(URL, {**fields, "email": "Learner@Example.org"}).content.decode()

    assert "Yes: Learner@Example.org is the e-mail address the credential was issued to." in page
    assert "verdict-valid" in page


def test_an_email_check_without_the_credential_still_answers(credential):
    identifier = credential.document["credentialSubject"]["identifier"][0]
    data = {"action": "email", "identity_hash": identifier["identityHash"], "salt": identifier["salt"]}

    page = client_in("en").post(URL, {**data, "email": credential.person.email}).content.decode()

    assert "is the e-mail address the credential was issued to." in page
    assert "check it again below to see its result" in page


def test_a_tampered_source_cannot_answer_for_a_forged_credential(credential):
    forged = dict(credential.document, name="Something else")
    data = {"action": "email", "source": json.dumps(forged), "identity": "0"}

    page = client_in("en").post(URL, {**data, "email": credential.person.email}).content.decode()

    assert "The address cannot be compared: the credential&#x27;s signature could not be confirmed." in page
    assert "verdict-invalid" in page


def test_posting_needs_the_csrf_token(credential):
    client = client_in("en", enforce_csrf_checks=True)

    assert client.post(URL, {"text": credential.jwt}).status_code == 403


def test_other_methods_are_not_allowed():
    assert Client().put(URL).status_code == 405


def test_a_forged_credential_shows_no_green_and_warns_above_its_claims(credential):
    forged = dict(credential.document, name="Master of Everything")

    page = client_in("en").post(URL, {"text": json.dumps(forged)}).content.decode()

    assert "verdict-invalid" in page
    assert page.count('<span class="badge ok">') == 1  # only "What it is": it is an Open Badge, a forged one
    assert page.count("Not checked: the signature does not match, so nothing the credential says can be trusted.") == 4
    assert "What the credential claims (not confirmed)" in page
    warning = page.index('id="facts-warning"')
    assert "The signature does not match, so what follows is only what the credential claims" in page
    assert warning < page.index('<dl class="facts unverified" aria-describedby="facts-warning">')
    assert "What the credential says" not in page
    assert 'class="email-check"' not in page  # a forgery's identifier is not offered for comparison


@pytest.mark.parametrize(
    "text",
    ["{url}", "{bare}", "{url}?ref=mail", "{url}#top", "{url}certificate.pdf", "{url}credential.json", "  {url}  "],
)
def test_pasted_links_in_every_shape(credential, text):
    url = credential_url(credential.public_id)

    page = client_in("en").post(URL, {"text": text.format(url=url, bare=url.rstrip("/"))}).content.decode()

    assert "verdict-valid" in page


@pytest.mark.parametrize("typed", ["q80t gexz", "Q80T GEXZ", " Q80T-GEXZ\n"])
def test_codes_typed_in_every_shape(credential, typed):
    type(credential).objects.filter(pk=credential.pk).update(verification_code="Q80T-GEXZ")

    page = client_in("en").post(URL, {"text": typed}).content.decode()

    assert "verdict-valid" in page


def test_a_code_in_the_address_is_checked(credential):
    response = client_in("en").get(URL, {"url": credential.verification_code.lower()})

    assert "verdict-valid" in response.content.decode()


def test_a_fetch_error_is_said_in_words(settings):
    settings.ERDEM_VERIFIER_FETCH = True
    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=FetchError("not-json", "HTML")):
        page = client_in("en").post(URL, {"text": "https://issuer.example.org/badge/1"}).content.decode()

    assert "No credential could be read at this link. The website&#x27;s answer is not a JSON document." in page
    assert "not-json" not in page


@pytest.mark.parametrize("language", ["mn", "en"])
def test_the_verdict_takes_focus_and_other_languages_are_marked(credential, language):
    centre = credential.achievement.programme.national_centre

    page = client_in(language).post(URL, {"text": credential.jwt}).content.decode()

    assert '<h2 id="verdict" tabindex="-1" aria-describedby="verdict-summary" autofocus>' in page
    assert 'id="verdict-summary"' in page
    assert '<span lang="en">Foundations of AI in Education</span>' in page
    assert '<span lang="mn">Боловсролд хиймэл оюун ашиглах үндэс</span>' in page
    other = "mn" if language == "en" else "en"
    assert page.index(f'<span lang="{language}">') < page.index(f'<span lang="{other}">')  # the reader's first
    name = centre.name_en if language == "en" else centre.name_mn
    assert f'<span lang="{language}">{name}</span>' in page
    assert '<link rel="stylesheet" href="/static/credentials/credentials.css">' in page
    assert '<table class="checks">' in page and '<tr class="check check-pass">' in page


def _signed_by_someone_else(document: dict, private_key: Ed25519PrivateKey) -> dict:
    issuer = did_key(private_key.public_key())
    unsigned = {key: value for key, value in document.items() if key not in ("proof", "credentialStatus")}
    unsigned["issuer"] = dict(unsigned["issuer"], id=issuer)
    unsigned["id"] = "urn:uuid:0b6c3a1e-5d4f-4a2b-8c9d-7e6f5a4b3c2d"
    return document_sign(unsigned, private_key=private_key, verification_method=issuer, created=timezone.now())


def test_a_self_signed_credential_of_our_achievement_under_our_centres_name_is_shown_for_what_it_is(credential):
    forged = _signed_by_someone_else(credential.document, Ed25519PrivateKey.generate())
    centre = credential.achievement.programme.national_centre.name_mn

    page = html.unescape(client_in("en").post(URL, {"text": json.dumps(forged)}).content.decode())

    assert "verdict-invalid" in page and "verdict-valid" not in page
    assert "it names an achievement of this platform, which did not issue it." in page
    assert "but the credential was not issued by this platform" in page
    assert (
        f"Issued by {forged['issuer']['id']}, not by this platform. The name “{centre}” is the issuer's own claim."
        in page
    )


def test_another_issuers_genuine_credential_shows_its_identifier_before_its_name(credential):
    document = sample_credential()
    document["issuer"]["name"] = "Open Learning Lab"
    signed = _signed_by_someone_else(document, Ed25519PrivateKey.generate())

    theirs = html.unescape(client_in("en").post(URL, {"text": json.dumps(signed)}).content.decode())
    ours = html.unescape(client_in("en").post(URL, {"text": json.dumps(credential.document)}).content.decode())

    assert "verdict-valid" in theirs
    assert f'<strong><code class="did">{signed["issuer"]["id"]}</code></strong>' in theirs
    assert f"Issued by {signed['issuer']['id']}, not by this platform." in theirs
    assert "verdict-valid" in ours and "not by this platform" not in ours
