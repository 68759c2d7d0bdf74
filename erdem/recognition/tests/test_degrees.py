import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.tests.factories import achievement_create
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import DegreeModule, DegreeProgramme, RecognitionRule
from erdem.recognition.tests.factories import degree_create, module_create, rule_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def coordinator(programme):
    return person_with_role(Role.COORDINATOR, programme=programme, preferred_language="en")


DEGREE = {
    "code": "med-tech",
    "name_mn": "Боловсролын технологийн магистр",
    "name_en": "Master's in Education Technology",
    "level": "master",
    "total_credits": "32",
    "description_mn": "",
    "description_en": "",
    "is_active": "on",
}


def test_a_coordinator_creates_a_degree_for_their_institution_only(client, coordinator):
    other: Any = InstitutionFactory()
    client.force_login(coordinator)

    refused = client.post(reverse("recognition:degrees"), {**DEGREE, "institution": other.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()

    response = client.post(reverse("recognition:degrees"), {**DEGREE, "institution": coordinator.institution.pk})
    degree = DegreeProgramme.objects.get()
    assert response.status_code == 302 and degree.institution == coordinator.institution
    assert degree.total_credits == Decimal("32")

    again = client.post(reverse("recognition:degrees"), {**DEGREE, "institution": coordinator.institution.pk})
    assert again.status_code == 200 and "already has a degree programme with this code" in again.content.decode()


def test_who_reaches_the_degree_pages(client, programme, coordinator):
    degree = degree_create(institution=coordinator.institution)
    educator = person_with_role(Role.EDUCATOR, programme=programme)
    other_coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    office_member = make_person(institution=degree.institution)
    degree.office.add(office_member)
    urls = [
        reverse("recognition:degree", args=[degree.pk]),
        reverse("recognition:degree_edit", args=[degree.pk]),
        reverse("recognition:module_new", args=[degree.pk]),
        reverse("recognition:rule_new", args=[degree.pk]),
    ]

    for url in [*urls, reverse("recognition:degrees")]:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for person, expected in (
        (educator, 403),
        (other_coordinator, 403),
        (coordinator, 200),
        (admin, 200),
        (office_member, 200),
    ):
        client.force_login(person)
        assert [client.get(url).status_code for url in urls] == [expected] * 4, person
    client.force_login(educator)
    assert client.get(reverse("recognition:degrees")).status_code == 403
    assert client.post(reverse("recognition:degrees"), DEGREE).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("recognition:degree", args=[999999])).status_code == 404


def test_modules_add_up_against_the_total(client, coordinator):
    degree = degree_create(institution=coordinator.institution, total_credits=Decimal("32"))
    client.force_login(coordinator)

    response = client.post(
        reverse("recognition:module_new", args=[degree.pk]),
        {"code": "M1", "name_mn": "Модуль", "name_en": "Module", "credits": "6", "position": "1"},
    )
    assert response.status_code == 302
    module_create(degree=degree, code="M2", credits="20")
    duplicate = client.post(
        reverse("recognition:module_new", args=[degree.pk]),
        {"code": "M1", "name_mn": "Модуль", "name_en": "Module", "credits": "6", "position": "1"},
    )
    assert "already has a module with this code" in duplicate.content.decode()

    page = client.get(reverse("recognition:degree", args=[degree.pk])).content.decode()
    assert "26 of 32" in page
    assert "The modules add up to 26 credits; the programme has 32." in page


def test_a_rule_is_created_and_an_edit_raises_its_version(client, programme, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree)
    achievements = [achievement_create(programme=programme, code=f"AI-{n}") for n in (1, 2, 3)]
    client.force_login(coordinator)
    values = {
        "module": module.pk,
        "name_mn": "Гурван бичил гэрчилгээ",
        "name_en": "Three micro-certificates",
        "credits": "6",
        "achievements": [a.pk for a in achievements],
        "external_count": "0",
        "external_issuers": "",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "approved_by_email": coordinator.email,
        "approval_reference": "Council decision 12",
    }

    assert client.post(reverse("recognition:rule_new", args=[degree.pk]), values).status_code == 302
    rule = RecognitionRule.objects.get()
    assert rule.version == 1 and rule.approved_by == coordinator and rule.achievements.count() == 3
    page = client.get(reverse("recognition:degree", args=[degree.pk])).content.decode()
    assert "All of these erdem credentials" in page

    edit = reverse("recognition:rule_edit", args=[degree.pk, rule.pk])
    assert client.post(edit, values).status_code == 302
    rule.refresh_from_db()
    assert rule.version == 1  # nothing changed
    assert client.post(edit, {**values, "credits": "5"}).status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.credits == Decimal("5")
    assert "This is version 2." in client.get(edit).content.decode()


def test_a_rule_form_with_mistakes_is_shown_again(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module_create(degree=degree)
    other_module = module_create(degree=degree_create(code="other"))
    client.force_login(coordinator)

    response = client.post(
        reverse("recognition:rule_new", args=[degree.pk]),
        {
            "module": other_module.pk,
            "name_mn": "Дүрэм",
            "name_en": "Typed rule",
            "credits": "6",
            "external_count": "1",
            "external_issuers": "",
            "valid_from": "2026-06-01",
            "valid_to": "2026-01-01",
            "approved_by_email": "nobody@example.mn",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved" in body
    assert "Typed rule" in body
    assert "Nobody has this e-mail address on erdem." in body
    assert "Name at least one accepted issuer" in body
    assert "Select a valid choice" in body  # a module of another programme
    assert not RecognitionRule.objects.exists()


def test_the_office_is_chosen_among_the_institutions_people(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    colleague = make_person(institution=degree.institution)
    stranger = make_person()
    client.force_login(coordinator)
    url = reverse("recognition:degree", args=[degree.pk])

    refused = client.post(url, {"action": "office_add", "email": stranger.email})
    assert refused.status_code == 200 and "Nobody at this institution" in refused.content.decode()
    assert client.post(url, {"action": "office_add", "email": colleague.email.upper()}).status_code == 302
    assert list(degree.office.all()) == [colleague]
    assert client.post(url, {"action": "office_remove", "person": colleague.pk}).status_code == 302
    assert not degree.office.exists()


def test_the_degrees_list_has_a_bounded_number_of_queries(client, programme, django_assert_max_num_queries):
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    for n in range(5):
        degree = degree_create(code=f"d{n}")
        rule_create(degree=degree, valid_from=dt.date(2026, 1, 1))
    client.force_login(admin)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("recognition:degrees"))

    assert response.status_code == 200
    assert DegreeModule.objects.count() == 5
