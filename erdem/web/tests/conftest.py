from typing import cast

import pytest
from django.conf import settings
from django.test import Client

from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def en_client(client: Client) -> Client:
    """A browser that asked for English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def capital_institution(db: None) -> Institution:
    return cast(
        Institution,
        InstitutionFactory(name_en="Tuul River Institute", name_mn="Туул Голын Дээд Сургууль", short_name_en="TRI"),
    )


@pytest.fixture
def darkhan_institution(db: None) -> Institution:
    return cast(
        Institution,
        InstitutionFactory(
            name_en="Kharaa Institute", name_mn="Хараа Дээд Сургууль", short_name_en="KI", region=region("MN-037")
        ),
    )


@pytest.fixture
def programme(capital_institution: Institution) -> Programme:
    return cast(
        Programme,
        ProgrammeFactory(
            name_en="Digital teachers",
            name_mn="Дижитал багш",
            description_en="Courses, workshops and certificates.",
            description_mn="Сургалт, семинар, гэрчилгээ.",
            national_centre=capital_institution,
        ),
    )
