"""The portfolio as a PDF: a download drawn with the Noto fonts, Mongolian Cyrillic included."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.portfolio.models import Endorsement
from erdem.portfolio.pdf import portfolio_pdf
from erdem.portfolio.services import portfolio_update
from erdem.portfolio.tests.factories import EndorsementFactory, make_entry

pytestmark = pytest.mark.django_db


def test_the_pdf_holds_the_title_grid_entries_and_endorsements():
    person = person_with_role(Role.EDUCATOR)
    portfolio_update(person=person, headline="Физикийн багш", summary="Хиймэл оюуныг хичээлдээ ашигладаг.")
    entry = make_entry(
        person=person, title="Өгөгдлийн шинжилгээний хичээл", body="**Тод** текст", competency_codes=["4.1"]
    )
    EndorsementFactory(
        entry=entry,
        status=Endorsement.Status.GIVEN,
        document={"type": ["VerifiableCredential"]},
        comment="Сайн ажил.",
        answered_at=timezone.now(),
    )
    content = portfolio_pdf(person=person)
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Faculty AI Portfolio" in text
    assert person.full_name in text
    assert "Өгөгдлийн шинжилгээний хичээл" in text
    assert "Тод текст" in text
    assert "Сайн ажил." in text
    assert "Human agency" in text


def test_the_pdf_view_is_a_download_for_the_owner(client):
    person = person_with_role(Role.EDUCATOR)
    client.force_login(person)
    response = client.get(reverse("portfolio:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"%PDF")
