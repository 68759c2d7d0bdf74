import json

import pytest
from django.test import Client
from django.urls import reverse

from erdem.api.api import api

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/regions/": {"get"},
    "/api/v1/regions/{iso_code}": {"get"},
    "/api/v1/institutions/": {"get"},
    "/api/v1/institutions/{code}": {"get"},
    "/api/v1/programmes/": {"get"},
    "/api/v1/programmes/{slug}": {"get"},
    "/api/v1/people/": {"get"},
    "/api/v1/people/me": {"get"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/people/{person_id}/roles": {"get"},
    "/api/v1/roles/me": {"get"},
    "/api/v1/roles/": {"post"},
    "/api/v1/roles/{assignment_id}": {"delete"},
    "/api/v1/jobs/{job_id}": {"get"},
}


def test_openapi_document_lists_every_path() -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"] == {"title": "erdem API", "version": "1", "description": api.description}
    assert {path: set(operations) for path, operations in document["paths"].items()} == EXPECTED_PATHS
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"


def test_public_operations_allow_anonymous_callers_in_the_document() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert {} in paths["/api/v1/regions/"]["get"]["security"]
    assert {} not in paths["/api/v1/people/"]["get"]["security"]


@pytest.mark.parametrize("language", ["mn", "en"])
def test_docs_page_lists_the_endpoints_without_scripts(language: str) -> None:
    client = Client()
    client.cookies["erdem_language"] = language

    response = client.get(reverse("api:openapi-view"))

    assert response.status_code == 200
    page = response.content.decode()
    for path in EXPECTED_PATHS:
        assert path in page
    assert "swagger" not in page.lower()
    assert 'href="/api/v1/openapi.json"' in page
