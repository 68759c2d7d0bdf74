from typing import cast

import pytest
from django.conf import settings
from django.test import Client

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def en_client(client: Client) -> Client:
    """A browser that asked for English; a signed-in person's own language still wins."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def institution(db: None) -> Institution:
    return cast(
        Institution, InstitutionFactory(name_en="National University of Mongolia", name_mn="Монгол Улсын Их Сургууль")
    )


@pytest.fixture
def coordinator(institution: Institution, programme: Programme) -> Person:
    return person_with_role(Role.COORDINATOR, programme=programme, institution=institution, preferred_language="en")
