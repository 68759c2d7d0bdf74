"""The figures in the browser: the ministry viewer opens the national dashboard in Mongolian, picks a
period, asks for the national report and downloads its Mongolian PDF; a coordinator opens their
institution's figures from the menu, downloads the breakdown as CSV and the staff list as Excel, and is
refused another institution's page."""

import csv
import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.core.privacy import HIDDEN_TEXT
from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.insights import rollups
from erdem.insights.measures import Dimension
from erdem.insights.periods import Period, programme_months
from erdem.insights.staff import staff_header
from erdem.learning.models import Enrolment
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Discipline, Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import ARTIFACTS, assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Yak-2026"
MARCH, APRIL = dt.date(2025, 3, 1), dt.date(2025, 4, 1)


def _at(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


def _educator(programme: Any, institution: Institution, registered: dt.datetime, **fields: Any) -> Person:
    person = make_person(institution=institution, email_confirmed_at=registered, **fields)
    RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)
    return person


def _signs_in(person: Person) -> Person:
    person.set_password(PASSWORD)
    person.save()
    return person


def _world() -> SimpleNamespace:
    """Seven educators at Alpha (registered March 2025, the three core courses completed in April, three
    of them certified in April: a small count) and three at Beta (registered April 2025, one course
    completed: a small cell); a ministry viewer reading Mongolian and Alpha's coordinator; the rollup."""
    programme = ProgrammeFactory()
    alpha = InstitutionFactory(name_en="Alpha University", name_mn="Альфа их сургууль", region=region("MN-1"))
    beta = InstitutionFactory(name_en="Beta College", name_mn="Бета коллеж", region=region("MN-049"))
    courses = [course_build(programme=programme, code=f"ai-10{n}", modules=1, lessons=1) for n in (1, 2, 3)]
    rollups.programme_insights(programme=programme).core_courses.set(courses)
    achievement = achievement_create(programme=programme)
    educators = [
        _educator(
            programme,
            alpha,
            _at(2025, 3, 3),
            given_name="Оюунчимэг",
            family_name="Занданхүү",
            given_name_latin="Oyunchimeg",
            family_name_latin="Zandankhuu",
            discipline=Discipline.ICT,
        )
    ]
    educators += [
        _educator(
            programme,
            alpha,
            _at(2025, 3, 4 + index),
            given_name=f"Алтанцэцэг{index}",
            given_name_latin=f"Altantsetseg{index}",
            discipline=Discipline.ICT if index < 3 else Discipline.EDUCATION,
        )
        for index in range(6)
    ]
    for index, person in enumerate(educators):
        for course in courses:
            Enrolment.objects.create(
                person=person, course=course, enrolled_at=_at(2025, 3, 15), completed_at=_at(2025, 4, 20)
            )
        if index < 3:
            credential = credential_create(achievement=achievement, person=person)
            Credential.objects.filter(pk=credential.pk).update(awarded_at=_at(2025, 4, 28))
    at_beta = [_educator(programme, beta, _at(2025, 4, 2 + index), given_name=f"Батцэцэг{index}") for index in range(3)]
    for person in at_beta:
        Enrolment.objects.create(
            person=person, course=courses[0], enrolled_at=_at(2025, 4, 12), completed_at=_at(2025, 4, 25)
        )
    ministry = _signs_in(
        person_with_role(Role.MINISTRY_VIEWER, programme=programme, email="yam@example.mn", preferred_language="mn")
    )
    coordinator = _signs_in(
        person_with_role(
            Role.COORDINATOR,
            programme=programme,
            institution=alpha,
            email="zohitsuulagch@example.mn",
            preferred_language="en",
        )
    )
    rollups.rollup_refresh(programme=programme)
    return SimpleNamespace(
        programme=programme,
        alpha=alpha,
        beta=beta,
        alpha_staff=educators,
        educators=[*educators, *at_beta],
        ministry=ministry,
        coordinator=coordinator,
    )


def _log_in(page: Page, person: Person) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))


def _names(people: list[Person]) -> list[str]:
    """Every way a person could be named or reached on a page or in a file."""
    words = set()
    for person in people:
        words |= {person.given_name, person.given_name_latin, person.email, person.full_name}
    words |= {"Занданхүү", "Zandankhuu"}
    return sorted(word for word in words if word)


def _mn(message: str) -> str:
    with translation.override("mn"):
        return gettext(message)


