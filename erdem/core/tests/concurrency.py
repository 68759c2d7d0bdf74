"""Running calls at the same moment in threads, for tests of races (double clicks, two workers)."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection


def at_once(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run `calls` in threads released together; (their results, the exceptions they raised)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=5)
            for _try in range(100):
                try:
                    results.append(call())
                    break
                except OperationalError as exc:
                    # SQLite's shared in-memory test database refuses a second writer at once
                    # instead of waiting as a file database does; try again, as a busy timeout would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors
