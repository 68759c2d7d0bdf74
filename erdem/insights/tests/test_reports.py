"""The national report: both PDFs drawn from the rollup with small cells hidden and nobody named, a
period without data, asking for one on the page (the job runs at once in tests), who may download it,
and the scheduled command making one report per period.

`report_world()`: one programme with a national admin, a ministry viewer and a coordinator; six
educators registered in March 2025 at a university in Ulaanbaatar and two at one in an aimag (a small
cell), one of them with a name the report must never print.
"""

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.core.privacy import HIDDEN_TEXT
from erdem.insights import rollups
from erdem.insights.measures import DEFINITIONS, SUPPRESSION_NOTE, Measure
from erdem.insights.models import Report
from erdem.insights.periods import Period
from erdem.insights.reports import previous_quarter, report_build, report_request
from erdem.jobs.models import Job
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

MAX_REPORT_BYTES = 300 * 1024


def at(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


def report_world() -> SimpleNamespace:
    programme = ProgrammeFactory(starts_on=dt.date(2024, 9, 1))
    capital = InstitutionFactory(region=region("MN-1"), name_mn="Нийслэлийн их сургууль", name_en="Capital University")
    aimag = InstitutionFactory(region=region("MN-046"), name_mn="Увсын их сургууль", name_en="Uvs University")
    people = {
        role: person_with_role(role, programme=programme, preferred_language="en")
        for role in (Role.NATIONAL_ADMIN, Role.MINISTRY_VIEWER, Role.COORDINATOR)
    }
    named = make_person(
        institution=capital,
        given_name="Оюунчимэг",
        family_name="Занданхүү",
        given_name_latin="Oyunchimeg",
        family_name_latin="Zandankhuu",
        email_confirmed_at=at(2025, 3, 3),
    )
    educators = [named]
    educators += [make_person(institution=capital, email_confirmed_at=at(2025, 3, day)) for day in range(4, 9)]
    educators += [make_person(institution=aimag, email_confirmed_at=at(2025, 3, day)) for day in (11, 12)]
    for person in educators:
        RoleAssignmentFactory(person=person, role=Role.EDUCATOR, programme=programme)
    rollups.rollup_refresh(programme=programme)
    return SimpleNamespace(
        programme=programme,
        capital=capital,
        aimag=aimag,
        named=named,
        admin=people[Role.NATIONAL_ADMIN],
        viewer=people[Role.MINISTRY_VIEWER],
        coordinator=people[Role.COORDINATOR],
    )


def _client(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _text(content: bytes) -> str:
    """The PDF's text with every run of white space made one space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _built(world: SimpleNamespace, first: dt.date, last: dt.date) -> Report:
    report = Report.objects.create(programme=world.programme, first_month=first, last_month=last)
    report_build(report_id=report.pk, job=None)
    report.refresh_from_db()
    return report


def _in(text: str, words: Any) -> bool:
    return " ".join(str(words).split()) in text


# --- the PDFs -----------------------------------------------------------------------------------


def test_the_report_is_drawn_in_both_languages_with_small_cells_hidden_and_nobody_named():
    world = report_world()
    report = _built(world, dt.date(2025, 3, 1), dt.date(2025, 5, 1))

    assert report.status == Report.Status.READY and report.finished_at is not None
    assert report.file_mn.name.startswith("insights/reports/") and report.file_en.name.endswith("-en.pdf")
    for language, stored in (("mn", report.file_mn), ("en", report.file_en)):
        with stored.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-") and len(content) < MAX_REPORT_BYTES
        text = _text(content)
        with translation.override(language):
            expected = [
                Period(dt.date(2025, 3, 1), dt.date(2025, 5, 1)).label(),
                world.programme.name_mn if language == "mn" else world.programme.name_en,
                world.capital.name_mn if language == "mn" else world.capital.name_en,
                gettext("National report"),
                gettext("Headline figures"),
                gettext("New registrations"),
                gettext("Certified"),
                gettext("Definitions"),
                str(DEFINITIONS[Measure.REGISTERED]),
                str(DEFINITIONS[Measure.INTEGRATING]),
                str(SUPPRESSION_NOTE),
            ]
        for words in expected:
            assert _in(text, words), (language, words)
        # Eight registrations: six at the capital's university are shown, the aimag's two are hidden.
        assert HIDDEN_TEXT in text
        for name in ("Оюунчимэг", "Занданхүү", "Oyunchimeg", "Zandankhuu", world.admin.family_name):
            assert name not in text, (language, name)
        for person in (world.admin, world.viewer, world.coordinator):
            assert person.email not in text
    mn_text = _text(report.file_mn.open("rb").read())
    assert "Нийслэлийн их сургууль" in mn_text and "Capital University" not in mn_text


def test_a_period_without_data_still_makes_a_report():
    world = report_world()
    report = _built(world, dt.date(2030, 1, 1), dt.date(2030, 3, 1))

    assert report.status == Report.Status.READY
    text = _text(report.file_en.open("rb").read())
    assert _in(text, gettext("Headline figures")) and _in(text, gettext("Definitions"))


def test_building_a_ready_report_again_keeps_its_files():
    world = report_world()
    report = _built(world, dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    names = (report.file_mn.name, report.file_en.name)

    report_build(report_id=report.pk, job=None)
    report.refresh_from_db()
    assert (report.file_mn.name, report.file_en.name) == names


# --- asking for a report --------------------------------------------------------------------------


def test_asking_on_the_page_runs_the_job_and_lists_the_report(django_capture_on_commit_callbacks: Any):
    world = report_world()
    client = _client(world.viewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:reports"), {"first": "2025-03", "last": "2025-05"})

    report = Report.objects.get(programme=world.programme)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[report.job_id])
    assert report.status == Report.Status.READY and report.created_by == world.viewer and not report.scheduled
    job = Job.objects.get(pk=report.job_id)
    assert job.kind == Job.Kind.NATIONAL_REPORT and job.status == Job.Status.SUCCEEDED
    assert job.result["next_url"] == reverse("insights:reports")
    job_page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("insights:report_download", args=[report.pk, "en"]) in job_page

    page = client.get(reverse("insights:reports")).content.decode()
    assert reverse("insights:report_download", args=[report.pk, "mn"]) in page
    assert reverse("insights:report_download", args=[report.pk, "en"]) in page


def test_a_preset_asks_for_the_last_quarter(django_capture_on_commit_callbacks: Any):
    world = report_world()
    with django_capture_on_commit_callbacks(execute=True):
        _client(world.admin).post(reverse("insights:reports"), {"preset": "last_quarter"})

    report = Report.objects.get(programme=world.programme)
    quarter = previous_quarter(timezone.localdate())
    assert (report.first_month, report.last_month) == (quarter.first, quarter.last)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first": "2025-13", "last": "2025-05"}, "Months are written as year-month, for example 2025-03."),
        ({"first": "2025-05", "last": "2025-03"}, "The period ends before it starts."),
        ({"first": "", "last": ""}, "Give a month, for example 2025-03."),
        ({"first": "2099-01", "last": "2099-02"}, "The period has not started yet."),
        ({"preset": "decade"}, "Choose one of the periods offered."),
    ],
)
def test_a_period_that_cannot_be_read_is_refused_on_the_form(data: dict[str, str], message: str):
    world = report_world()
    response = _client(world.viewer).post(reverse("insights:reports"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_the_same_period_being_prepared_is_not_asked_for_twice():
    world = report_world()
    first = report_request(
        programme=world.programme, first_month=dt.date(2025, 3, 1), last_month=dt.date(2025, 5, 1), actor=world.admin
    )
    again = report_request(
        programme=world.programme, first_month=dt.date(2025, 3, 1), last_month=dt.date(2025, 5, 31), actor=world.viewer
    )

    assert again == first and Report.objects.count() == 1 and Job.objects.count() == 1


def test_the_ministry_does_not_see_who_asked_national_admins_do():
    world = report_world()
    report_request(
        programme=world.programme, first_month=dt.date(2025, 3, 1), last_month=dt.date(2025, 3, 1), actor=world.admin
    )

    assert world.admin.full_name not in _client(world.viewer).get(reverse("insights:reports")).content.decode()
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=world.programme, preferred_language="en")
    assert world.admin.full_name in _client(other_admin).get(reverse("insights:reports")).content.decode()


# --- downloading -----------------------------------------------------------------------------------


def test_who_may_download_a_report():
    world = report_world()
    report = _built(world, dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    url = reverse("insights:report_download", args=[report.pk, "mn"])

    response = _client(world.viewer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert _client(world.admin).get(url).status_code == 200
    assert _client(world.coordinator).get(url).status_code == 403
    anonymous = _client(None).get(url)
    assert anonymous.status_code == 302 and reverse("people:login") in anonymous["Location"]
    assert _client(world.viewer).get(reverse("insights:report_download", args=[report.pk, "de"])).status_code == 404


def test_a_report_not_ready_is_not_downloaded():
    world = report_world()
    report = Report.objects.create(
        programme=world.programme, first_month=dt.date(2025, 3, 1), last_month=dt.date(2025, 3, 1)
    )

    response = _client(world.viewer).get(reverse("insights:report_download", args=[report.pk, "en"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("insights:reports")
    assert "That report is not ready" in response.content.decode()


# --- on schedule -----------------------------------------------------------------------------------


def test_the_command_makes_one_scheduled_report_per_period(django_capture_on_commit_callbacks: Any):
    world = report_world()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("national_report", "--from", "2025-03", "--to", "2025-05", stdout=io.StringIO())
        with django_capture_on_commit_callbacks(execute=True):
            call_command("national_report", stdout=io.StringIO())

    reports = Report.objects.filter(programme=world.programme)
    quarter = previous_quarter(timezone.localdate())
    assert sorted((r.first_month, r.last_month) for r in reports) == sorted(
        [(dt.date(2025, 3, 1), dt.date(2025, 5, 1)), (quarter.first, quarter.last)]
    )
    assert all(r.scheduled and r.status == Report.Status.READY and r.created_by is None for r in reports)