def test_the_ministry_reads_the_figures_in_mongolian_and_downloads_the_report(page: Page) -> None:
    world = _world()
    nav = page.get_by_role("navigation", name=_mn("Main"))

    _log_in(page, world.ministry)
    nav.get_by_role("link", name=_mn("National figures")).click()
    expect(page).to_have_url(re.compile("/insights/$"))
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page.locator("h1")).to_have_text(_mn("National figures"))
    period_title = page.locator("#period-title")
    with translation.override("mn"):
        whole, march_april = programme_months(world.programme).label(), Period(MARCH, APRIL).label()
    expect(period_title).to_contain_text(whole)

    # The form's months: the period heading and the figures follow.
    form = page.locator("form.insights-period-form")
    form.get_by_label(_mn("From (year-month)")).fill("2025-03")
    form.get_by_label(_mn("To (year-month)")).fill("2025-04")
    form.get_by_role("button", name=_mn("Show")).click()
    expect(page).to_have_url(re.compile(r"from=2025-03&to=2025-04"))
    expect(period_title).to_contain_text(march_april)
    expect(period_title).not_to_contain_text(whole)
    expect(page.locator("[data-figure=registered] .figure-value")).to_have_text("10")
    expect(page.locator("[data-figure=core_completed] .figure-value")).to_have_text("7")
    expect(page.locator("[data-figure=certified] .figure-value")).to_have_text(HIDDEN_TEXT)  # three people
    beta_row = page.locator("table.insights-breakdown tbody tr").filter(has_text="Бета коллеж")
    expect(beta_row.locator("td").first).to_have_text(HIDDEN_TEXT)
    expect(page.get_by_text(_mn("Small numbers are hidden."))).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    main = page.locator("main").inner_text()
    for name in _names(world.educators):
        assert name not in main, name
    assert "/people/" not in page.content() and "/insights/institutions/" not in page.content()
    screenshot(page, "insights-national-mn-desktop")
    assert_accessible(page)

    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    expect(page.locator("[data-figure=registered] .figure-value")).to_have_text("10")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # wide tables scroll in their own box
    screenshot(page, "insights-national-mn-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The report of March–April, asked for on the reports page: the job runs at once in the tests.
    nav.get_by_role("link", name=_mn("Reports"), exact=True).click()
    expect(page.locator("h1")).to_have_text(_mn("National reports"))
    page.get_by_label(_mn("From (year-month)")).fill("2025-03")
    page.get_by_label(_mn("To (year-month)")).fill("2025-04")
    page.get_by_role("button", name=_mn("Prepare the report")).click()
    expect(page).to_have_url(re.compile(r"/jobs/[\w-]+/$"))
    expect(page.locator("main")).to_contain_text(_mn("The job has finished."))
    page.get_by_role("link", name=_mn("Continue")).click()
    expect(page).to_have_url(re.compile("/insights/reports/$"))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=march_april, exact=True))
    with page.expect_download() as download_info:
        row.get_by_role("link", name=_mn("Mongolian (PDF)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-2025-03-2025-04-mn.pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "insights-report-mn.pdf"
    download.save_as(pdf_path)

    reader = PdfReader(pdf_path)
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    for words in (_mn("National report"), _mn("Headline figures"), march_april, world.programme.name_mn):
        assert " ".join(words.split()) in text, words
    assert HIDDEN_TEXT in text
    for name in (*_names(world.educators), world.ministry.email, world.ministry.full_name):
        assert name not in text, name


def test_a_coordinator_exports_their_institutions_tables(page: Page) -> None:
    world = _world()

    _log_in(page, world.coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Figures", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/insights/institutions/{world.alpha.pk}/$"))
    expect(page.locator("h1")).to_have_text("Figures of Alpha University")
    expect(page.locator("[data-figure=registered] .figure-value")).to_have_text("7")
    staff_table = page.locator("table.insights-staff")
    for person in world.alpha_staff:
        expect(staff_table.get_by_text(person.full_name)).to_be_visible()
    screenshot(page, "insights-institution-en-desktop")
    assert_accessible(page)

    # The breakdown (by discipline) as CSV: UTF-8 with a byte-order mark, the header, the rows, the total.
    with page.expect_download() as download_info:
        page.locator("#breakdown").get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0].lower() == str(Dimension.DISCIPLINE.label)
    registered, certified = header.index("New registrations"), header.index("Certified")
    by_label = {row[0]: row for row in rows[1:]}
    assert set(by_label) == {"information and communication technologies", "education", "Total"}
    assert rows[-1][0] == "Total"
    assert (by_label["Total"][registered], by_label["Total"][certified]) == ("7", "3")  # exact for coordinators
    assert by_label["information and communication technologies"][registered] == "4"

    # The staff list as Excel, with names: coordinators may see them.
    with page.expect_download() as download_info:
        page.locator("#staff").get_by_role("link", name="XLSX", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    ARTIFACTS.mkdir(exist_ok=True)
    xlsx_path = ARTIFACTS / "insights-staff.xlsx"
    download.save_as(xlsx_path)
    sheet = load_workbook(xlsx_path, read_only=True).worksheets[0]
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert lines[0] == staff_header()
    assert sorted(line[0] for line in lines[1:]) == sorted(person.full_name for person in world.alpha_staff)
    assert all(name not in str(lines) for name in ("Батцэцэг0", "Батцэцэг1", "Батцэцэг2"))

    # Another institution's id in the address: refused.
    response = page.goto(f"/insights/institutions/{world.beta.pk}/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("You do not have access to this page")
    expect(page.locator("main")).not_to_contain_text("Батцэцэг")
    refused = page.context.request.get(f"/insights/institutions/{world.beta.pk}/staff.xlsx")
    assert refused.status == 403
    screenshot(page, "insights-institution-refused")
