"""Ids beyond what the database's keys hold (a bigint) are refused with a 422 naming the field, in the path,
the query string and the body alike, before any query; the bounds are in the OpenAPI document."""

import json
from typing import Any

import pytest
from django.test import Client

from erdem.api.schemas import ID_MAX
from erdem.api.tests.helpers import cast

pytestmark = pytest.mark.django_db

HUGE = 10**23


def _document() -> dict[str, Any]:
    return json.loads(Client().get("/api/v1/openapi.json").content)


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (f"/api/v1/credentials/credentials?person={HUGE}", ["query", "person"]),
        (f"/api/v1/people/{HUGE}", ["path", "person_id"]),
        (f"/api/v1/people/{HUGE}/roles", ["path", "person_id"]),
        (f"/api/v1/learning/enrolments/{HUGE}", ["path", "enrolment_id"]),
        (f"/api/v1/workshops/{HUGE}", ["path", "workshop_id"]),
        (f"/api/v1/cascade/trainers/{HUGE}", ["path", "person_id"]),
    ],
)
def test_a_huge_id_is_refused_with_422_naming_it(url: str, location: list[str]) -> None:
    response = cast().client("admin").get(url)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (error,) = response.json()["errors"]
    assert (error["loc"], error["type"]) == (location, "less_than_equal")


def test_a_huge_id_in_a_body_is_refused_with_422() -> None:
    people = cast()
    body = {"person_id": HUGE, "role": "educator", "programme": people.programme.slug}
    response = people.client("admin").post("/api/v1/roles/", body, content_type="application/json")
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "payload", "person_id"]]


def test_the_largest_id_is_looked_up_and_not_found() -> None:
    response = cast().client("admin").get(f"/api/v1/people/{ID_MAX}")
    assert response.status_code == 404


def test_the_document_bounds_every_integer_in_a_path_and_the_id_filters() -> None:
    bounded = {}
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                schema = next((s for s in schema.get("anyOf", []) if s.get("type") == "integer"), schema)
                if schema.get("type") == "integer" and (parameter["in"] == "path" or parameter["name"] == "person"):
                    bounded[(method, path, parameter["name"])] = (schema.get("minimum"), schema.get("maximum"))
    assert bounded[("get", "/api/v1/credentials/credentials", "person")] == (1, ID_MAX)
    assert len(bounded) > 10
    assert set(bounded.values()) == {(1, ID_MAX)}, bounded
