"""A new educator registers, confirms the e-mail, signs in and switches to Mongolian."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from erdem.access.models import Role, RoleAssignment
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Steppe-Horse-2026"


def test_register_confirm_log_in_and_switch_to_mongolian(page: Page) -> None:
    ProgrammeFactory(name_en="National AI competencies programme", name_mn="Хиймэл оюуны чадамжийн хөтөлбөр")
    institution = InstitutionFactory.create(
        name_en="Darkhan Institute of Technology", name_mn="Дарханы Технологийн Дээд Сургууль"
    )

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    assert_accessible(page)
    screenshot(page, "landing-mn")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto("/accounts/register/")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("Tuya.Bold@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label(re.compile(r"^Family name:?$")).fill("Болд")
    page.get_by_label(re.compile(r"^Given name:?$")).fill("Туяа")
    page.get_by_label(re.compile(r"^Family name \(Latin\)")).fill("Bold")
    page.get_by_label(re.compile(r"^Given name \(Latin\)")).fill("Tuya")
    page.get_by_label("Institution").select_option(value=str(institution.pk))
    # First try without consent: refused, and nothing is written.
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert not Person.objects.filter(email__iexact="tuya.bold@example.mn").exists()
    screenshot(page, "register-without-consent-en")

    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label(re.compile("I agree to the processing")).check()
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("e-mail", re.I))

    person = Person.objects.get(email="tuya.bold@example.mn")
    assert person.institution == institution
    assert person.email_confirmed_at is None
    assert RoleAssignment.objects.filter(person=person, role=Role.EDUCATOR).exists()

    # Signing in before confirming is refused with a way to resend the link.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("tuya.bold@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page.locator("main")).to_contain_text(re.compile("confirm", re.I))

    (message,) = [m for m in mail.outbox if "tuya.bold@example.mn" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm/\S+", message.body)
    assert link, message.body
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    page.goto(path)
    person.refresh_from_db()
    assert person.email_confirmed_at is not None

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("tuya.bold@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))
    expect(page.locator("main")).to_contain_text("Tuya")  # English pages greet with the Latin name
    screenshot(page, "home-educator-en")

    page.get_by_role("button", name="Монгол").click()
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page).to_have_url(re.compile("/home/$"))
    assert_accessible(page)
    screenshot(page, "home-educator-mn")
    person.refresh_from_db()
    assert person.preferred_language == "mn"

    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "home-educator-mn-phone")
