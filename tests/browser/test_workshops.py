"""An educator finds a workshop and registers; the trainer takes attendance on a phone; another
participant checks in with the code shown on the trainer's check-in screen."""

import datetime as dt
import re
import time
from typing import Any

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.organisations.tests.factories import InstitutionFactory, region
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


DESKTOP: Any = {"viewport": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_pages_say_who_you_are_and_when_check_in_opens(browser: Browser, live_server: Any, device: str) -> None:
    """In Mongolian, on a phone and on a desktop: a trainer who is also an educator sees their
    role, not "Register"; check-in says when it opens; the list is cards on a phone, 20 a page;
    the roster says how marks travel; the form groups trainers and sums up its errors."""
    programme = ProgrammeFactory()
    course = course_build(programme=programme, code="ai-103", modules=1, lessons=1)
    khovd = InstitutionFactory.create(region=region("MN-043"), short_name_mn="ХИС")
    trainer = _person(Role.TRAINER, programme, "bat@example.mn", "mn", family_name="Бат", given_name="Өлзий")
    RoleAssignmentFactory(person=trainer, role=Role.EDUCATOR, programme=programme)
    for n in range(8):
        _person(Role.TRAINER, programme, f"t{n}@example.mn", "mn", institution=khovd if n % 2 else None)
    admin = _person(Role.NATIONAL_ADMIN, programme, "admin@example.mn", "mn")
    educator = _person(Role.EDUCATOR, programme, "saraa@example.mn", "mn")
    led = workshop_build(
        course=course, trainers=[trainer], starts_at=timezone.now() + dt.timedelta(hours=3),
        title_mn="Хиймэл оюуныг хичээлд ашиглах", title_en="AI in class", region=region("MN-043"),
    )  # fmt: skip
    register(led, educator)
    for n in range(22):
        workshop_build(
            course=course, title_mn=f"Дадлагын семинар {n + 1}", starts_at=timezone.now() + dt.timedelta(days=n + 1),
            region=region("MN-1"), capacity=15,
        )  # fmt: skip
    contexts: list[BrowserContext] = []

    def logged_in(person: Person) -> Page:
        context = browser.new_context(base_url=live_server.url, **(PHONE if device == "phone" else DESKTOP))
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _log_in(page, person.email)  # their language, Mongolian, applies once logged in
        return page

    page = logged_in(trainer)

    page.goto("/workshops/")
    cards = page.locator(".workshop-table tbody tr")
    expect(cards).to_have_count(20)
    expect(page.locator(".pagination")).to_contain_text("2 хуудасны 1")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]
    seats = cards.first.locator("td.num")
    expect(seats).to_be_in_viewport()
    if device == "phone":
        assert cards.first.evaluate("tr => getComputedStyle(tr).display") != "table-row"  # a card
        expect(page.locator(".workshop-table thead")).not_to_be_in_viewport()
        expect(seats).to_have_text(re.compile(r"^\d+$"))  # "15", shown as "15 сул суудал"
        assert cards.nth(1).bounding_box()["y"] > cards.first.bounding_box()["y"] + 60  # type: ignore[index]
    screenshot(page, f"workshops-8-list-{device}-mn")
    assert_accessible(page)

    page.goto(f"/workshops/{led.pk}/")
    expect(page.get_by_text("Та энэ семинарыг удирдана.")).to_be_visible()
    expect(page.get_by_role("button", name="Бүртгүүлэх")).to_have_count(0)
    expect(page.locator("dl.facts")).to_contain_text("(Улаанбаатарын цагаар)")
    expect(page.locator("body")).not_to_contain_text("Asia/Ulaanbaatar")
    screenshot(page, f"workshops-9-detail-trainer-{device}-mn")
    assert_accessible(page)

    page.goto(f"/workshops/{led.pk}/roster/")
    expect(page.locator(".roster-sync")).to_have_text(
        "Тэмдэглэгээ эхлээд энэ утсанд хадгалагдаж, сүлжээтэй үед илгээгдэнэ."
    )
    screenshot(page, f"workshops-10-roster-{device}-mn")

    student = logged_in(educator)
    student.goto(f"/workshops/{led.pk}/checkin/")
    opens = timezone.localtime(led.starts_at - dt.timedelta(minutes=30))
    expect(student.locator("[data-checkin-state='early']")).to_contain_text(f"{opens:%H:%M}")
    expect(student.get_by_role("button", name="Ирцээ бүртгүүлэх")).to_be_disabled()
    screenshot(student, f"workshops-11-checkin-early-{device}-mn")
    assert_accessible(student)

    organiser = logged_in(admin)
    organiser.goto(f"/workshops/{led.pk}/edit/")
    groups = organiser.locator("details.trainer-group")
    expect(groups.first.locator("summary")).to_contain_text("Ховд")
    expect(organiser.locator(".helptext").first).to_contain_text("Улаанбаатарын цагаар")
    organiser.get_by_label("Байршил").fill("")
    organiser.get_by_label("Суудлын тоо").fill("0")
    organiser.get_by_role("button", name="Хадгалах").click()
    summary = organiser.locator(".error-summary")
    expect(summary).to_contain_text("Семинар хадгалагдсангүй")
    summary.get_by_role("link", name="Байршил").click()
    expect(organiser).to_have_url(re.compile("#id_place$"))
    expect(organiser.locator("#id_place")).to_be_in_viewport()
    screenshot(organiser, f"workshops-12-form-errors-{device}-mn")
    assert_accessible(organiser)
    for context in contexts:
        context.close()
