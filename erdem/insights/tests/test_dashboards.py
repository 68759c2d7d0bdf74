"""The national dashboard, the rankings, the settings and the institution dashboard, as their readers see
them: exact figures with names for national admins and coordinators, small cells hidden and no names for
the ministry, definitions beside every figure, both languages, and a bounded number of queries."""

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build
from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.insights import rollups
from erdem.insights.models import ProgrammeInsights
from erdem.jobs.models import Job
from erdem.learning.models import Enrolment
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

MARCH_APRIL = "from=2025-03&to=2025-04"
MARCH_APRIL_HTML = "from=2025-03&amp;to=2025-04"  # as written in a link
EMPTY_PERIOD = "from=2030-01&to=2030-02"


def moment(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


def educator(programme: Programme, institution: Institution, registered: dt.datetime, **fields: Any) -> Person:
    person = make_person(institution=institution, email_confirmed_at=registered, **fields)
    RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)
    return person


@pytest.fixture
def programme() -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def inst_a() -> Institution:
    return cast(
        Institution, InstitutionFactory(name_en="Alpha University", name_mn="Альфа их сургууль", region=region("MN-1"))
    )


@pytest.fixture
def inst_b() -> Institution:
    return cast(Institution, InstitutionFactory(name_en="Beta College", name_mn="Бета коллеж", region=region("MN-049")))


@pytest.fixture
def courses(programme: Programme) -> list[Course]:
    made = [course_build(programme=programme, code=f"ai-10{n}", modules=1, lessons=1) for n in (1, 2, 3)]
    rollups.programme_insights(programme=programme).core_courses.set(made)
    return made


def grow(programme: Programme, inst_a: Institution, inst_b: Institution, courses: list[Course], *, scale: int) -> None:
    """`7 * scale` educators at A (registered March 2025, all three courses completed in April, certified in
    May) and 3 at B (registered April 2025, one course completed); then the rollup."""
    achievement = achievement_create(programme=programme, code=f"AI-MC-{scale}")
    for index in range(7 * scale):
        person = educator(programme, inst_a, moment(2025, 3), given_name=f"Алтанцэцэг{index}", gender="female")
        for course in courses:
            Enrolment.objects.create(
                person=person, course=course, enrolled_at=moment(2025, 3, 15), completed_at=moment(2025, 4, 20)
            )
        credential = credential_create(achievement=achievement, person=person)
        Credential.objects.filter(pk=credential.pk).update(awarded_at=moment(2025, 5, 2))
    for index in range(3):
        person = educator(programme, inst_b, moment(2025, 4), given_name=f"Батцэцэг{index}-{scale}")
        Enrolment.objects.create(
            person=person, course=courses[0], enrolled_at=moment(2025, 4, 12), completed_at=moment(2025, 4, 25)
        )
    rollups.rollup_refresh(programme=programme)


@pytest.fixture
def world(programme: Programme, inst_a: Institution, inst_b: Institution, courses: list[Course]) -> Programme:
    grow(programme, inst_a, inst_b, courses, scale=1)
    return programme


@pytest.fixture
def admin(programme: Programme) -> Person:
    return person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")


@pytest.fixture
def ministry(programme: Programme) -> Person:
    return person_with_role(Role.MINISTRY_VIEWER, programme=programme, preferred_language="en")


@pytest.fixture
def coordinator(programme: Programme, inst_a: Institution) -> Person:
    return person_with_role(
        Role.COORDINATOR, programme=programme, institution=inst_a, given_name="Координатор", preferred_language="en"
    )


def page(client: Client, person: Person, url: str) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def figure(html: str, key: str, cls: str = "figure-value") -> str:
    block = re.search(rf'data-figure="{key}".*?</li>', html, re.S)
    assert block is not None, key
    value = re.search(rf'class="[^"]*\b{cls}\b[^"]*">([^<]*)<', block.group(0))
    assert value is not None, (key, cls)
    return value.group(1).strip()


# --- the national dashboard ----------------------------------------------------------------------------------


