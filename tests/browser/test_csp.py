"""The Content-Security-Policy in a real browser: key pages of the demo programme, for each kind of
reader, draw without a single violation (Chromium reports each one in the console), and keep their
styling (the charts and the period form of the dashboard, the QR code of two-factor set-up)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, ConsoleMessage, Page

from erdem.assessments.models import Quiz
from erdem.catalog.models import LessonTranslation
from erdem.demo.services import DEMO_PASSWORD, demo_load
from erdem.people.tests.factories import make_person
from erdem.workshops.models import Workshop
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ALIGNED_TABLE = "\n\n| Step | Hours |\n|:-----|------:|\n| Reading | 2 |\n| Practice | 3 |\n"


class Reader:
    """A browser tab signed in as one person, recording every CSP message of the console."""

    def __init__(self, browser: Browser, base_url: str, email: str) -> None:
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()
        self.violations: list[str] = []
        self.page.on("console", self._console)
        if email:
            self.page.goto(reverse("people:login"))
            self.page.fill("input[name=username]", email)
            self.page.fill("input[name=password]", DEMO_PASSWORD if email.endswith("@demo.erdem.mn") else PASSWORD)
            self.page.click("main form.stacked button[type=submit]")
            self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> Page:
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert "content-security-policy" in response.headers, path
        return self.page


PASSWORD = "Khangai-Yak-2026"


@pytest.fixture
def readers(browser: Browser, live_server: Any) -> Iterator[dict[str, Reader]]:
    demo_load(educators=60, institutions=5)
    superuser = make_person(email="root@centre.mn", is_staff=True, is_superuser=True)
    superuser.set_password(PASSWORD)
    superuser.save()
    opened = {
        role: Reader(browser, live_server.url, email)
        for role, email in {
            "anonymous": "",
            "educator": "educator@demo.erdem.mn",
            "admin": "admin@demo.erdem.mn",
            "trainer": "trainer@demo.erdem.mn",
            "superuser": "root@centre.mn",
        }.items()
    }
    yield opened
    for reader in opened.values():
        reader.context.close()


def test_key_pages_draw_without_a_csp_violation(readers: dict[str, Reader]) -> None:
    quiz = Quiz.objects.select_related("lesson__module__course").order_by("pk").first()
    assert quiz is not None
    lesson = quiz.lesson
    # A table with aligned columns in the lesson: markdown-it's alignment must not be a style attribute.
    for text in LessonTranslation.objects.filter(lesson=lesson):
        text.body += ALIGNED_TABLE
        text.save(update_fields=["body"])
    lesson_url = reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk])
    workshop = Workshop.objects.order_by("pk").first()
    assert workshop is not None

    anonymous, educator, admin = readers["anonymous"], readers["educator"], readers["admin"]
    for path in ["/", reverse("people:login"), reverse("people:register"), reverse("credentials:verify")]:
        anonymous.visit(path)

    page = educator.visit(lesson_url)
    assert page.locator("main td.align-right").first.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    for path in [
        reverse("web:home"),
        reverse("assessments:quiz", args=[quiz.pk]),
        reverse("portfolio:mine"),
        reverse("workshops:checkin", args=[workshop.pk]),
        reverse("people:profile"),
    ]:
        educator.visit(path)
    page = educator.visit(reverse("people:two_factor_enrol"))
    qr_box = page.locator("svg.two-factor-qr").bounding_box()
    assert qr_box is not None and 150 < qr_box["width"] < 260  # 14rem, from the page's stylesheet
    screenshot(page, "csp-two-factor-enrol")

    page = admin.visit(reverse("insights:dashboard"))
    chart = page.locator("svg.chart").first.bounding_box()
    assert chart is not None and chart["height"] > 50
    form = page.locator("form.insights-period-form")
    assert form.evaluate("element => getComputedStyle(element).display") == "flex"
    screenshot(page, "csp-insights-dashboard")
    for path in [
        reverse("insights:rankings"),
        reverse("cascade:overview"),
        reverse("cascade:regions"),
        reverse("workshops:checkin_screen", args=[workshop.pk]),
        reverse("workshops:roster", args=[workshop.pk]),
    ]:
        admin.visit(path)

    superuser = readers["superuser"]
    for path in [
        "/admin/",
        "/admin/organisations/institution/add/",
        "/admin/auth/group/add/",
        "/admin/otp_totp/totpdevice/",
        "/admin/axes/accessattempt/",
    ]:
        superuser.visit(path)
    page = superuser.visit("/admin/organisations/institution/?q=a")
    assert page.locator("#result_list").count() == 1
    screenshot(page, "csp-django-admin")

    violations = [message for reader in readers.values() for message in reader.violations]
    assert not violations, "\n".join(violations)
