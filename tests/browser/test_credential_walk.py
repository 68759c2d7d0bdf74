"""From the last requirement to a verified certificate: an educator finishes the course's last lesson, the
credential issues itself, the educator downloads the certificate PDF from "My credentials"; an anonymous
visitor uploads that PDF to the verifier and opens the public page the QR code leads to."""

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from erdem.catalog.models import Lesson
from erdem.catalog.tests.factories import course_build
from erdem.credentials.certificates import certificate_attachments
from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create
from erdem.learning.models import Enrolment, LessonProgress
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import ARTIFACTS, assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Yak-2026"


def _world() -> tuple[Any, Lesson]:
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=2)
    achievement_create(programme=programme, course=course)
    educator = make_person(
        email="saraa@example.mn",
        given_name="Сараа",
        family_name="Батболд",
        name_traditional="ᠰᠠᠷᠠ",
        preferred_language="mn",
    )
    educator.set_password(PASSWORD)
    educator.save()
    enrolment = Enrolment.objects.create(person=educator, course=course)
    first, last = Lesson.objects.filter(module__course=course).order_by("position")
    LessonProgress.objects.create(enrolment=enrolment, lesson=first, completed_at=timezone.now())
    return educator, last


def test_from_the_last_lesson_to_a_verified_certificate(page: Page, browser: Browser, live_server: Any, settings):
    settings.SITE_URL = live_server.url
    educator, last = _world()

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(educator.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    # The last requirement: the course's last lesson, marked as done in Mongolian.
    page.goto(f"/courses/{last.module.course.code}/lessons/{last.pk}/")
    page.get_by_role("button", name="Үзсэн гэж тэмдэглэх").click()
    credential = Credential.objects.get(person=educator)
    assert credential.method == Credential.Method.AUTOMATIC

    page.goto("/credentials/mine/")
    expect(page.locator("h1")).to_contain_text("Миний гэрчилгээнүүд")
    expect(page.get_by_text("Хүчинтэй").first).to_be_visible()
    screenshot(page, "credential-mine-mn")
    assert_accessible(page)
    # The certificate as the browser fetches it from the card's link, with the educator's session.
    href = page.get_by_role("link", name="Гэрчилгээ (PDF)").first.get_attribute("href")
    response = page.context.request.get(href or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    pdf_path = ARTIFACTS / "credential-walk.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path.write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    assert certificate_attachments(pdf)["credential.json"].startswith(b"{")

    # Anyone, signed out, in English: the verifier takes the PDF on its own.
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    anonymous = visitor.new_page()
    anonymous.goto("/credentials/verify/")
    anonymous.get_by_role("button", name="English").click()
    anonymous.set_input_files("input[type=file]", str(pdf_path))
    anonymous.get_by_role("button", name="Check", exact=True).click()
    expect(anonymous.locator("#verdict")).to_have_text("Valid")
    expect(anonymous.get_by_text("The signature is genuine", exact=False).first).to_be_visible()
    screenshot(anonymous, "credential-verified-anonymous")
    assert_accessible(anonymous)

    # The QR code's target: the public page says the same, and shows the name the holder allowed.
    anonymous.goto(f"/credentials/{credential.public_id}/")
    expect(anonymous.get_by_text("Valid").first).to_be_visible()
    expect(anonymous.get_by_text("Saraa", exact=False).first).to_be_visible()
    screenshot(anonymous, "credential-public-anonymous")
    assert_accessible(anonymous)
    visitor.close()
