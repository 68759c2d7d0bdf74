"""The portfolio as a PDF: a download drawn with the Noto fonts, Mongolian Cyrillic included."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.portfolio.models import Endorsement, Entry
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


def _text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_shows_the_text_as_written_not_as_html():
    person = person_with_role(Role.EDUCATOR, preferred_language="en")
    make_entry(
        person=person,
        title="Tags <b> & co",
        body="Try <script>alert(1)</script> & compare a < b, “quotes” and Tom's idea.",
    )
    text = _text_of(portfolio_pdf(person=person))
    assert "<script>alert(1)</script>" in text and "a < b" in text and "Tom's idea" in text
    assert "&lt;" not in text and "&amp;" not in text and "&#x27;" not in text
    assert "Tags <b> & co" in text


def test_entry_facts_are_capitalised_and_a_single_date_has_no_dangling_dash():
    person = person_with_role(Role.EDUCATOR, preferred_language="en")
    make_entry(person=person, kind=Entry.Kind.TALK, course_taught="", started_on=dt.date(2026, 9, 1))
    make_entry(
        person=person,
        kind=Entry.Kind.LESSON_PLAN,
        course_taught="Physics",
        started_on=dt.date(2026, 3, 1),
        ended_on=dt.date(2026, 3, 15),
    )
    with translation.override("en"):
        text = _text_of(portfolio_pdf(person=person))
        single = date_format(dt.date(2026, 9, 1), "DATE_FORMAT")
        span = f"{date_format(dt.date(2026, 3, 1), 'DATE_FORMAT')} – {date_format(dt.date(2026, 3, 15), 'DATE_FORMAT')}"
    assert f"Talk · {single} · only me" in text
    assert f"Lesson plan · Physics · {span} · only me" in text
    assert "– ·" not in text and "talk ·" not in text


def test_the_grid_cells_are_not_justified():
    """Justified lines in the narrow grid cells left wide gaps: fpdf2 justifies a line by drawing it as an array
    of words with spaces adjusted (`[...] TJ`), where a left-aligned line is one string (`(...) Tj`)."""
    person = person_with_role(Role.EDUCATOR, preferred_language="en")
    make_entry(person=person, competency_codes=["1.1", "2.1", "3.1", "4.1", "5.1"])
    content = portfolio_pdf(person=person)
    pages = PdfReader(io.BytesIO(content)).pages
    streams = b"".join(contents.get_data() for page in pages if (contents := page.get_contents()) is not None)
    assert b"] TJ" not in streams
