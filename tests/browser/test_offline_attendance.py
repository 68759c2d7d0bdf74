"""A trainer takes attendance on a phone with the network cut (Chromium's offline emulation): the marks
are kept on the phone, the roster reopens from the phone's copy with the marks still there, and they
sync when the network returns. Signing out deletes the saved copy. Without JavaScript, the roster is
a plain form that posts."""

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop
from erdem.workshops.services import attendance_mark
from erdem.workshops.tests.factories import register, workshop_build
from tests.browser.conftest import assert_accessible, network_cut, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Altai-Ibex-2026"
PHONE: Any = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

SAVED_PAGE = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith("erdem-workshops-pages-") && await (await caches.open(name)).match(location.origin + path)) {
      return true;
    }
  }
  return false;
}"""


@pytest.fixture
def trainer(db: None) -> Person:
    person = person_with_role(Role.TRAINER, programme=ProgrammeFactory(), email="tuul@example.mn")
    person.set_password(PASSWORD)
    person.preferred_language = "en"
    person.save()
    return person


@pytest.fixture
def workshop(trainer: Person) -> Workshop:
    programme = trainer.role_assignments.get().programme
    course = course_build(programme=programme, code="ai-201", modules=1, lessons=1)
    workshop = workshop_build(
        course=course, trainers=[trainer], starts_at=timezone.now() - dt.timedelta(minutes=15), place="Ховд, 2-р байр"
    )
    register(
        workshop,
        make_person(family_name="Батболд", given_name="Сараа"),
        make_person(family_name="Дорж", given_name="Ганбаатар"),
        make_person(family_name="Энхтуяа", given_name="Оюун"),
    )
    return workshop


def _context(browser: Browser, live_server: Any, **options: Any) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, **PHONE, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = _context(browser, live_server)
    yield context
    context.close()


def _log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("tuul@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))


def _wait_until_saved(page: Page, path: str, *, saved: bool = True) -> None:
    """Until the service worker has saved the page at `path` (or deleted it)."""
    deadline = time.monotonic() + 10
    while page.evaluate(SAVED_PAGE, path) != saved:
        assert time.monotonic() < deadline, f"{path} was {'not ' if saved else ''}saved"
        page.wait_for_timeout(100)


def _person(workshop: Workshop, family_name: str) -> Any:
    return workshop.registrations.get(person__family_name=family_name).person


SYNC_URLS = "**/api/v1/workshops/**"


def _no_network(route: Route) -> None:
    route.abort("internetdisconnected")


def _choice(page: Page, person: Any, status: str) -> Any:
    return page.locator(f"input[name='status-{person.pk}'][value='{status}']")


def test_a_trainer_takes_attendance_offline_and_it_syncs(
    phone: BrowserContext, workshop: Workshop, trainer: Person
) -> None:
    roster = f"/workshops/{workshop.pk}/roster/"
    saraa, ganbaatar, oyun = (_person(workshop, name) for name in ("Батболд", "Дорж", "Энхтуяа"))
    page = phone.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    _log_in(page)

    page.goto(roster)
    # Nothing marked yet: the line says how marks travel, not that they were sent.
    expect(page.locator(".roster-sync")).to_have_text(
        "Marks are saved on this phone first and sent when there is a network."
    )
    _wait_until_saved(page, roster)  # the service worker keeps this page for later
    assert_accessible(page)
    screenshot(page, "offline-attendance-1-roster-online")

    network_cut(phone, page)
    # Chromium's offline emulation reaches a reloaded document a moment after its first script has run,
    # so a sync could still go out then; the sync address is cut too, as a dead network would.
    phone.route(SYNC_URLS, _no_network)
    _choice(page, saraa, "present").check()
    _choice(page, ganbaatar, "late").check()
    _choice(page, oyun, "present").check()
    _choice(page, oyun, "absent").check()  # a change before syncing replaces the mark waiting on the phone
    status = page.locator(".roster-sync")
    expect(status).to_contain_text("No network")
    expect(status).to_contain_text("Saved on this phone; waiting to sync: 3.")
    screenshot(page, "offline-attendance-2-marked-offline")
    assert not Attendance.objects.exists()

    Workshop.objects.filter(pk=workshop.pk).update(place="Улаангом")  # the server's page changes meanwhile
    page.reload()  # still offline: the saved copy, with the marks waiting on the phone
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster")
    expect(page.locator(".lead")).to_contain_text("Ховд")
    expect(status).to_contain_text("waiting to sync: 3.")
    expect(_choice(page, saraa, "present")).to_be_checked()
    expect(_choice(page, ganbaatar, "late")).to_be_checked()
    expect(_choice(page, oyun, "absent")).to_be_checked()
    screenshot(page, "offline-attendance-3-reopened-offline")
    assert not Attendance.objects.exists()

    phone.unroute(SYNC_URLS, _no_network)
    phone.set_offline(False)
    expect(status).to_have_text("All marks are synced.", timeout=15_000)
    screenshot(page, "offline-attendance-4-synced")
    current = {a.person_id: (a.status, a.source, a.marked_by_id) for a in Attendance.objects.all()}
    assert current == {
        saraa.pk: ("present", "offline", trainer.pk),
        ganbaatar.pk: ("late", "offline", trainer.pk),
        oyun.pk: ("absent", "offline", trainer.pk),
    }
    assert AttendanceMark.objects.count() == 3

    page.reload()  # from the server now: its state, nothing waiting
    expect(page.locator(".lead")).to_contain_text("Улаангом")
    expect(_choice(page, oyun, "absent")).to_be_checked()
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('erdem.attendance.'))") == []

    page.get_by_role("button", name="Монгол").click()
    expect(page.locator(".roster-sync")).to_have_text(
        "Тэмдэглэгээ эхлээд энэ утсанд хадгалагдаж, сүлжээтэй үед илгээгдэнэ."
    )
    screenshot(page, "offline-attendance-5-synced-mn")

    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).not_to_have_url(re.compile("/roster/"))
    _wait_until_saved(page, roster, saved=False)  # signing out deleted the saved copy
    phone.set_offline(True)
    with pytest.raises(PlaywrightError, match=r"net::ERR_"):
        page.goto(roster)


def test_conflicts_and_refusals_are_shown_after_syncing(
    phone: BrowserContext, workshop: Workshop, trainer: Person
) -> None:
    saraa, ganbaatar = (_person(workshop, name) for name in ("Батболд", "Дорж"))
    page = phone.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    _log_in(page)
    roster = f"/workshops/{workshop.pk}/roster/"
    page.goto(roster)
    _wait_until_saved(page, roster)

    network_cut(phone, page)
    phone.route(SYNC_URLS, _no_network)  # as above: nothing leaves before the network returns
    _choice(page, saraa, "absent").check()
    _choice(page, ganbaatar, "present").check()
    # Meanwhile, with the network: a co-trainer marks Saraa present a little later, and
    # Ganbaatar's registration is cancelled, so he is no longer on the roster.
    page.wait_for_timeout(50)
    attendance_mark(
        workshop=workshop, person=saraa, status="present", source="roster", marked_at=timezone.now(), marked_by=None
    )
    Registration.objects.filter(person=ganbaatar).update(status=Registration.Status.CANCELLED)
    phone.unroute(SYNC_URLS, _no_network)
    phone.set_offline(False)

    expect(page.locator(".roster-sync")).to_have_text("All marks are synced.", timeout=15_000)
    expect(_choice(page, saraa, "present")).to_be_checked()
    expect(page.locator(f"fieldset[data-person='{saraa.pk}'] .roster-note-later")).to_have_text(
        "A mark made later was kept: present."
    )
    refusal = page.locator(f"fieldset[data-person='{ganbaatar.pk}'] .roster-note-refused")
    expect(refusal).to_contain_text("was not saved: This person is not on the workshop's roster.")
    assert_accessible(page)
    screenshot(page, "offline-attendance-conflict-and-refusal")
    assert AttendanceMark.objects.get(person=saraa, status="absent").outcome == "superseded"
    assert not Attendance.objects.filter(person=ganbaatar).exists()

    page.reload()  # a refused mark stays on the phone, shown, until dismissed; it is not sent again
    elsewhere = page.locator(".roster-note-others")
    expect(elsewhere).to_contain_text("for someone no longer on this roster was not saved")
    screenshot(page, "offline-attendance-refusal-after-reload")
    elsewhere.get_by_role("button", name="Dismiss").click()
    expect(elsewhere).to_have_count(0)
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('erdem.attendance.'))") == []


def test_the_roster_works_without_javascript(browser: Browser, live_server: Any, workshop: Workshop) -> None:
    context = _context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    _log_in(page)
    saraa = _person(workshop, "Батболд")

    page.goto(f"/workshops/{workshop.pk}/roster/")
    page.locator(f"label:has(input[name='status-{saraa.pk}'][value='late'])").click()
    page.get_by_role("button", name="Save attendance").click()

    expect(page.locator(".messages")).to_contain_text("Attendance saved for 1 person.")
    expect(_choice(page, saraa, "late")).to_be_checked()
    assert page.locator(".roster-sync").count() == 0
    screenshot(page, "offline-attendance-no-js")
    current = Attendance.objects.get()
    assert (current.person_id, current.status, current.source) == (saraa.pk, "late", "roster")
    context.close()
