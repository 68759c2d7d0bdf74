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
def english_outside_requests() -> Generator[None, None, None]:
    """Code under test outside a request speaks English (the source language) unless a test
    says otherwise; requests still choose their language through the middleware."""
    from django.utils import translation

    with translation.override("en"):
        yield
