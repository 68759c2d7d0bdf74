import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_landing_page_in_both_languages_and_on_a_phone(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    assert_accessible(page)
    screenshot(page, "landing-mn-desktop")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)

    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "landing-en-phone")
