"""A coordinator invites staff from a CSV with a bad row and sees the report."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_CSV = (
    "email;family_name;given_name;department\n"
    "oyun.bat@example.mn;Бат;Оюун;Мэдээлэл\n"
    "not-an-email;Дорж;Ганбаа;Физик\n"
    "already@example.mn;Цэрэн;Алтан;Хими\n"
    "enkh.nyamaa@example.mn;Нямаа;Энх;Математик\n"
)


def test_coordinator_invites_staff_and_sees_the_report(page: Page, tmp_path: Path) -> None:
    programme = ProgrammeFactory()
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, email="coordinator@example.mn")
    coordinator.set_password("Coordinator-2026")
    coordinator.preferred_language = "en"
    coordinator.save()
    institution = coordinator.institution
    PersonFactory(email="already@example.mn", institution=institution)
    staff_file = tmp_path / "staff.csv"
    staff_file.write_text(STAFF_CSV, encoding="cp1251")  # Ү and Ө have no cp1251 code; these names avoid them

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("coordinator@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill("Coordinator-2026")
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    page.goto(f"/accounts/institutions/{institution.pk}/invite/")
    assert_accessible(page)
    page.get_by_label(re.compile("Staff list")).set_input_files(str(staff_file))
    page.get_by_role("button", name="Check the file").click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("tr.row-error")).to_have_count(1)
    expect(page.locator("tr.row-error")).to_contain_text("not-an-email")
    expect(page.locator("main")).to_contain_text("Оюун")  # Windows-1251 read correctly
    assert_accessible(page)
    screenshot(page, "staff-import-preview-en")
    assert not Person.objects.filter(email="oyun.bat@example.mn").exists()

    page.get_by_role("button", name="Invite 2 people").click()
    expect(page).to_have_url(re.compile("/jobs/"))
    expect(page.locator("main")).to_contain_text("The job has finished.")
    screenshot(page, "staff-import-job-en")

    invited_emails = {"oyun.bat@example.mn", "enkh.nyamaa@example.mn"}
    assert Person.objects.filter(institution=institution, email__in=invited_emails).count() == 2
    assert {m.to[0] for m in mail.outbox} >= invited_emails

    page.goto(f"/accounts/institutions/{institution.pk}/people/")
    expect(page.locator("main")).to_contain_text("enkh.nyamaa@example.mn")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "staff-list-en-phone")
