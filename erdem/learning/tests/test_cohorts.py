"""Creating and changing cohorts, and the list of cohorts: who may, what they may choose."""

from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Cohort, Enrolment
from erdem.learning.selectors import cohort_trainer_candidates, cohorts_listed_for
from erdem.learning.services import cohort_enrol
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=1, lessons=1)


@pytest.fixture
def institution(db: None) -> Institution:
    return cast(Institution, InstitutionFactory())


@pytest.fixture
def coordinator(programme: Programme, institution: Institution) -> Person:
    return cast(
        Person,
        person_with_role(Role.COORDINATOR, programme=programme, institution=institution, preferred_language="en"),
    )


@pytest.fixture
def trainer(programme: Programme, institution: Institution) -> Person:
    return cast(Person, person_with_role(Role.TRAINER, programme=programme, institution=institution))


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _form(course: Course, institution: Institution | None, trainers: list[Person], name: str = "Biology 2026") -> dict:
    return {
        "name": name,
        "course": course.pk,
        "institution": institution.pk if institution else "",
        "trainers": [person.pk for person in trainers],
    }


def test_a_coordinator_creates_a_cohort_of_their_institution_then_enrols_people(
    coordinator: Person, institution: Institution, course: Course, trainer: Person
) -> None:
    client = _signed_in(coordinator)
    page = client.get(reverse("learning:cohort_new")).content.decode()
    assert str(trainer.family_name) in page and "(trainer)" in page
    response = client.post(reverse("learning:cohort_new"), _form(course, institution, [trainer]))
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("learning:cohort_enrol", args=[cohort.pk])
    assert (cohort.name, cohort.course, cohort.institution, cohort.programme_id) == (
        "Biology 2026",
        course,
        institution,
        course.programme_id,
    )
    assert list(cohort.trainers.all()) == [trainer]
    assert client.get(reverse("learning:cohort_enrol", args=[cohort.pk])).status_code == 200
    listing = client.get(reverse("learning:cohorts")).content.decode()
    assert "Biology 2026" in listing and reverse("learning:cohort_edit", args=[cohort.pk]) in listing


