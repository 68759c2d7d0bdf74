"""The trainer's dashboard: the cohorts the signed-in person trains, their figures and their members by name;
nobody else's cohorts; a page that says so when there is none; a bounded number of queries."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import first_lesson
from erdem.insights.staff import MEMBERS_SHOWN
from erdem.insights.tests.test_staff import moment, staff_world
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.learning.services import cohort_enrol
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.workshops.models import Attendance, AttendanceSource, AttendanceStatus
from erdem.workshops.tests.factories import workshop_build

pytestmark = pytest.mark.django_db


def trainer_world() -> SimpleNamespace:
    """The trainer trains "Alpha spring" (course 1: Batbold completed it, rated it 5 and attended its
    workshop; Dulmaa did a lesson; Enkh nothing) and "Alpha autumn" (empty); someone
    else trains "Beta" with the outsider in it."""
    world = staff_world()
    course = world.courses[0]
    spring = Cohort.objects.create(
        programme=world.programme, name="Alpha spring", course=course, institution=world.inst_a
    )
    autumn = Cohort.objects.create(
        programme=world.programme, name="Alpha autumn", course=course, institution=world.inst_a
    )
    beta = Cohort.objects.create(programme=world.programme, name="Beta", course=course, institution=world.inst_b)
    spring.trainers.add(world.trainer)
    autumn.trainers.add(world.trainer)
    world.other_trainer = person_with_role(Role.TRAINER, programme=world.programme)
    beta.trainers.add(world.other_trainer)
    cohort_enrol(cohort=spring, people=[world.batbold, world.dulmaa, world.enkh])
    cohort_enrol(cohort=beta, people=[world.outsider])
    bold = Enrolment.objects.get(person=world.batbold, course=course)
    CourseFeedback.objects.create(enrolment=bold, rating=5, usefulness=4, language_code="mn")
    LessonProgress.objects.create(
        enrolment=Enrolment.objects.get(person=world.dulmaa, course=course), lesson=first_lesson(course)
    )
    LessonProgress.objects.create(enrolment=bold, lesson=first_lesson(course))
    workshop = workshop_build(course=course, cohort=spring, starts_at=moment(2025, 3, 25))
    Attendance.objects.create(
        workshop=workshop,
        person=world.batbold,
        status=AttendanceStatus.LATE,
        source=AttendanceSource.ROSTER,
        marked_at=moment(2025, 3, 25),
    )
    world.spring, world.autumn, world.beta = spring, autumn, beta
    return world


@pytest.fixture
def world() -> SimpleNamespace:
    return trainer_world()


def client_for(person: Person | None, language: str = "en") -> Client:
    """A client for `person` reading in `language` (their preferred language, else the cookie)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if person is not None:
        Person.objects.filter(pk=person.pk).update(preferred_language=language)
        person.preferred_language = language
        client.force_login(person)
    return client


def page(person: Person | None, url: str = "/insights/trainer/") -> Any:
    return client_for(person).get(url)


def test_the_trainer_sees_their_cohorts_figures_and_members(world: SimpleNamespace) -> None:
    response = page(world.trainer)

    assert response.status_code == 200
    html = response.content.decode()
    rows = {row.cohort.name: row for row in response.context["cohorts"]}
    assert set(rows) == {"Alpha spring", "Alpha autumn"}
    spring = rows["Alpha spring"]
    # Batbold's enrolment in course 1 was already complete when he joined the cohort.
    assert (spring.members, spring.started, spring.completed, spring.certified) == (3, 2, 1, 1)
    assert (spring.attended, spring.workshops, spring.rated, spring.rated_high) == (1, 1, 1, 1)
    assert spring.rated_high_share.text == "100%"
    assert rows["Alpha autumn"].members == 0
    for text in ("Бат Болд", "Дорж Дулмаа", "Ганбат Энх", "2025-05-03", "Nobody has been enrolled in this cohort yet."):
        assert text in html
    assert "Гадны" not in html and "Beta" not in html
    assert reverse("learning:cohort", args=[world.spring.pk]) in html
    assert reverse("insights:cohorts_export", args=["csv"]) in html


def test_someone_training_no_cohort_sees_a_page_that_says_so(world: SimpleNamespace) -> None:
    for person in (person_with_role(Role.MENTOR, programme=world.programme), world.coordinator, world.admin):
        response = page(person)
        assert response.status_code == 200
        assert "You train no cohort yet." in response.content.decode()


def test_who_may_open_it(world: SimpleNamespace) -> None:
    response = page(None)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Those who may not list cohorts, and train none, are refused: educators and ministry viewers.
    assert page(world.enkh).status_code == 403
    assert page(world.ministry).status_code == 403
    # An educator named trainer of a cohort sees it.
    world.beta.trainers.add(world.enkh)
    assert [row.cohort.name for row in page(world.enkh).context["cohorts"]] == ["Beta"]


def test_a_bounded_number_of_queries_and_a_cap_on_the_members_listed(
    world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.trainer)
    client.get("/insights/trainer/")  # warm the session and the programme cache
    for n in range(6):
        cohort = Cohort.objects.create(
            programme=world.programme, name=f"Extra {n}", course=world.courses[1], institution=world.inst_a
        )
        cohort.trainers.add(world.trainer)
    crowd = [make_person(institution=world.inst_a) for _ in range(MEMBERS_SHOWN + 3)]
    cohort_enrol(cohort=cohort, people=crowd)

    with django_assert_max_num_queries(14):
        response = client.get("/insights/trainer/")

    rows = {row.cohort.name: row for row in response.context["cohorts"]}
    assert len(rows) == 8
    extra = rows["Extra 5"]
    assert extra.members == MEMBERS_SHOWN + 3 and len(extra.member_rows) == MEMBERS_SHOWN
    assert "3 more are on the cohort's progress page and in the file." in response.content.decode()


def test_the_page_speaks_mongolian(world: SimpleNamespace) -> None:
    response = client_for(world.trainer, "mn").get("/insights/trainer/")
    assert response.status_code == 200
    assert '<html lang="mn"' in response.content.decode()
    response = client_for(world.trainer, "en").get("/insights/trainer/")
    assert '<html lang="en"' in response.content.decode()
