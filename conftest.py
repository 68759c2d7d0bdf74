"""Settings shared by every app's tests (factories live in erdem/<app>/tests/factories.py)."""

import os
from collections.abc import Generator
from typing import Any

import pytest

# A skipped test is a test that could not run. The test command forbids them, except
# for tests that read the shared reference data, which may be absent outside CI.
ALLOWED_SKIP_MARK = "reference data absent"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("ERDEM_FORBID_SKIPS") != "1" or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if ALLOWED_SKIP_MARK not in reason:
        report.outcome = "failed"
        report.longrepr = f"Test could not run (skips are not allowed here): {reason}"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache, as after a deploy."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english_outside_requests() -> Generator[None, None, None]:
    """Code under test outside a request speaks English (the source language) unless a test
    says otherwise; requests still choose their language through the middleware."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _restore_reference_data() -> None:
    """Re-run erdem's data migrations (they must be idempotent) after a transactional test flushed the tables."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    with connection.schema_editor() as schema_editor:
        for key in loader.graph.leaf_nodes():
            for app_label, name in loader.graph.forwards_plan(key):
                for operation in loader.graph.nodes[(app_label, name)].operations:
                    own = apps.get_app_config(app_label).name.startswith("erdem.")
                    if own and isinstance(operation, RunPython):
                        operation.code(apps, schema_editor)  # type: ignore[arg-type]  # the live registry serves as well as a migration state here


@pytest.fixture(autouse=True)
def reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (and browser tests) start on flushed tables; give them the
    reference data that migrations load (regions, frameworks), as every real database has."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from erdem.organisations.models import Region

    if not Region.objects.exists():
        _restore_reference_data()
