"""The demo lessons on a narrow phone, in both languages: no axe-core finding of any impact
(WCAG 2.2 AA and best practices), no sideways scrolling at 320 px, and a skip link that is the
first stop of the keyboard and leads to the lesson."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, expect

from erdem.access.models import Role
from erdem.catalog.models import Course, Lesson
from erdem.demo.services import demo_load, demo_login_email
from erdem.people.models import Person
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
NARROW = 320  # WCAG 1.4.10: content reflows at 320 CSS pixels


def _lessons() -> list[Lesson]:
    """The first course's first lesson (its introduction video, audio-only version and captions)
    and its second (an image in the text, attachments or a quiz, depending on the course)."""
    course = Course.objects.order_by("code").first()
    assert course is not None
    return list(
        Lesson.objects.filter(module__course=course)
        .select_related("module__course")
        .order_by("module__position", "position")[:2]
    )


def test_the_demo_lessons_are_accessible_on_a_narrow_phone(browser: Browser, live_server: Any) -> None:
    demo_load(educators=60, institutions=3)
    educator = Person.objects.get(email=demo_login_email(role=Role.EDUCATOR))
    client = Client()
    client.force_login(educator)
    base_url = str(live_server.url)
    context = browser.new_context(base_url=base_url, viewport={"width": NARROW, "height": 800})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    page = context.new_page()
    try:
        for language in ("mn", "en"):
            Person.objects.filter(pk=educator.pk).update(preferred_language=language)
            for lesson in _lessons():
                page.goto(reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk]))
                expect(page.locator("html")).to_have_attribute("lang", language)
                findings = [
                    f"{violation['id']} ({violation['impact']}): {violation['help']}"
                    for violation in Axe().run(page, options=AXE_OPTIONS).response["violations"]
                ]
                assert not findings, f"lesson {lesson.pk} in {language}:\n" + "\n".join(findings)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= NARROW, f"lesson {lesson.pk} in {language} scrolls sideways ({width} px)"
                screenshot(page, f"lesson-{lesson.pk}-{language}-{NARROW}px")

        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_attribute("href", "#main")
        expect(skip).to_be_visible()
        skip.press("Enter")
        expect(page.locator("main")).to_be_focused()
    finally:
        context.close()
