"""The certificate PDF: what it holds, in which languages, and who may have it."""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from pypdf import PdfReader

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.certificate_data import certificate_data
from erdem.credentials.certificates import certificate_attachments
from erdem.credentials.identity import credential_url
from erdem.credentials.models import Credential
from erdem.credentials.services import (
    credential_reissue,
    credential_revoke,
    credential_show_name_set,
    credential_suspend,
)
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    holder = make_person(
        family_name="Батбаяр",
        given_name="Номин",
        family_name_latin="Batbayar",
        given_name_latin="Nomin",
        name_traditional="ᠨᠣᠮᠢᠨ",
    )
    credential = credential_create(achievement=achievement, person=holder)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    return {
        "programme": programme,
        "achievement": achievement,
        "holder": holder,
        "credential": credential,
        "admin": admin,
    }


def pdf_url(credential: Credential) -> str:
    return reverse("credentials:certificate_pdf", args=[credential.public_id])


def pdf_language(pdf: bytes) -> str:
    catalog: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return str(catalog["/Lang"])


def test_certificate_data_comes_from_the_stored_credential(world):
    credential = world["credential"]
    moment = dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC)
    Credential.objects.filter(pk=credential.pk).update(issued_at=moment, awarded_at=moment)
    credential.refresh_from_db()
    data = certificate_data(credential)
    centre = world["programme"].national_centre
    assert data.languages == ("mn", "en")
    assert data.learner_name == {"mn": "Батбаяр Номин", "en": "Nomin Batbayar"}
    assert data.learner_name_traditional == "ᠨᠣᠮᠢᠨ"
    assert data.achievement_name == {
        "mn": "Боловсролд хиймэл оюун ашиглах үндэс",
        "en": "Foundations of AI in Education",
    }
    assert data.achievement_name_traditional == "ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ"
    assert data.issuer_name == {"mn": centre.name_mn, "en": centre.name_en}
    assert data.issued_on == dt.date(2026, 11, 28)  # 01:30 in Ulaanbaatar
    assert data.valid_until is None
    assert (data.workload_hours, data.ects, data.mn_credits) == (30, 1, 1)
    assert data.verification_url == credential_url(credential.public_id)
    assert data.verification_code == credential.verification_code
    assert json.loads(data.attachments["credential.json"]) == credential.document
    assert data.attachments["credential.jwt"].decode() == credential.jwt
    assert data.status_note is None  # an active credential's certificate carries no mark


def test_a_reissued_certificate_keeps_the_date_it_was_awarded(world):
    credential = world["credential"]
    Credential.objects.filter(pk=credential.pk).update(awarded_at=dt.datetime(2026, 3, 31, 20, 0, tzinfo=dt.UTC))
    credential.refresh_from_db()
    new = credential_reissue(credential=credential, actor=world["admin"], reason="Corrected the name.")
    assert new.issued_at > new.awarded_at
    assert certificate_data(new).issued_on == dt.date(2026, 4, 1)  # the day it was earned, in Ulaanbaatar


def test_a_person_without_a_latin_name_keeps_the_cyrillic_one(world):
    holder = make_person(family_name="Дорж", given_name="Болд", family_name_latin="", given_name_latin="")
    credential = credential_create(achievement=world["achievement"], person=holder)
    assert certificate_data(credential).learner_name == {"mn": "Дорж Болд", "en": "Дорж Болд"}


def test_holder_gets_the_pdf_with_the_signed_credential_inside(client, world):
    credential = world["credential"]
    client.force_login(world["holder"])
    response = client.get(pdf_url(credential))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="AI-101-MC_')
    assert response["X-Content-Type-Options"] == "nosniff"
    attachments = certificate_attachments(response.content)
    assert json.loads(attachments["credential.json"]) == credential.document
    assert attachments["credential.jwt"].decode() == credential.jwt


@pytest.mark.parametrize("viewer_language", ["en", "mn"])
def test_the_pdf_is_in_the_achievements_languages_whatever_the_viewers(client, world, viewer_language):
    holder = world["holder"]
    holder.preferred_language = viewer_language
    holder.save(update_fields=["preferred_language"])
    client.force_login(holder)
    assert pdf_language(client.get(pdf_url(world["credential"])).content) == "mn"
    english_only = achievement_create(programme=world["programme"], code="EN-ONLY", name_mn="", name_traditional="")
    credential = credential_create(achievement=english_only, person=holder)
    pdf = client.get(pdf_url(credential)).content
    assert pdf_language(pdf) == "en"
    assert "Foundations of AI in Education" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_who_may_have_the_pdf(client, world):
    credential = world["credential"]
    url = pdf_url(credential)
    assert client.get(url).status_code == 200  # the holder shows their name: anyone with the link
    credential_show_name_set(credential=credential, show_name=False)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))
    client.force_login(make_person())
    assert client.get(url).status_code == 403
    coordinator = person_with_role(Role.COORDINATOR, institution=world["holder"].institution)
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    for person in (world["admin"], world["holder"]):
        client.force_login(person)
        assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_a_revoked_certificate_is_not_handed_out_to_the_public(client, world):
    credential = world["credential"]
    credential_revoke(credential=credential, actor=world["admin"], reason="Issued by mistake.")
    assert credential.show_name is True
    assert client.get(pdf_url(credential)).status_code == 302
    client.force_login(world["holder"])
    assert client.get(pdf_url(credential)).status_code == 200


@pytest.mark.parametrize(
    ("change", "english"),
    [("revoke", "REVOKED"), ("suspend", "SUSPENDED"), ("reissue", "REPLACED")],
)
def test_a_certificate_that_is_no_longer_valid_says_so_across_the_page(client, world, change, english):
    credential = world["credential"]
    action = {"revoke": credential_revoke, "suspend": credential_suspend, "reissue": credential_reissue}[change]
    action(credential=credential, actor=world["admin"], reason="Checked.")
    credential.refresh_from_db()
    with translation.override("mn"):
        mongolian = pgettext("certificate status", english)
    assert certificate_data(credential).status_note == {"mn": mongolian, "en": english}
    client.force_login(world["holder"])  # the holder may still download it
    response = client.get(pdf_url(credential))
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert english in text and mongolian in text
    assert json.loads(certificate_attachments(response.content)["credential.json"]) == credential.document


def test_an_active_certificate_has_no_status_mark(client, world):
    client.force_login(world["holder"])
    text = PdfReader(io.BytesIO(client.get(pdf_url(world["credential"])).content)).pages[0].extract_text()
    assert "REVOKED" not in text and "REPLACED" not in text and "SUSPENDED" not in text


def test_unknown_credential_has_no_pdf(client):
    missing = reverse("credentials:certificate_pdf", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(missing).status_code == 404
