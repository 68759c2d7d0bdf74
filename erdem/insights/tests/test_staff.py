"""The institution's staff list with names, as its coordinator sees it on the institution dashboard: who is
listed (registered educators of the programme), each person's progress, the search box, the pages, the
links to the files, and a bounded number of queries whatever the number of staff."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.credentials.models import Credential
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.insights import rollups
from erdem.insights.models import Survey, SurveyInvitation, SurveyResponse
from erdem.insights.staff import STAFF_PER_PAGE, institution_staff, staff_context
from erdem.learning.models import Enrolment
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, AttendanceSource, AttendanceStatus
from erdem.workshops.tests.factories import workshop_build

pytestmark = pytest.mark.django_db


def moment(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 4, 0, tzinfo=dt.UTC)


def educator(programme: Programme, institution: Institution, registered: dt.datetime | None, **fields: Any) -> Person:
    person = make_person(institution=institution, email_confirmed_at=registered, **fields)
    RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)
    return person


def staff_world() -> SimpleNamespace:
    """Institution A with three registered educators (Batbold: everything done; Dulmaa: enrolled only;
    Enkh: nothing), one invited educator who has not registered, one member of staff without the
    educator role; institution B with one educator. Two of the three courses are the core courses."""
    programme = ProgrammeFactory()
    inst_a = InstitutionFactory(name_en="Alpha University", code="alpha", region=region("MN-1"))
    inst_b = InstitutionFactory(name_en="Beta College", code="beta", region=region("MN-049"))
    courses = [course_build(programme=programme, code=f"ai-10{n}", modules=1, lessons=1) for n in (1, 2, 3)]
    rollups.programme_insights(programme=programme).core_courses.set(courses[:2])
    batbold = educator(
        programme, inst_a, moment(2025, 3), family_name="Бат", given_name="Болд", discipline="ict", email="bold@a.mn"
    )
    dulmaa = educator(programme, inst_a, moment(2025, 4), family_name="Дорж", given_name="Дулмаа", email="dulmaa@a.mn")
    enkh = educator(programme, inst_a, moment(2025, 4), family_name="Ганбат", given_name="Энх", email="enkh@a.mn")
    invited = educator(programme, inst_a, None, family_name="Уригдсан", given_name="Хүн", email="invited@a.mn")
    no_role = make_person(
        institution=inst_a, family_name="Ажилтан", given_name="Бусад", email_confirmed_at=moment(2025, 1)
    )
    outsider = educator(programme, inst_b, moment(2025, 3), family_name="Гадны", given_name="Хүн", email="out@b.mn")
    for course in courses:
        Enrolment.objects.create(
            person=batbold, course=course, enrolled_at=moment(2025, 3, 12), completed_at=moment(2025, 4, 2)
        )
    Enrolment.objects.create(person=dulmaa, course=courses[2], enrolled_at=moment(2025, 4, 12))
    achievement = achievement_create(programme=programme, code="AI-MC")
    credential = credential_create(achievement=achievement, person=batbold)
    Credential.objects.filter(pk=credential.pk).update(awarded_at=moment(2025, 5, 3))
    revoked = credential_create(achievement=achievement_create(programme=programme, code="AI-MC-2"), person=dulmaa)
    credential_revoke(credential=revoked, actor=None, reason="Issued by mistake.")
    workshop = workshop_build(course=courses[0], starts_at=moment(2025, 3, 20))
    for person, status in ((batbold, AttendanceStatus.PRESENT), (dulmaa, AttendanceStatus.ABSENT)):
        Attendance.objects.create(
            workshop=workshop,
            person=person,
            status=status,
            source=AttendanceSource.ROSTER,
            marked_at=moment(2025, 3, 20),
        )
    survey = Survey.objects.create(programme=programme, title_mn="Дараах судалгаа", title_en="Follow-up")
    invitation = SurveyInvitation.objects.create(
        survey=survey, person=batbold, certified_at=moment(2025, 5, 3), due_at=moment(2025, 11, 3)
    )
    SurveyResponse.objects.create(invitation=invitation, submitted_at=moment(2025, 11, 9), language_code="mn")
    return SimpleNamespace(
        programme=programme,
        inst_a=inst_a,
        inst_b=inst_b,
        courses=courses,
        batbold=batbold,
        dulmaa=dulmaa,
        enkh=enkh,
        invited=invited,
        no_role=no_role,
        outsider=outsider,
        coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=inst_a),
        other_coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=inst_b),
        admin=person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        ministry=person_with_role(Role.MINISTRY_VIEWER, programme=programme),
        trainer=person_with_role(Role.TRAINER, programme=programme, institution=inst_a),
    )


@pytest.fixture
def world() -> SimpleNamespace:
    return staff_world()


def render_staff(world: SimpleNamespace, **params: str) -> tuple[dict[str, Any], str]:
    request = RequestFactory().get(f"/insights/institutions/{world.inst_a.pk}/", params)
    request.user = world.coordinator
    context = staff_context(request=request, programme=world.programme, institution=world.inst_a)
    return context, render_to_string("insights/_staff_table.html", context, request=request)


def test_only_the_institutions_registered_educators_are_listed_with_their_progress(world: SimpleNamespace) -> None:
    people: dict[int, Any] = {
        person.pk: person for person in institution_staff(programme=world.programme, institution=world.inst_a)
    }

    assert set(people) == {world.batbold.pk, world.dulmaa.pk, world.enkh.pk}
    bold, dulmaa, enkh = people[world.batbold.pk], people[world.dulmaa.pk], people[world.enkh.pk]
    assert (bold.enrolled, bold.completed, bold.core_completed, bold.attended) == (3, 3, 2, 1)
    assert timezone.localtime(bold.certified_at).date() == dt.date(2025, 5, 3)
    assert timezone.localtime(bold.answered_at).date() == dt.date(2025, 11, 9)
    # Absent at the workshop, a revoked credential, an unfinished course: none of them count.
    assert (dulmaa.enrolled, dulmaa.completed, dulmaa.core_completed, dulmaa.attended) == (1, 0, 0, 0)
    assert dulmaa.certified_at is None and dulmaa.answered_at is None
    assert (enkh.enrolled, enkh.completed, enkh.attended) == (0, 0, 0)


def test_the_table_shows_names_figures_the_invited_and_the_file_links(world: SimpleNamespace) -> None:
    context, html = render_staff(world)

    for name in ("Бат Болд", "Дорж Дулмаа", "Ганбат Энх", "bold@a.mn", "2025-05-03", "2025-11-09"):
        assert name in html
    for absent in ("Уригдсан", "Ажилтан", "Гадны"):
        assert absent not in html
    assert "1 more person was invited but has not registered yet" in html
    assert "3 registered educators." in html
    assert "Core courses completed (of 2)" in html
    assert f'href="/insights/institutions/{world.inst_a.pk}/staff.csv"' in html
    assert f'href="/insights/institutions/{world.inst_a.pk}/staff.xlsx"' in html
    assert 'class="table-wrap"' in html and 'type="search"' in html
    assert context["staff_page"].paginator.count == 3


def test_the_search_box_narrows_the_list_and_the_files_and_keeps_the_other_parameters(
    world: SimpleNamespace,
) -> None:
    context, html = render_staff(world, q="Дулмаа", period="year", by="gender")

    assert [person.pk for person in context["staff_page"]] == [world.dulmaa.pk]
    assert "Бат Болд" not in html and "1 person matches." in html
    assert context["staff_csv_url"].endswith("staff.csv?q=%D0%94%D1%83%D0%BB%D0%BC%D0%B0%D0%B0")
    assert '<input type="hidden" name="period" value="year">' in html
    assert '<input type="hidden" name="by" value="gender">' in html
    assert "Show everyone" in html

    by_email, _html = render_staff(world, q="BOLD@A")
    assert [person.pk for person in by_email["staff_page"]] == [world.batbold.pk]
    _context, html = render_staff(world, q="nobody-here")
    assert "Nobody registered at this institution matches the search." in html


def test_fifty_a_page_and_a_bounded_number_of_queries(
    world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"staff{n}@a.mn",
                family_name="Ё",
                given_name=f"Ажилтан {n:03}",
                institution=world.inst_a,
                email_confirmed_at=moment(2025, 6),
            )
            for n in range(120)
        ]
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(person=person, role=Role.EDUCATOR, programme=world.programme) for person in people]
    )

    with django_assert_max_num_queries(6):
        context, html = render_staff(world, page="3")

    page = context["staff_page"]
    assert page.paginator.count == 123 and len(page.object_list) == 123 - 2 * STAFF_PER_PAGE
    assert "Page 3 of 3" in html


def test_an_institution_without_registered_staff_says_so(world: SimpleNamespace) -> None:
    request = RequestFactory().get("/")
    request.user = world.admin
    empty = InstitutionFactory()
    context = staff_context(request=request, programme=world.programme, institution=empty)
    html = render_to_string("insights/_staff_table.html", context, request=request)

    assert "Nobody at this institution has registered as an educator of the programme yet." in html
    assert "invited" not in html
