"""The fault tests. The database restart test runs its own PostgreSQL server: it belongs to the
suite's PostgreSQL pass and is deselected (not skipped) when the suite runs on SQLite."""

import pytest
from django.conf import settings

POSTGRESQL_PASS = "postgresql_pass"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{POSTGRESQL_PASS}: runs in the suite's PostgreSQL pass only")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    deselected = [item for item in items if item.get_closest_marker(POSTGRESQL_PASS)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(POSTGRESQL_PASS)]
