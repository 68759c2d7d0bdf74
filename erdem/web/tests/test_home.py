import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.models import Programme

pytestmark = pytest.mark.django_db

# Session, person, grants, navigation, assignments, then each section's own reads.
MAX_QUERIES = {
    Role.NATIONAL_ADMIN: 10,
    Role.MINISTRY_VIEWER: 10,  # the national overview it shares with the admin, once a minute
    Role.COORDINATOR: 7,
    Role.MASTER_TEACHER: 8,  # with the next workshops they lead and their courses' titles
    Role.TRAINER: 8,  # likewise
    Role.MENTOR: 4,
    Role.EDUCATOR: 8,  # with the latest enrolment, its course's title and first lesson
}


def grant(person: Person, role: str, programme: Programme, **scope: object) -> Person:
    RoleAssignmentFactory(person=person, role=role, programme=programme, **scope)
    return person


def educators(programme: Programme, institution: Institution, count: int, **fields: object) -> list[Person]:
    return [
        grant(PersonFactory(institution=institution, **fields), Role.EDUCATOR, programme) for _number in range(count)
    ]


@pytest.fixture
def programme_data(programme: Programme, capital_institution: Institution, darkhan_institution: Institution) -> None:
    """Five educators in Ulaanbaatar (one invited, not confirmed), three in Darkhan-Uul."""
    educators(programme, capital_institution, 4)
    educators(programme, capital_institution, 1, email_confirmed_at=None, family_name="Урилгатай")
    educators(programme, darkhan_institution, 3)
    grant(PersonFactory(institution=darkhan_institution), Role.TRAINER, programme, region=region("MN-037"))


def figures(html: str) -> list[str]:
    return [part.split("</span>")[0] for part in html.split('<span class="figure">')[1:]]


def region_row(html: str, region_name: str) -> list[str]:
    row = html.split(f"{region_name}</th>")[1].split("</tr>")[0]
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)


def home(client: Client, person: Person) -> str:
    client.force_login(person)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


def test_national_admin_sees_programme_figures_institutions_and_regions(
    client: Client, programme: Programme, programme_data: None, capital_institution: Institution
) -> None:
    admin = grant(
        PersonFactory(institution=capital_institution, preferred_language="en"), Role.NATIONAL_ADMIN, programme
    )

    html = home(client, admin)

    assert "National programme" in html
    assert 'id="institutions"' in html
    assert reverse("people:institution_people", args=[capital_institution.pk]) in html
    # Registered educators (the invited one apart), invited, institutions, regions, recent.
    assert figures(html) == ["7", "1", "2", "2", "7"]
    assert "registered educators" in html
    assert "invited, not registered yet" in html
    assert "registrations in the last 30 days" in html
    assert "Darkhan-Uul" in html
    assert "Zavkhan" in html  # regions not reached yet are listed too


def test_admin_counts_recent_registrations_only(client: Client, programme: Programme, programme_data: None) -> None:
    long_ago = timezone.now() - dt.timedelta(days=90)
    Person.objects.update(date_joined=long_ago, email_confirmed_at=long_ago)
    educators(programme, programme.national_centre, 2)
    # Invited recently, not registered: not a registration.
    educators(programme, programme.national_centre, 1, email_confirmed_at=None)
    admin = grant(PersonFactory(preferred_language="en"), Role.NATIONAL_ADMIN, programme)

    html = home(client, admin)

    recent = html.split("registrations in the last 30 days")[0].rsplit('<span class="figure">', 1)[1]
    assert recent.startswith("2<")


def test_ministry_viewer_sees_aggregates_by_region_and_no_person(
    client: Client, programme: Programme, programme_data: None
) -> None:
    viewer = grant(PersonFactory(institution=None, preferred_language="en"), Role.MINISTRY_VIEWER, programme)

    html = home(client, viewer)

    assert "National figures" in html
    assert "Darkhan-Uul" in html
    names_and_emails = Person.objects.exclude(pk=viewer.pk).values_list("email", "given_name", "family_name")
    for email, given_name, _family_name in names_and_emails:
        assert email not in html
        assert given_name not in html
    assert "Урилгатай" not in html
    assert reverse("people:institution_people", args=[programme.national_centre.pk]) not in html
    assert figures(html)[:2] == ["7", "1"]  # registered educators, invited apart
    assert region_row(html, "Ulaanbaatar") == ["1", "4", "0", "0"]  # the invited educator is not counted


def test_people_by_role_counts_registered_people_only(
    client: Client, programme: Programme, programme_data: None
) -> None:
    admin = grant(PersonFactory(preferred_language="en"), Role.NATIONAL_ADMIN, programme)
    grant(PersonFactory(email_confirmed_at=None), Role.TRAINER, programme, region=region("MN-037"))

    html = home(client, admin)

    table = html.split("People by role")[1].split("</table>")[0]
    assert '<th scope="row">Trainer</th><td class="num">1</td>' in table
    assert '<th scope="row">Educator</th><td class="num">7</td>' in table


