"""An educator finds a workshop and registers; the trainer takes attendance on a phone; another
participant checks in with the code shown on the trainer's check-in screen."""

import datetime as dt
import re
import time
from typing import Any

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.organisations.tests.factories import region
from erdem.people.models import Person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, Registration
from erdem.workshops.tests.factories import register, workshop_build
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Yak-2026"
PHONE: Any = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _person(role: str, programme: Any, email: str, language: str, **fields: Any) -> Person:
    person = person_with_role(role, programme=programme, email=email, **fields)
    person.set_password(PASSWORD)
    person.preferred_language = language
    person.save()
    return person


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))


def _wait_for(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server did not record it in time"
        time.sleep(0.1)


def test_register_take_attendance_on_a_phone_and_check_in(page: Page, browser: Browser, live_server: Any) -> None:
    programme = ProgrammeFactory()
    course = course_build(programme=programme, code="ai-101", modules=1, lessons=1)
    trainer = _person(Role.TRAINER, programme, "bold@example.mn", "en")
    saraa = _person(Role.EDUCATOR, programme, "saraa@example.mn", "mn", family_name="Дорж", given_name="Сараа")
    tuya = _person(Role.EDUCATOR, programme, "tuya@example.mn", "en", family_name="Бат", given_name="Туяа")
    workshop = workshop_build(
        course=course, trainers=[trainer], capacity=12, starts_at=timezone.now() - dt.timedelta(minutes=5),
        title_mn="Үүсгэгч хиймэл оюун: дадлага", title_en="Generative AI: a hands-on session",
        place="Хичээлийн 2-р байр, 305 тоот", region=region("MN-073"),
    )  # fmt: skip
    register(workshop, tuya)

    # The educator finds the workshop in Mongolian and registers.
    _log_in(page, saraa.email)
    page.goto("/workshops/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Семинарууд")
    page.get_by_role("link", name="Үүсгэгч хиймэл оюун: дадлага").click()
    expect(page.get_by_text("Хичээлийн 2-р байр, 305 тоот")).to_be_visible()
    page.get_by_role("button", name="Бүртгүүлэх").click()
    expect(page.get_by_role("status")).to_contain_text("Та бүртгүүллээ")
    expect(page.get_by_text("Та бүртгүүлсэн байна.")).to_be_visible()
    screenshot(page, "workshops-1-registered-mn")
    page.reload()
    assert_accessible(page)
    assert Registration.objects.get(person=saraa).status == "registered"

    # The trainer takes attendance on a phone.
    phone = browser.new_context(base_url=live_server.url, **PHONE)
    phone.set_default_timeout(10_000)
    trainer_page = phone.new_page()
    _log_in(trainer_page, trainer.email)
    trainer_page.goto(f"/workshops/{workshop.pk}/roster/")
    expect(trainer_page.locator("fieldset.roster-person")).to_have_count(2)
    tuya_row = trainer_page.locator(f"fieldset[data-person='{tuya.pk}']")
    tuya_row.get_by_label("late").check()
    screenshot(trainer_page, "workshops-2-roster-phone-en")
    assert_accessible(trainer_page)
    trainer_page.get_by_role("button", name="Save attendance").click()
    _wait_for(lambda: Attendance.objects.filter(person=tuya, status="late").exists())
    assert Attendance.objects.get(person=tuya).source in ("roster", "offline")

    # The trainer opens the check-in screen; the educator types its code on her own phone.
    trainer_page.clock.install()
    trainer_page.goto(f"/workshops/{workshop.pk}/checkin-screen/")
    expect(trainer_page.locator(".checkin-qr svg")).to_be_visible()
    code = trainer_page.locator("[data-checkin-code]").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    screenshot(trainer_page, "workshops-3-checkin-screen-phone-en")
    assert_accessible(trainer_page)
    # The screen asks for the current code every ten seconds and swaps in the new code and QR code.
    next_svg = segno.make("https://erdem.example/next", error="m").svg_inline(omitsize=True)
    trainer_page.route(
        "**/checkin-screen/code.json",
        lambda route: route.fulfill(json={"code": "424242", "svg": next_svg, "seconds_left": 30, "open": True}),
    )
    trainer_page.clock.run_for(11_000)
    expect(trainer_page.locator("[data-checkin-code]")).to_have_text("424242")
    assert trainer_page.locator(".checkin-qr svg").evaluate("svg => svg.namespaceURI") == "http://www.w3.org/2000/svg"
    assert trainer_page.locator(".checkin-qr svg").evaluate("svg => svg.getBoundingClientRect().width") > 100

    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_role("link", name="Ирцээ бүртгүүлэх").click()
    page.get_by_label("Дэлгэц дээрх код").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Ирцээ бүртгүүлэх").click()
    expect(page.get_by_role("alert")).to_contain_text("Код буруу")
    page.get_by_label("Дэлгэц дээрх код").fill(code)
    page.get_by_role("button", name="Ирцээ бүртгүүлэх").click()
    expect(page.get_by_role("status")).to_contain_text("Таны ирц бүртгэгдлээ")
    screenshot(page, "workshops-4-checked-in-mn")
    current = Attendance.objects.get(person=saraa)
    assert (current.status, current.source) == ("present", "checkin")

    # The summary shows both, with where each mark came from.
    trainer_page.goto(f"/workshops/{workshop.pk}/attendance/")
    expect(trainer_page.locator("tbody tr")).to_have_count(2)
    expect(trainer_page.locator("tbody")).to_contain_text("self check-in")
    screenshot(trainer_page, "workshops-5-summary-phone-en")
    assert_accessible(trainer_page)
    phone.close()


def test_a_national_admin_schedules_a_workshop_that_educators_find(page: Page) -> None:
    programme = ProgrammeFactory()
    course_build(programme=programme, code="ai-102", modules=1, lessons=1)
    admin = _person(Role.NATIONAL_ADMIN, programme, "admin@example.mn", "en")
    _person(Role.TRAINER, programme, "dorj@example.mn", "en", family_name="Дорж", given_name="Болд")
    _person(Role.MENTOR, programme, "mentor@example.mn", "en", family_name="Ментор", given_name="Биш")

    _log_in(page, admin.email)
    page.goto("/workshops/")
    page.get_by_role("link", name="Schedule a workshop").click()
    expect(page.get_by_text("Ментор Биш")).to_have_count(0)  # only trainers and master teachers to pick
    page.get_by_label("Course").select_option(label="Basics")
    page.get_by_label("Title (Mongolian)").fill("Промпт бичих дадлага")
    page.get_by_label("Title (English)").fill("Prompt-writing practice")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Online link").fill("https://meet.example.mn/prompt")
    page.get_by_label("Starts").fill("2030-03-05T10:00")
    page.get_by_label("Ends").fill("2030-03-05T12:30")
    page.get_by_label("Capacity").fill("25")
    page.get_by_label("Дорж Болд").check()
    screenshot(page, "workshops-6-schedule-form-en")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The workshop is scheduled.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prompt-writing practice")
    expect(page.get_by_text("10:00")).to_be_visible()

    page.goto("/workshops/?mode=online")
    expect(page.get_by_role("link", name="Prompt-writing practice")).to_be_visible()
    screenshot(page, "workshops-7-list-en")
    assert_accessible(page)
