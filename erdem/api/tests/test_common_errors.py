"""The errors every operation can give, whatever it does: declared in the document, and in one shape."""

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from ninja import NinjaAPI, Schema

from erdem.api.openapi import DistinctSchemas
from erdem.api.tests.helpers import anonymous_client
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

NUL_DETAIL = "Text may not contain the NUL character (U+0000)."


def _document() -> dict[str, Any]:
    return json.loads(Client().get("/api/v1/openapi.json").content)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in _document()["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_operation_declares_401_with_the_scheme_to_use() -> None:
    for method, path, operation in _operations():
        unauthorized = operation["responses"]["401"]
        assert unauthorized["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
        assert unauthorized["headers"]["WWW-Authenticate"]["required"] is True, (method, path)


def test_operations_declare_the_errors_their_calls_can_meet() -> None:
    for method, path, operation in _operations():
        responses = operation["responses"]
        if method in {"post", "delete"}:
            assert "403" in responses, (method, path)
        if "requestBody" in operation:
            assert "400" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in responses, (method, path)


def test_two_schemas_of_one_name_are_refused_rather_than_documented_as_one() -> None:
    first = type("Thing", (Schema,), {"__annotations__": {"name": str}})
    second = type("Thing", (Schema,), {"__annotations__": {"count": int}})
    colliding = NinjaAPI(urls_namespace="colliding")
    colliding.get("/first", response={200: list[first]})(lambda request: [])  # type: ignore[valid-type]
    colliding.get("/second", response={200: list[second]})(lambda request: [])  # type: ignore[valid-type]

    with pytest.raises(ImproperlyConfigured, match="named 'Thing'"):
        DistinctSchemas(colliding, "/")


def test_a_refused_token_gets_401_with_the_scheme_even_on_a_public_endpoint() -> None:
    client = Client(headers={"Authorization": "Bearer erdem_nothing"})

    response = client.get("/api/v1/regions/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="erdem"'


def test_every_422_lists_its_errors_even_when_the_request_is_refused_as_a_whole() -> None:
    ProgrammeFactory()
    refused = anonymous_client().get("/api/v1/insights/open/figures?from=March")
    malformed = anonymous_client().get("/api/v1/institutions/?page=0")

    assert refused.status_code == 422
    assert refused.json() == {"detail": "Months are written as year-month, for example 2025-03.", "errors": []}
    assert malformed.status_code == 422
    assert [error["loc"] for error in malformed.json()["errors"]] == [["query", "page"]]


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/api/v1/institutions/?region=a%00b", ["query", "region"]),
        ("/api/v1/people/?a%00=1", ["query", "a\x00"]),
    ],
)
def test_nul_characters_in_the_query_are_refused_with_422(path: str, location: list[str]) -> None:
    response = anonymous_client().get(path)

    assert response.status_code == 422
    assert response.json() == {
        "detail": NUL_DETAIL,
        "errors": [{"loc": location, "msg": NUL_DETAIL, "type": "nul_character"}],
    }


def test_a_path_with_a_nul_character_names_nothing() -> None:
    response = anonymous_client().get("/api/v1/institutions/a%00b")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_nul_characters_in_a_json_body_are_refused_where_they_are() -> None:
    response = anonymous_client().post(
        "/api/v1/credentials/verify",
        data=json.dumps({"code": "Q80T\x00GEXZ", "extra": [{"k\x00": 1}]}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "code"], ["body", "extra", 0, "k\x00"]]


def test_a_body_that_is_not_json_is_left_to_the_endpoint_even_with_a_nul_byte() -> None:
    response = anonymous_client().post(
        "/api/v1/credentials/verify", data=b'{"code": "a\x00', content_type="application/json"
    )

    assert response.status_code == 400


def test_an_escaped_backslash_is_not_taken_for_a_nul_character() -> None:
    response = anonymous_client().post(
        "/api/v1/credentials/verify", data=json.dumps({"code": "\\u0000"}), content_type="application/json"
    )

    assert response.status_code == 200