def test_regions_count_trainers_and_master_teachers_where_they_are_appointed(
    client: Client, programme: Programme, programme_data: None, capital_institution: Institution
) -> None:
    admin = grant(PersonFactory(institution=None, preferred_language="en"), Role.NATIONAL_ADMIN, programme)
    # Employed in Ulaanbaatar, appointed to Darkhan-Uul and to Zavkhan.
    grant(PersonFactory(institution=capital_institution), Role.TRAINER, programme, region=region("MN-037"))
    grant(PersonFactory(institution=capital_institution), Role.MASTER_TEACHER, programme, region=region("MN-057"))
    # Appointed without a region: counted where their institution is.
    grant(PersonFactory(institution=capital_institution), Role.MASTER_TEACHER, programme)

    html = home(client, admin)

    regions = html.split('id="regions"')[1]
    # institutions, educators, trainers, master teachers
    assert region_row(regions, "Darkhan-Uul") == ["1", "3", "2", "0"]
    assert region_row(regions, "Zavkhan") == ["0", "0", "0", "1"]
    assert region_row(regions, "Ulaanbaatar") == ["1", "4", "0", "1"]


def test_coordinator_sees_own_staff_confirmed_and_invited(
    client: Client, programme: Programme, programme_data: None, capital_institution: Institution,
    darkhan_institution: Institution,
) -> None:  # fmt: skip
    coordinator = PersonFactory(institution=capital_institution, preferred_language="en")
    grant(coordinator, Role.COORDINATOR, programme, institution=capital_institution)
    stranger = darkhan_institution.people.get(role_assignments__role=Role.TRAINER)

    html = home(client, coordinator)

    assert "Your institution" in html
    assert capital_institution.name_en in html
    figures = [part.split("</span>")[0] for part in html.split('<span class="figure">')[1:]]
    assert figures == ["5", "1", "6"]  # registered (confirmed), invited, accounts in all
    assert "Урилгатай" in html  # the most recent staff
    assert stranger.email not in html
    assert reverse("people:institution_people", args=[capital_institution.pk]) in html
    assert reverse("people:institution_invite", args=[capital_institution.pk]) in html


def test_master_teacher_sees_the_reach_of_their_region(
    client: Client, programme: Programme, programme_data: None, darkhan_institution: Institution
) -> None:
    master = PersonFactory(institution=darkhan_institution, preferred_language="en")
    grant(master, Role.MASTER_TEACHER, programme, region=region("MN-037"))

    html = home(client, master)

    assert "Master teacher" in html
    assert "Darkhan-Uul" in html
    assert "Ulaanbaatar" not in html
    assert region_row(html, "Darkhan-Uul") == ["1", "3", "1", "1"]
    assert reverse("people:profile") in html


def test_trainer_without_a_region_sees_the_whole_programme(
    client: Client, programme: Programme, programme_data: None
) -> None:
    trainer = grant(PersonFactory(preferred_language="en"), Role.TRAINER, programme)

    html = home(client, trainer)

    assert "You work across the whole programme." in html
    assert figures(html) == ["7", "2"]  # registered educators, regions reached


def test_a_trainer_sees_the_workshops_they_lead_next(client: Client, programme: Programme) -> None:
    from erdem.catalog.tests.factories import course_build
    from erdem.workshops.models import Workshop
    from erdem.workshops.tests.factories import workshop_build

    trainer = grant(PersonFactory(preferred_language="en"), Role.TRAINER, programme)
    course = course_build(programme=programme, code="ws-home")
    soon = workshop_build(course=course, trainers=[trainer], title_en="Prompting in Darkhan")
    workshop_build(course=course, trainers=[trainer], title_en="Cancelled one", status=Workshop.Status.CANCELLED)
    workshop_build(course=course, title_en="Someone else's")

    html = home(client, trainer)

    assert "Your next workshops" in html
    assert "Prompting in Darkhan" in html and reverse("workshops:roster", args=[soon.pk]) in html
    assert "Cancelled one" not in html and "Someone else's" not in html


def test_mentor_sees_their_scope(client: Client, programme: Programme, capital_institution: Institution) -> None:
    mentor = PersonFactory(institution=capital_institution, preferred_language="en")
    grant(mentor, Role.MENTOR, programme, institution=capital_institution)

    html = home(client, mentor)

    assert f"You mentor educators at {capital_institution.name_en}." in html