def test_the_national_admin_sees_exact_figures_with_definitions_and_links(client, world, admin, inst_a):
    html = page(client, admin, f"/insights/?{MARCH_APRIL}")
    assert figure(html, "registered") == "10"
    assert figure(html, "registered", "figure-to-date") == "10"
    assert figure(html, "core_completed") == "7"
    assert figure(html, "completed") == "24"
    assert figure(html, "institutions") == "2"
    # Each figure has its definition beside it, readable without JavaScript.
    assert "counted in the month they confirmed it" in html
    assert "The drop is the share of the previous stage" in html
    # The breakdown by institution links to the institution's page, and can be downloaded.
    assert reverse("insights:institution", args=[inst_a.pk]) in html
    assert f"{reverse('insights:table_export', kwargs={'fmt': 'csv'})}?{MARCH_APRIL_HTML}&amp;by=institution" in html
    assert reverse("insights:table_export", kwargs={"fmt": "xlsx"}) in html
    # The charts are inline, accessible SVG beside their tables; the refresh button is there.
    assert html.count('role="img"') == 3  # the funnel, registrations and core completions (no certificate yet)
    assert "Figures computed at" in html
    assert reverse("insights:refresh") in html
    assert "<5" not in html.replace("&lt;5", "<5")


def test_the_previous_period_is_compared(client, world, admin):
    html = page(client, admin, "/insights/?from=2025-05&to=2025-06")
    # March–April before: 10 registrations then, none now.
    assert figure(html, "registered") == "0"
    assert "−10 on the previous period (10)" in html
    assert figure(html, "certified") == "7"
    assert figure(html, "certified", "figure-to-date") == "7"


def test_the_ministry_sees_small_cells_hidden_and_no_names(client, world, ministry, inst_a):
    html = page(client, ministry, f"/insights/?{MARCH_APRIL}&by=institution")
    assert "&lt;5" in html  # Beta College's three people
    assert "Counts of fewer than 5 people" in html
    assert figure(html, "registered") == "10"
    assert "Beta College" in html  # an institution is not a person
    for person in Person.objects.filter(role_assignments__role=Role.EDUCATOR):
        assert person.given_name not in html
        assert person.email not in html
    assert reverse("insights:institution", args=[inst_a.pk]) not in html
    assert "/people/" not in html
    assert reverse("insights:refresh") not in html
    assert reverse("insights:settings") not in html


def test_every_breakdown_renders(client, world, admin, ministry):
    for person in (admin, ministry):
        for by in ("institution", "region", "discipline", "gender", "language", "course", "month"):
            html = page(client, person, f"/insights/?{MARCH_APRIL}&by={by}")
            assert f'href="?{MARCH_APRIL_HTML}&amp;by={by}#breakdown" aria-current="true"' in html


def test_a_period_with_no_data_renders_cleanly(client, world, admin):
    html = page(client, admin, f"/insights/?{EMPTY_PERIOD}")
    assert figure(html, "registered") == "0"
    assert "No data in this period." in html


def test_an_unreadable_period_says_what_was_wrong(client, world, admin):
    html = page(client, admin, "/insights/?from=March&to=2025-04")
    assert "Months are written as year-month, for example 2025-03." in html
    html = page(client, admin, "/insights/?from=2025-05&to=2025-03")
    assert "The period ends before it starts." in html
    html = page(client, admin, "/insights/?period=decade")
    assert "Unknown period; the whole programme is shown." in html
    assert figure(html, "registered") == "10"  # the whole programme


def test_the_dashboard_speaks_mongolian(client, world, ministry):
    ministry.preferred_language = "mn"
    ministry.save(update_fields=["preferred_language"])
    html = page(client, ministry, f"/insights/?{MARCH_APRIL}")
    assert '<html lang="mn">' in html
    assert "Гарах" in html  # "Log out"
    assert "2025.03" in html  # the period, as Mongolian dates are written
    assert figure(html, "registered") == "10"


