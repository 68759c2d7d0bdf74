import pytest

from erdem.api.tests.helpers import anonymous_client, cast
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["anonymous", "educator", "coordinator", "admin", "viewer"])
def test_programmes_are_public(who: str) -> None:
    people = cast()
    client = people.client(who)

    listing = client.get("/api/v1/programmes/")
    detail = client.get(f"/api/v1/programmes/{people.programme.slug}")

    assert listing.status_code == 200
    assert [item["slug"] for item in listing.json()["items"]] == [people.programme.slug]
    assert detail.status_code == 200
    body = detail.json()
    assert body["name"] == body["name_en"] == people.programme.name_en
    assert body["national_centre"]["code"] == people.programme.national_centre.code


def test_programme_name_follows_the_request_language() -> None:
    people = cast()

    body = anonymous_client(language="mn").get(f"/api/v1/programmes/{people.programme.slug}").json()

    assert body["name"] == people.programme.name_mn


def test_unknown_programme_is_404() -> None:
    response = cast().client("anonymous").get("/api/v1/programmes/nothing-here")

    assert response.status_code == 404
    assert response.json()["detail"] == "No programme has the code “nothing-here”."


def test_programme_list_queries_do_not_grow_with_rows(django_assert_max_num_queries) -> None:
    client = cast().client("anonymous")

    with django_assert_max_num_queries(2):
        client.get("/api/v1/programmes/")
    ProgrammeFactory.create_batch(20)
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/programmes/")

    assert response.json()["count"] == 21
