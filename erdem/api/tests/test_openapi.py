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
    "/api/v1/courses/": {"get"},
    "/api/v1/courses/{code}": {"get"},
    "/api/v1/learning/enrolments": {"get", "post"},
    "/api/v1/learning/enrolments/{enrolment_id}": {"get"},
    "/api/v1/learning/enrolments/{enrolment_id}/lessons/{lesson_id}/done": {"post"},
    "/api/v1/learning/enrolments/{enrolment_id}/feedback": {"post"},
    "/api/v1/learning/cohorts/{cohort_id}/enrolments": {"get"},
    "/api/v1/workshops/": {"get"},
    "/api/v1/workshops/{workshop_id}": {"get"},
    "/api/v1/workshops/{workshop_id}/roster": {"get"},
    "/api/v1/workshops/{workshop_id}/attendance": {"post"},
    "/api/v1/workshops/{workshop_id}/registration": {"post", "delete"},
    "/api/v1/credentials/achievements": {"get"},
    "/api/v1/credentials/achievements/{public_id}": {"get"},
    "/api/v1/credentials/credentials": {"get"},
    "/api/v1/credentials/credentials/{public_id}": {"get"},
    "/api/v1/credentials/credentials/{public_id}/revoke": {"post"},
    "/api/v1/credentials/credentials/{public_id}/suspend": {"post"},
    "/api/v1/credentials/credentials/{public_id}/reinstate": {"post"},
    "/api/v1/credentials/verify": {"post"},
    "/api/v1/cascade/reach": {"get"},
    "/api/v1/cascade/regions": {"get"},
    "/api/v1/cascade/trainers/{person_id}": {"get"},
    "/api/v1/cascade/mentoring/pairs": {"get"},
    "/api/v1/cascade/mentoring/pairs/{pk}/sessions": {"post"},
    "/api/v1/insights/open/definitions": {"get"},
    "/api/v1/insights/open/figures": {"get"},
    "/api/v1/insights/open/breakdown": {"get"},
    "/api/v1/insights/open/ranking": {"get"},
    "/api/v1/insights/open/trend": {"get"},
    "/api/v1/insights/institutions/{code}/figures": {"get"},
    "/api/v1/insights/institutions/{code}/breakdown": {"get"},
    "/api/v1/recognition/requests": {"get", "post"},
    "/api/v1/recognition/requests/{public_id}": {"get"},
    "/api/v1/recognition/requests/{public_id}/withdraw": {"post"},
    "/api/v1/recognition/requests/{public_id}/decision": {"post"},
    "/api/v1/recognition/credits": {"get"},
    "/api/v1/recognition/pathways": {"get"},
    "/api/v1/recognition/office/requests": {"get"},
    "/api/v1/portfolio/entries": {"get"},
    "/api/v1/portfolio/entries/{public_id}": {"get"},
    "/api/v1/portfolio/grid": {"get"},
    "/api/v1/portfolio/clr": {"get"},
    "/api/v1/portfolio/public/{token}": {"get"},
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


def test_unknown_paths_and_wrong_methods_answer_in_json() -> None:
    client = Client()
    client.cookies["erdem_language"] = "en"

    missing = client.get("/api/v1/nothing/here")
    wrong_method = client.put("/api/v1/regions/")

    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "The method PUT is not allowed here. Allowed: GET."}
    assert wrong_method["Allow"] == "GET"
