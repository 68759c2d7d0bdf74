import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from erdem.credentials.identity import credential_url
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
        assert "E-mail address, hashed: you can check an address." in page


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


def test_checking_an_email_against_the_hashed_identifier(credential):
    identifier = credential.document["credentialSubject"]["identifier"][0]
    client = client_in("en")
    data = {"action": "email", "identity_hash": identifier["identityHash"], "salt": identifier["salt"]}

    yes = client.post(URL, {**data, "email": credential.person.email.upper()}).content.decode()
    no = client.post(URL, {**data, "email": "someone.else@example.mn"}).content.decode()

    assert "Yes: this e-mail address is the one the credential was issued to." in yes
    assert "No: this e-mail address is not the one the credential was issued to." in no


def test_posting_needs_the_csrf_token(credential):
    client = client_in("en", enforce_csrf_checks=True)

    assert client.post(URL, {"text": credential.jwt}).status_code == 403


def test_other_methods_are_not_allowed():
    assert Client().put(URL).status_code == 405
