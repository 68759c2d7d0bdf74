import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import RoleAssignmentFactory
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def participants(programme: Programme, capital_institution: Institution, darkhan_institution: Institution) -> None:
    """Three registered educators from two institutions in two regions, a master teacher and
    an invited educator from a third region who has not registered yet."""
    for institution in (capital_institution, capital_institution, darkhan_institution):
        RoleAssignmentFactory(person=PersonFactory(institution=institution), role=Role.EDUCATOR, programme=programme)
    master = PersonFactory(institution=darkhan_institution)
    RoleAssignmentFactory(person=master, role=Role.MASTER_TEACHER, programme=programme)
    # People without the educator role are not counted as educators.
    PersonFactory(institution=darkhan_institution)
    # Nor are people invited who have not registered yet, nor their institution or region.
    elsewhere = InstitutionFactory(region=region("MN-057"))
    RoleAssignmentFactory(
        person=PersonFactory(institution=elsewhere, email_confirmed_at=None), role=Role.EDUCATOR, programme=programme
    )


def figures(html: str) -> list[str]:
    return [part.split("</span>")[0] for part in html.split('<span class="figure">')[1:]]


def test_landing_in_english_shows_live_figures(
    en_client: Client, participants: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):
        response = en_client.get(reverse("web:landing"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Digital teachers" in html
    assert "Courses, workshops and certificates." in html
    assert figures(html) == ["3", "2", "2", "1"]
    assert "registered educators" in html
    assert reverse("people:register") in html
    assert reverse("people:login") in html


def test_landing_in_mongolian_by_default(client: Client, participants: None) -> None:
    response = client.get(reverse("web:landing"))

    html = response.content.decode()
    assert 'lang="mn"' in html
    assert "Дижитал багш" in html
    assert "Сургалт, семинар, гэрчилгээ." in html
    assert "бүртгүүлсэн багш" in html
    assert "registered educators" not in html


def test_landing_formats_large_numbers_per_language(client: Client, programme: Programme) -> None:
    people = Person.objects.bulk_create(
        Person(
            email=f"teacher{n}@example.mn",
            family_name="Бат",
            given_name=f"Сараа{n}",
            password="!",
            email_confirmed_at=timezone.now(),
        )
        for n in range(1234)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(person=person, role=Role.EDUCATOR, programme=programme) for person in people
    )

    assert figures(client.get("/").content.decode())[0] == "1\xa0234"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert figures(client.get("/").content.decode())[0] == "1,234"


def test_landing_without_a_programme_has_an_empty_state(en_client: Client) -> None:
    response = en_client.get(reverse("web:landing"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "No programme is open yet" in html
    assert 'class="figure"' not in html
    assert reverse("people:register") in html


def test_landing_offers_the_home_page_to_a_signed_in_person(en_client: Client, programme: Programme) -> None:
    en_client.force_login(PersonFactory(preferred_language="en"))

    html = en_client.get(reverse("web:landing")).content.decode()

    assert reverse("web:home") in html
    assert "Register as an educator" not in html


def test_landing_is_light(client: Client, participants: None) -> None:
    response = client.get(reverse("web:landing"))

    assert len(response.content) < 20_000
    assert b"<img" not in response.content


def test_landing_figures_are_computed_once_a_minute(
    client: Client, participants: None, programme: Programme, django_assert_num_queries
) -> None:
    client.get(reverse("web:landing"))
    with django_assert_num_queries(1):  # only the programme; the figures come from the cache
        second = client.get(reverse("web:landing"))
    assert figures(second.content.decode()) == ["3", "2", "2", "1"]

    RoleAssignmentFactory(person=PersonFactory(), role=Role.EDUCATOR, programme=programme)
    assert figures(client.get(reverse("web:landing")).content.decode())[0] == "3"
    from django.core.cache import cache

    cache.clear()  # as a minute later
    assert figures(client.get(reverse("web:landing")).content.decode())[0] == "4"
