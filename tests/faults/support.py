"""What the fault tests share: free ports, the database URL of the test database, child processes."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
# Only to keep a broken run from hanging: the assertions count events, not seconds.
SAFETY_TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_database_url() -> str:
    """The URL of the database this test runs on, for a child process."""
    values = connection.settings_dict
    if values["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{values['NAME']}"
    credentials = quote(values["USER"] or "")
    if values["PASSWORD"]:
        credentials += ":" + quote(values["PASSWORD"])
    host = quote(values["HOST"] or "", safe="")
    port = f":{values['PORT']}" if values["PORT"] else ""
    at = "@" if credentials else ""
    return f"postgres://{credentials}{at}{host}{port}/{quote(values['NAME'])}"


def child_environment(**overrides: str) -> dict[str, str]:
    """The production settings, on the test's data directory (its secret key and key-encryption key)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "erdem.settings",
        "ERDEM_DATA_DIR": str(settings.DATA_DIR),
        "ERDEM_SECRET_KEY": settings.SECRET_KEY,
        "ERDEM_JOB_BACKEND": "database",
        "ERDEM_EMAIL_URL": "console://",
        "ERDEM_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`manage.py *args` in a child process, its output appended to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603 - our own manage.py and arguments
            [sys.executable, MANAGE, *args], env=env, stdout=output, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
        )


def wait_until(condition: Callable[[], Any], *, what: str, every: float = 0.05) -> Any:
    """Poll `condition` until it returns something true; fail (not hang) after SAFETY_TIMEOUT."""
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