def test_educator_sees_institution_missing_profile_fields_and_roles(
    client: Client, programme: Programme, darkhan_institution: Institution
) -> None:
    educator = PersonFactory(
        institution=darkhan_institution, preferred_language="en", discipline="", department="Физикийн тэнхим",
        academic_position="teacher", family_name_latin="", low_bandwidth=True,
    )  # fmt: skip
    grant(educator, Role.EDUCATOR, programme)

    html = home(client, educator)

    assert "Kharaa Institute" in html
    assert "Darkhan-Uul" in html
    still_missing = html.split("Still missing:")[1].split("</ul>")[0]
    assert "your name in Latin letters" in still_missing
    assert "your discipline" in still_missing
    assert "your department" not in still_missing
    # The traditional-script name is optional: offered, not counted as missing.
    assert "traditional Mongolian script" not in still_missing
    assert "If you like, you can also add (optional): your name in traditional Mongolian script" in html
    assert "60% complete" in html
    assert "On: audio-only" in html
    assert "Digital teachers" in html
    assert reverse("people:profile") in html
    roles = html.split("Your roles</h3>")[1].split("</ul>")[0]
    assert "<strong>Educator</strong> · Digital teachers" in roles
    assert "whole programme" not in roles


def test_welcome_uses_the_latin_name_in_english_and_the_cyrillic_name_in_mongolian(
    client: Client, programme: Programme
) -> None:
    person = grant(
        PersonFactory(given_name="Туяа", given_name_latin="Tuya", preferred_language="en"), Role.EDUCATOR, programme
    )

    assert "Welcome, Tuya" in home(client, person)

    person.preferred_language = "mn"
    person.save()
    html = home(client, person)
    assert "Туяа" in html.split("<h1>")[1].split("</h1>")[0]
    assert "Tuya" not in html.split("<h1>")[1].split("</h1>")[0]
    person.given_name_latin = ""
    person.preferred_language = "en"
    person.save()
    assert "Welcome, Туяа" in home(client, person)


def test_sections_follow_the_most_powerful_role_first(
    client: Client, programme: Programme, capital_institution: Institution
) -> None:
    person = PersonFactory(institution=capital_institution, preferred_language="en")
    for role in (Role.EDUCATOR, Role.MENTOR, Role.NATIONAL_ADMIN):
        grant(person, role, programme)

    html = home(client, person)

    positions = [html.index(f'id="role-{role}"') for role in ("national_admin", "mentor", "educator")]
    assert positions == sorted(positions)
    assert 'class="toc"' in html


def test_person_without_a_role_is_told_why_and_pointed_to_the_profile(client: Client) -> None:
    html = home(client, PersonFactory(preferred_language="en"))

    assert "You do not hold a role yet" in html
    assert reverse("people:profile") in html


@pytest.mark.parametrize("role", list(MAX_QUERIES))
def test_each_home_runs_a_bounded_number_of_queries(
    client: Client, programme: Programme, capital_institution: Institution, role: Role, django_assert_max_num_queries
) -> None:
    scope: dict[str, object] = {}
    if role in (Role.COORDINATOR, Role.MENTOR):
        scope["institution"] = capital_institution
    if role in (Role.MASTER_TEACHER, Role.TRAINER):
        scope["region"] = region("MN-1")
    person = grant(PersonFactory(institution=capital_institution), role, programme, **scope)
    client.force_login(person)
    counts = []
    for extra_institutions in (1, 6):
        for _number in range(extra_institutions):
            educators(programme, InstitutionFactory(), 3)
        educators(programme, capital_institution, 4)
        cache.clear()  # measure the figures computed afresh, not the minute-long cached copy
        with django_assert_max_num_queries(MAX_QUERIES[role]) as captured:
            assert client.get(reverse("web:home")).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.MINISTRY_VIEWER])
def test_national_figures_are_recounted_once_a_minute(
    client: Client, programme: Programme, capital_institution: Institution, role: Role, django_assert_max_num_queries
) -> None:
    client.force_login(grant(PersonFactory(preferred_language="en"), role, programme))
    educators(programme, capital_institution, 3)
    first = client.get(reverse("web:home")).content.decode()
    assert "Figures as of" in first

    educators(programme, capital_institution, 2)
    with django_assert_max_num_queries(MAX_QUERIES[role] - 3):
        cached = client.get(reverse("web:home")).content.decode()
    cache.clear()  # as a minute later
    fresh = client.get(reverse("web:home")).content.decode()
    assert ">3<" in cached and ">5<" in fresh


def test_navigation_follows_roles(client: Client, programme: Programme, capital_institution: Institution) -> None:
    coordinator = PersonFactory(institution=capital_institution, preferred_language="en")
    grant(coordinator, Role.COORDINATOR, programme, institution=capital_institution)
    admin = grant(PersonFactory(preferred_language="en"), Role.NATIONAL_ADMIN, programme)
    educator = grant(PersonFactory(preferred_language="en"), Role.EDUCATOR, programme)

    def nav(person: Person) -> str:
        client.force_login(person)
        return client.get(reverse("web:home")).content.decode().split('class="site-nav"')[1].split("</nav>")[0]

    coordinator_nav, admin_nav, educator_nav = nav(coordinator), nav(admin), nav(educator)
    assert reverse("people:institution_invite", args=[capital_institution.pk]) in coordinator_nav
    assert ">Staff<" in coordinator_nav
    assert "#institutions" in admin_nav
    assert "#regions" in admin_nav
    assert "people/" not in admin_nav
    assert "#institutions" not in educator_nav
    assert "institutions/" not in educator_nav
