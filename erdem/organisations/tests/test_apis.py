import pytest

from erdem.api.tests.helpers import anonymous_client, cast
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "educator", "coordinator", "admin", "viewer"]


@pytest.mark.parametrize("who", CALLERS)
def test_regions_are_public_for_everyone(who: str) -> None:
    response = cast().client(who).get("/api/v1/regions/")

    assert response.status_code == 200
    regions = response.json()
    assert len(regions) == 22
    assert {"iso_code", "kind", "kind_label", "name", "name_mn", "name_en"} <= set(regions[0])


def test_region_detail_by_iso_code_in_the_request_language() -> None:
    english = anonymous_client(language="en").get("/api/v1/regions/MN-1").json()
    mongolian = anonymous_client(language="mn").get("/api/v1/regions/mn-1").json()

    assert english["iso_code"] == mongolian["iso_code"] == "MN-1"
    assert english["name"] == english["name_en"]
    assert mongolian["name"] == mongolian["name_mn"]
    assert english["name_mn"] == mongolian["name_mn"]


def test_unknown_region_is_a_translated_404() -> None:
    english = anonymous_client(language="en").get("/api/v1/regions/MN-999")
    mongolian = anonymous_client(language="mn").get("/api/v1/regions/MN-999")

    assert english.status_code == mongolian.status_code == 404
    assert english.json()["detail"] == "No region has the code “MN-999”."
    assert mongolian.json()["detail"] != english.json()["detail"]


@pytest.mark.parametrize("who", CALLERS)
def test_institutions_are_public_and_filterable(who: str) -> None:
    people = cast()
    private = InstitutionFactory(region=region("MN-041"), ownership=Institution.Ownership.PRIVATE)
    client = people.client(who)

    everything = client.get("/api/v1/institutions/")
    filtered = client.get("/api/v1/institutions/", {"region": "MN-041", "ownership": "private", "kind": "university"})

    assert everything.status_code == 200
    assert everything.json()["count"] == Institution.objects.count()
    assert [item["code"] for item in filtered.json()["items"]] == [private.code]
    detail = client.get(f"/api/v1/institutions/{private.code}").json()
    assert detail["region"]["iso_code"] == "MN-041"
    assert detail["ownership_label"] == "private"


def test_institution_filters_are_validated() -> None:
    response = cast().client("anonymous").get("/api/v1/institutions/", {"kind": "school"})

    assert response.status_code == 422
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["errors"][0]["loc"][-1] == "kind"


def test_institution_page_size_is_bounded() -> None:
    InstitutionFactory.create_batch(105)

    response = cast().client("anonymous").get("/api/v1/institutions/", {"page_size": 1000})

    assert len(response.json()["items"]) == 100
    assert response.json()["count"] == Institution.objects.count() > 100


def test_unknown_institution_is_404() -> None:
    assert cast().client("anonymous").get("/api/v1/institutions/no-such-code").status_code == 404


def test_institution_list_queries_do_not_grow_with_rows(django_assert_max_num_queries) -> None:
    client = cast().client("anonymous")

    with django_assert_max_num_queries(2):
        client.get("/api/v1/institutions/")
    InstitutionFactory.create_batch(40)
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/institutions/")

    assert response.json()["count"] == Institution.objects.count()
