"""Where the tests find 1EdTech's reference files (the OB 3.0 schema and signed test vector), read in place."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.credentials.tests.factories import achievement_create
from erdem.programmes.tests.factories import ProgrammeFactory

SCHEMA_NAME = "ob_v3p0_achievementcredential_schema.json"


def reference_dir() -> Path:
    configured = os.environ.get("ERDEM_OB3_REFERENCE_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "reference" / "ob3"


@pytest.fixture(scope="session")
def official_schema_path() -> Path:
    path = reference_dir() / SCHEMA_NAME
    if not path.is_file():
        pytest.skip(f"reference data absent: the Open Badges 3.0 JSON schema ({SCHEMA_NAME})")
    return path


# The national centre's world most page tests start from; a test module may define its own instead.
@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def course(programme):
    return course_build(programme=programme, modules=1, lessons=1)


@pytest.fixture
def admin(programme):
    return person_with_role(Role.NATIONAL_ADMIN, programme=programme)


@pytest.fixture
def achievement(programme, course):
    return achievement_create(programme=programme, course=course)
