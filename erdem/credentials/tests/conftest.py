"""Where the tests find 1EdTech's reference files (the OB 3.0 schema and signed test vector), read in place."""

import os
from pathlib import Path

import pytest
from django.conf import settings

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
