"""An id beyond what the database's keys hold (a bigint) names nothing: every page and endpoint taking an
integer in its path answers it without a server error, as for an unknown id (the API with a 422)."""

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"  # beyond 2**63 - 1
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SAMPLES = {"int": HUGE, "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x", "path": "x"}


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern) and "<int:" in route:
            yield route


def _url(route: str) -> str:
    return "/" + PARAMETER.sub(lambda match: SAMPLES[match["converter"] or "str"], route)


ROUTES = sorted(set(_routes(get_resolver())))


def test_there_are_routes_with_integer_ids() -> None:
    assert len(ROUTES) > 20


@pytest.mark.parametrize("route", ROUTES)
def test_a_huge_id_is_not_a_server_error(route: str) -> None:
    client = Client()
    client.force_login(PersonFactory(is_superuser=True, is_staff=True, preferred_language="en"))
    response = client.get(_url(route))
    if response.status_code == 405:  # a form's target: what it is sent
        response = client.post(_url(route))
    assert response.status_code in {403, 404, 405, 422}, (route, response.status_code)
