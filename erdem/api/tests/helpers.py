"""Clients and a small cast of people for API tests (imported by each app's tests/test_apis.py)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.api.services import api_token_create
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


def token_client(person: Any) -> Client:
    """A client authenticated by a fresh personal API token; answers come in the person's language."""
    _token, raw = api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def anonymous_client(*, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def session_client(person: Any, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(person)
    return client


@dataclass
class Cast:
    programme: Programme
    own: Institution
    other: Institution
    admin: Any
    coordinator: Any
    educator: Any
    colleague: Any
    stranger: Any
    viewer: Any

    def client(self, who: str) -> Client:
        """ "anonymous" or one of the people above, authenticated by token."""
        if who == "anonymous":
            return anonymous_client()
        return token_client(getattr(self, who))


def cast() -> Cast:
    """One programme; a coordinator of `own`; an educator and a colleague at `own`, a stranger at `other`.

    Everyone prefers English, so assertions can read the messages in their source language.
    """
    programme = ProgrammeFactory()
    own, other = InstitutionFactory(), InstitutionFactory()
    en = {"preferred_language": "en"}
    return Cast(
        programme=programme,
        own=own,
        other=other,
        admin=person_with_role(Role.NATIONAL_ADMIN, programme=programme, **en),
        coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=own, **en),
        educator=person_with_role(Role.EDUCATOR, programme=programme, institution=own, **en),
        colleague=PersonFactory(institution=own, **en),
        stranger=person_with_role(Role.EDUCATOR, programme=programme, institution=other, **en),
        viewer=person_with_role(Role.MINISTRY_VIEWER, programme=programme, **en),
    )