def test_the_language_cookie_chooses_the_language(client, world, admin):
    admin.preferred_language = ""
    admin.save(update_fields=["preferred_language"])
    client.cookies["erdem_language"] = "en"
    html = page(client, admin, f"/insights/?{MARCH_APRIL}")
    assert '<html lang="en">' in html
    assert "March 2025" in html


def test_a_stale_rollup_is_refreshed_on_the_first_visit(
    client, programme, inst_a, inst_b, courses, admin, django_capture_on_commit_callbacks
):
    educator(programme, inst_a, moment(2025, 3))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/insights/?{MARCH_APRIL}")
    assert Job.objects.filter(kind=Job.Kind.INSIGHTS_REFRESH).count() == 1
    html = page(client, admin, f"/insights/?{MARCH_APRIL}")
    assert figure(html, "registered") == "1"


@pytest.mark.parametrize("role", [Role.EDUCATOR, Role.COORDINATOR, Role.TRAINER, Role.MASTER_TEACHER])
def test_other_roles_may_not_open_the_national_pages(client, world, role):
    person = person_with_role(role, programme=world)
    client.force_login(person)
    for name in ("insights:dashboard", "insights:rankings", "insights:settings"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_readers_are_asked_to_log_in(client, world, inst_a):
    for url in (
        reverse("insights:dashboard"),
        reverse("insights:rankings"),
        reverse("insights:settings"),
        reverse("insights:institution", args=[inst_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('people:login')}?next=")


def queries_of(client: Client, person: Person, url: str, django_assert_max_num_queries: Any, bound: int) -> None:
    client.force_login(person)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


DASHBOARD_QUERIES = 28  # the figures read the rollup: a fixed number of queries
RANKINGS_QUERIES = 14
INSTITUTION_QUERIES = 40  # with the staff table below the figures


def test_the_dashboard_makes_as_many_queries_for_a_larger_programme(
    client, programme, inst_a, inst_b, courses, admin, ministry, coordinator, django_assert_max_num_queries
):
    def measure() -> None:
        for person in (admin, ministry):
            queries_of(client, person, f"/insights/?{MARCH_APRIL}", django_assert_max_num_queries, DASHBOARD_QUERIES)
            queries_of(
                client, person, f"/insights/rankings/?{MARCH_APRIL}", django_assert_max_num_queries, RANKINGS_QUERIES
            )
        institution = f"/insights/institutions/{inst_a.pk}/?{MARCH_APRIL}"
        queries_of(client, coordinator, institution, django_assert_max_num_queries, INSTITUTION_QUERIES)

    grow(programme, inst_a, inst_b, courses, scale=1)
    measure()
    for index in range(6):
        InstitutionFactory(name_en=f"Gamma {index}")
    grow(programme, inst_a, inst_b, courses, scale=4)
    for extra in Institution.objects.filter(name_en__startswith="Gamma"):
        educator(programme, extra, moment(2025, 3))
    rollups.rollup_refresh(programme=programme)
    measure()


# --- rankings ---------------------------------------------------------------------------------------------------


def rank_rows(html: str, title: str) -> list[tuple[str, str, str]]:
    """(rank, name, count) of the ranking table under the heading `title`."""
    section = html[html.index(title) :]
    table = section[section.index("<tbody>") : section.index("</tbody>")]
    rows = re.findall(
        r'<tr>\s*<td class="num">([^<]*)</td>\s*<th scope="row">(?:<a [^>]*>)?([^<]*)(?:</a>)?</th>\s*'
        r'<td class="num">([^<]*)</td>',
        table,
    )
    return [(rank.strip(), name.strip(), count.strip()) for rank, name, count in rows]


def test_equal_counts_share_a_rank(client, programme, inst_a, inst_b, admin):
    inst_c = InstitutionFactory(name_en="Gamma Institute")
    for institution, count in ((inst_a, 6), (inst_b, 6), (inst_c, 2)):
        for _index in range(count):
            educator(programme, institution, moment(2025, 3))
    rollups.rollup_refresh(programme=programme)
    html = page(client, admin, f"/insights/rankings/?{MARCH_APRIL}")
    rows = rank_rows(html, "Institutions by new registrations")
    assert rows == [("1", "Alpha University", "6"), ("1", "Beta College", "6"), ("3", "Gamma Institute", "2")]
    assert reverse("insights:ranking_export", kwargs={"fmt": "csv"}) in html


def test_the_ministry_sees_hidden_counts_last_without_a_rank(client, programme, inst_a, inst_b, ministry):
    inst_c = InstitutionFactory(name_en="Gamma Institute")
    for institution, count in ((inst_a, 8), (inst_b, 2), (inst_c, 6)):
        for _index in range(count):
            educator(programme, institution, moment(2025, 3))
    rollups.rollup_refresh(programme=programme)
    html = page(client, ministry, f"/insights/rankings/?{MARCH_APRIL}")
    rows = rank_rows(html, "Institutions by new registrations")
    # Beta's two are hidden, and Gamma's six with them, or the total would give Beta's back.
    assert rows == [
        ("1", "Alpha University", "8"),
        ("—", "Beta College", "&lt;5"),
        ("—", "Gamma Institute", "hidden"),
    ]
    assert reverse("insights:institution", args=[inst_a.pk]) not in html


def test_rankings_by_another_measure(client, world, admin):
    html = page(client, admin, f"/insights/rankings/?{MARCH_APRIL}&measure=completed")
    rows = rank_rows(html, "Institutions by course completions")
    assert rows[0] == ("1", "Alpha University", "21")
    assert ("2", "Beta College", "3") in rows
    html = page(client, admin, f"/insights/rankings/?{EMPTY_PERIOD}&measure=nonsense")
    assert "No data in this period." in html


# --- settings and refresh ---------------------------------------------------------------------------------------


def test_the_admin_chooses_the_core_courses(client, world, admin, courses, django_capture_on_commit_callbacks):
    client.force_login(admin)
    html = client.get(reverse("insights:settings")).content.decode()
    assert html.count('name="core_courses"') == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:settings"), {"core_courses": [courses[0].pk]})
    assert response.status_code == 302
    assert list(ProgrammeInsights.objects.get(programme=world).core_courses.all()) == [courses[0]]
    assert Job.objects.filter(kind=Job.Kind.INSIGHTS_REFRESH).exists()
    # The refreshed figures count the one core course: A's seven and B's three.
    html = page(client, admin, f"/insights/?{MARCH_APRIL}")
    assert figure(html, "core_completed") == "10"
    assert "Completed all 1 core courses" in html


def test_a_course_of_another_programme_is_refused(client, world, admin):
    other = course_build(programme=ProgrammeFactory(), code="other", modules=1, lessons=1)
    client.force_login(admin)
    response = client.post(reverse("insights:settings"), {"core_courses": [other.pk]})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_the_ministry_may_not_change_settings_or_refresh(client, world, ministry):
    client.force_login(ministry)
    assert client.post(reverse("insights:settings"), {}).status_code == 403
    assert client.post(reverse("insights:refresh")).status_code == 403


def test_refresh_now_queues_a_job_once(client, world, admin):
    client.force_login(admin)
    assert client.get(reverse("insights:refresh")).status_code == 405
    response = client.post(reverse("insights:refresh"))
    job = Job.objects.get(kind=Job.Kind.INSIGHTS_REFRESH)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    response = client.post(reverse("insights:refresh"), follow=True)
    assert "The figures are already being computed" in response.content.decode()
    assert Job.objects.filter(kind=Job.Kind.INSIGHTS_REFRESH).count() == 1


# --- the institution dashboard -----------------------------------------------------------------------------------


def test_the_coordinator_sees_their_institution(client, world, coordinator, inst_a, inst_b):
    html = page(client, coordinator, f"/insights/institutions/{inst_a.pk}/?{MARCH_APRIL}")
    assert "Alpha University" in html
    assert figure(html, "registered") == "7"  # exact, A only
    assert 'data-figure="institutions"' not in html  # one institution does not count institutions
    html = page(client, coordinator, f"/insights/institutions/{inst_a.pk}/?{MARCH_APRIL}&by=gender")
    assert "&lt;5" not in html
    client.force_login(coordinator)
    assert client.get(f"/insights/institutions/{inst_b.pk}/").status_code == 403
    assert client.get("/insights/institutions/999999/").status_code == 404


def test_the_national_admin_opens_any_institution_and_others_may_not(client, world, admin, ministry, inst_b):
    html = page(client, admin, f"/insights/institutions/{inst_b.pk}/?{MARCH_APRIL}")
    assert figure(html, "registered") == "3"
    for person in (ministry, person_with_role(Role.EDUCATOR, programme=world, institution=inst_b)):
        client.force_login(person)
        assert client.get(f"/insights/institutions/{inst_b.pk}/").status_code == 403


def test_the_institution_page_with_no_data(client, world, coordinator, inst_a):
    html = page(client, coordinator, f"/insights/institutions/{inst_a.pk}/?{EMPTY_PERIOD}")
    assert figure(html, "registered") == "0"
    assert "No data in this period." in html


# --- navigation ---------------------------------------------------------------------------------------------------


def test_the_menu_leads_each_role_to_its_figures(client, world, admin, ministry, coordinator, inst_a):
    home = reverse("web:home")
    assert f'href="{reverse("insights:dashboard")}"' in page(client, admin, home)
    assert f'href="{reverse("insights:surveys")}"' in page(client, admin, home)
    html = page(client, ministry, home)
    assert f'href="{reverse("insights:dashboard")}"' in html and f'href="{reverse("insights:reports")}"' in html
    html = page(client, coordinator, home)
    assert f'href="{reverse("insights:institution", args=[inst_a.pk])}"' in html
    assert f'href="{reverse("insights:dashboard")}"' not in html
    trainer = person_with_role(Role.TRAINER, programme=world)
    assert f'href="{reverse("insights:trainer")}"' in page(client, trainer, home)


# --- the charts -----------------------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Бат <script>alert("x")</script> & Сүх'


def parsed(svg: str) -> Any:
    from defusedxml.ElementTree import fromstring

    root = fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 ")
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert set(root.get("aria-labelledby", "").split()) <= ids
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    return root


def test_the_charts_are_accessible_escaped_and_light():
    from erdem.insights import charts
    from erdem.insights.selectors import Cell, FunnelStage, RankRow, TrendPoint

    months = [dt.date(2024 + (3 + n) // 12, (3 + n) % 12 + 1, 1) for n in range(24)]
    points = [TrendPoint(month, {"registered": Cell(n * 37)}) for n, month in enumerate(months)]
    hidden = [TrendPoint(month, {"registered": Cell(3, hidden=True)}) for month in months]
    trend = charts.trend_svg(points, measure="registered", title=NASTY, label_id="t", previous=hidden)
    root = parsed(trend)
    assert NASTY not in trend and "&lt;script&gt;" in trend
    assert len(root.findall(f".//{SVG}rect")) >= 24
    assert "(previous period: &lt;5)" in trend  # a hidden count is named, never drawn
    assert len(trend.encode()) < 12_000
    stages = [
        FunnelStage("Registered", Cell(100), Cell(None, is_share=True)),
        FunnelStage(NASTY, Cell(3, hidden=True), Cell(0.03, hidden=True, is_share=True)),
    ]
    funnel = charts.funnel_svg(stages)
    parsed(funnel)
    assert "<script>" not in funnel
    rows = [RankRow(1, 1, NASTY, Cell(20), Cell(4), 1), RankRow(None, 2, "Beta", Cell(2, hidden=True), Cell(0), None)]
    ranking = charts.ranking_svg(rows, title="Institutions")
    parsed(ranking)
    assert "not ranked" in ranking and "<script>" not in ranking
    empty = charts.trend_svg([], measure="registered", title="Nothing", label_id="e")
    parsed(empty)
    assert "No data in this period." in empty
