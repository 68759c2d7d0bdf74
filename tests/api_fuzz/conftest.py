"""Fixtures of the API fuzzing: the world, built once per module, and a connection that survives requests.

Each example's request runs inside a savepoint that is rolled back (test_schemathesis.py), so what one example
writes (an enrolment, a revoked credential, a logged session) never changes what the next one sees.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from tests.api_fuzz.world import FuzzWorld, credentials_of, path_values
from tests.test_permissions_matrix import build_world


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[FuzzWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield FuzzWorld(world=world, credentials=credentials_of(world), path_values=path_values())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Requests run in-process inside the test's transaction, where `close_old_connections` (run as each request
    starts and ends) would close the connection under the test; django.test.Client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