def test_a_coordinator_cannot_pick_another_institution_or_an_outsider_as_trainer(
    coordinator: Person, course: Course, programme: Programme
) -> None:
    other = cast(Institution, InstitutionFactory())
    educator = person_with_role(Role.EDUCATOR, programme=programme)
    trainer_elsewhere = person_with_role(Role.TRAINER, programme=ProgrammeFactory())
    client = _signed_in(coordinator)
    response = client.post(reverse("learning:cohort_new"), _form(course, other, [educator, trainer_elsewhere]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The cohort is not saved" in page
    assert not Cohort.objects.exists()
    # Without an institution: a coordinator's cohort always has one.
    response = client.post(reverse("learning:cohort_new"), _form(course, None, []))
    assert response.status_code == 200 and not Cohort.objects.exists()


def test_a_national_admin_creates_a_cohort_of_any_institution_or_none(programme: Programme, course: Course) -> None:
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")
    mentor = person_with_role(Role.MENTOR, programme=programme)
    client = _signed_in(admin)
    institution = cast(Institution, InstitutionFactory())
    assert client.post(reverse("learning:cohort_new"), _form(course, institution, [mentor])).status_code == 302
    assert client.post(reverse("learning:cohort_new"), _form(course, None, [], name="National")).status_code == 302
    assert set(Cohort.objects.values_list("name", "institution_id")) == {
        ("Biology 2026", institution.pk),
        ("National", None),
    }


@pytest.mark.parametrize(
    ("who", "list_status", "new_status"),
    [
        ("educator", 403, 403),
        ("trainer", 200, 403),
        ("coordinator", 200, 200),
        ("other_coordinator", 200, 200),
        ("national_admin", 200, 200),
        ("ministry_viewer", 403, 403),
    ],
)
def test_who_may_list_and_create_cohorts(
    programme: Programme, institution: Institution, who: str, list_status: int, new_status: int
) -> None:
    person = person_with_role(
        Role.COORDINATOR if who == "other_coordinator" else who,
        programme=programme,
        institution=InstitutionFactory() if who == "other_coordinator" else institution,
    )
    client = _signed_in(person)
    assert client.get(reverse("learning:cohorts")).status_code == list_status
    assert client.get(reverse("learning:cohort_new")).status_code == new_status


def test_editing_is_for_the_cohorts_coordinator_and_national_admins(
    programme: Programme, institution: Institution, course: Course, coordinator: Person, trainer: Person
) -> None:
    cohort = Cohort.objects.create(programme=programme, name="A", course=course, institution=institution)
    cohort.trainers.add(trainer)
    url = reverse("learning:cohort_edit", args=[cohort.pk])
    other_coordinator = person_with_role(Role.COORDINATOR, programme=programme, institution=InstitutionFactory())
    assert _signed_in(trainer).get(url).status_code == 403
    assert _signed_in(other_coordinator).get(url).status_code == 403
    assert _signed_in(other_coordinator).post(url, _form(course, institution, [], "Taken")).status_code == 403
    client = _signed_in(coordinator)
    page = client.get(url).content.decode()
    assert 'value="A"' in page and f'value="{trainer.pk}" id="id_trainers_{trainer.pk}" checked' in page
    response = client.post(url, _form(course, institution, [], "Renamed"))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Renamed" and not cohort.trainers.exists()
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    assert _signed_in(admin).get(url).status_code == 200
    assert _signed_in(admin).get(reverse("learning:cohort_edit", args=[999999])).status_code == 404


def test_the_course_of_a_cohort_with_members_stays(
    programme: Programme, institution: Institution, course: Course, coordinator: Person
) -> None:
    other_course = course_build(programme=programme, code="ai-102", modules=1, lessons=1)
    cohort = Cohort.objects.create(programme=programme, name="A", course=course, institution=institution)
    client = _signed_in(coordinator)
    url = reverse("learning:cohort_edit", args=[cohort.pk])
    assert client.post(url, _form(other_course, institution, [], "A")).status_code == 302
    cohort.refresh_from_db()
    assert cohort.course == other_course  # no members yet: the course may change
    cohort_enrol(cohort=cohort, people=[person_with_role(Role.EDUCATOR, programme=programme)])
    response = client.post(url, _form(course, institution, [], "A"))
    assert response.status_code == 200 and "The cohort is not saved" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.course == other_course and Enrolment.objects.get().course == other_course


def test_trainer_candidates_are_the_programmes_trainers_master_teachers_and_mentors_by_institution(
    programme: Programme,
) -> None:
    first, second = (
        InstitutionFactory(name_mn="Анхны", name_en="Alpha"),
        InstitutionFactory(name_mn="Хоёр", name_en="Beta"),
    )
    trainer = person_with_role(Role.TRAINER, programme=programme, institution=second)
    master = person_with_role(Role.MASTER_TEACHER, programme=programme, institution=first)
    mentor = person_with_role(Role.MENTOR, programme=programme, institution=first)
    person_with_role(Role.EDUCATOR, programme=programme, institution=first)
    person_with_role(Role.TRAINER, programme=ProgrammeFactory(), institution=first)
    from erdem.access.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(person=mentor, role=Role.TRAINER, programme=programme)
    groups = cohort_trainer_candidates(programme_id=programme.pk)
    flat = {candidate.person.pk: (label, candidate.roles) for label, group in groups for candidate in group}
    assert set(flat) == {trainer.pk, master.pk, mentor.pk}
    assert flat[mentor.pk][1] == ["trainer", "mentor"]
    assert [label for label, _group in groups] == sorted(label for label, _group in groups)


def test_each_sees_only_their_cohorts(
    programme: Programme, institution: Institution, course: Course, coordinator: Person, trainer: Person
) -> None:
    mine = Cohort.objects.create(programme=programme, name="Mine", course=course, institution=institution)
    trained = Cohort.objects.create(
        programme=programme, name="Trained", course=course, institution=InstitutionFactory()
    )
    trained.trainers.add(trainer)
    elsewhere = Cohort.objects.create(
        programme=ProgrammeFactory(), name="Elsewhere", course=course, institution=institution
    )
    assert [row.cohort for row in cohorts_listed_for(person=coordinator, language="en")] == [mine]
    assert [row.cohort for row in cohorts_listed_for(person=trainer, language="en")] == [trained]
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    assert {row.cohort for row in cohorts_listed_for(person=admin, language="en")} == {mine, trained}
    assert elsewhere not in {row.cohort for row in cohorts_listed_for(person=admin, language="en")}
    # A coordinator of the institution in another programme does not reach this programme's cohort.
    outsider = person_with_role(Role.COORDINATOR, programme=ProgrammeFactory(), institution=institution)
    assert _signed_in(outsider).get(reverse("learning:cohort", args=[mine.pk])).status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_the_list_and_the_form_make_a_bounded_number_of_queries(
    programme: Programme, institution: Institution, course: Course, size: int, django_assert_max_num_queries: Any
) -> None:
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    for number in range(size):
        cohort = Cohort.objects.create(programme=programme, name=f"C{number}", course=course, institution=institution)
        cohort.trainers.add(person_with_role(Role.TRAINER, programme=programme, institution=InstitutionFactory()))
    client = _signed_in(admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("learning:cohorts")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("learning:cohort_new")).status_code == 200
