from typing import Any

import pytest

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory
from erdem.api.tests.helpers import cast, session_client
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def test_people_list_shows_only_people_in_scope() -> None:
    people = cast()

    assert people.client("anonymous").get("/api/v1/people/").status_code == 401
    assert _ids(people.client("educator").get("/api/v1/people/")) == {people.educator.pk}
    assert _ids(people.client("viewer").get("/api/v1/people/")) == {people.viewer.pk}
    assert _ids(people.client("coordinator").get("/api/v1/people/")) == {
        people.coordinator.pk,
        people.educator.pk,
        people.colleague.pk,
    }
    everyone = _ids(people.client("admin").get("/api/v1/people/?page_size=100"))
    assert {people.stranger.pk, people.colleague.pk, people.viewer.pk} <= everyone


def test_people_list_filters_by_institution() -> None:
    people = cast()

    response = people.client("admin").get("/api/v1/people/", {"institution": people.other.code})

    assert _ids(response) == {people.stranger.pk}
    assert response.json()["count"] == 1


def test_person_detail_outside_scope_is_not_found() -> None:
    people = cast()
    coordinator = people.client("coordinator")

    own = coordinator.get(f"/api/v1/people/{people.colleague.pk}")
    assert own.status_code == 200
    assert own.json()["institution"]["code"] == people.own.code
    assert coordinator.get(f"/api/v1/people/{people.stranger.pk}").status_code == 404
    assert coordinator.get("/api/v1/people/999999").status_code == 404
    assert people.client("educator").get(f"/api/v1/people/{people.colleague.pk}").status_code == 404
    assert people.client("viewer").get(f"/api/v1/people/{people.stranger.pk}").status_code == 404
    assert people.client("admin").get(f"/api/v1/people/{people.stranger.pk}").status_code == 200
    assert people.client("anonymous").get(f"/api/v1/people/{people.stranger.pk}").status_code == 401


def test_not_found_body_has_a_detail() -> None:
    people = cast()

    response = people.client("coordinator").get(f"/api/v1/people/{people.stranger.pk}")

    assert response.json() == {"detail": "Not found."}


def test_me_returns_the_caller() -> None:
    people = cast()

    response = people.client("educator").get("/api/v1/people/me")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == people.educator.pk
    assert body["email"] == people.educator.email
    assert set(body["institution"]) >= {"name", "name_mn", "name_en", "code"}
    assert people.client("anonymous").get("/api/v1/people/me").status_code == 401


def test_me_works_with_the_browser_session() -> None:
    person: Any = PersonFactory()

    response = session_client(person).get("/api/v1/people/me")

    assert response.status_code == 200
    assert response.json()["id"] == person.pk


def test_person_roles_follow_the_person_view_rule() -> None:
    people = cast()
    url = f"/api/v1/people/{people.educator.pk}/roles"

    roles = people.client("coordinator").get(url)
    assert roles.status_code == 200
    assert [role["role"] for role in roles.json()] == [Role.EDUCATOR]
    assert roles.json()[0]["programme"]["slug"] == people.programme.slug
    assert people.client("admin").get(url).status_code == 200
    assert people.client("educator").get(url).status_code == 200
    assert people.client("coordinator").get(f"/api/v1/people/{people.stranger.pk}/roles").status_code == 404
    assert people.client("viewer").get(url).status_code == 404
    assert people.client("anonymous").get(url).status_code == 401


def test_people_list_queries_do_not_grow_with_rows(django_assert_max_num_queries) -> None:
    people = cast()
    client = people.client("admin")
    client.get("/api/v1/people/")  # warm-up: last_used_at is written once a minute at most

    with django_assert_max_num_queries(4):
        small = client.get("/api/v1/people/")
    for _ in range(30):
        RoleAssignmentFactory(person=PersonFactory(), programme=people.programme)
    with django_assert_max_num_queries(4):
        large = client.get("/api/v1/people/")

    assert len(large.json()["items"]) == len(small.json()["items"]) + 30
