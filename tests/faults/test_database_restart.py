"""PostgreSQL stopped, then restarted under traffic, behind a running gunicorn: during the outage
every page that needs the database answers a clean 503 at once (no worker hangs), and afterwards
pages work again without restarting gunicorn (CONN_HEALTH_CHECKS; erdem.core.errors)."""

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.conf import settings

from tests.faults.conftest import POSTGRESQL_PASS
from tests.faults.support import SAFETY_TIMEOUT, child_environment, free_port, manage, stop, wait_until

pytestmark = getattr(pytest.mark, POSTGRESQL_PASS)

EMAIL = "restart@example.mn"
PASSWORD = "a long test password 7"
REQUEST_TIMEOUT = 40  # above gunicorn's 30 s worker timeout: a hung worker shows as a timeout here
# Sign-ins that may fail after the database is back before one succeeds (expected: none).
RECOVERY_BOUND = 3


def _postgresql_bin() -> Path:
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3]))
    assert found, "the PostgreSQL server binaries are missing (Debian package postgresql)"
    return Path(found[-1]).parent


class Cluster:
    """A throwaway PostgreSQL server in a temporary directory, reachable only by its Unix socket."""

    def __init__(self) -> None:
        self.bin = _postgresql_bin()
        self.root = Path(tempfile.mkdtemp(prefix="erdem-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.owner: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.owner, str(self.bin / program), *args], check=True, capture_output=True, timeout=120)  # noqa: S603

    def initdb(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "erdem", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )

    def pg_ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run(
            "pg_ctl", action, "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-o", options, *args
        )

    def createdb(self) -> None:
        subprocess.run(  # noqa: S603
            [str(self.bin / "createdb"), "-h", str(self.root), "-p", str(self.port), "-U", "erdem", "erdem"],
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"postgres://erdem@{quote(str(self.root), safe='')}:{self.port}/erdem"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Traffic:
    """Sign-ins against the server, and what came back."""

    base: str
    statuses: list[int] = field(default_factory=list)
    unavailable_pages: list[requests.Response] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # timeouts, refused connections, unexpected answers

    def _record(self, response: requests.Response) -> int:
        self.statuses.append(response.status_code)
        if response.status_code == 503:
            self.unavailable_pages.append(response)
        elif response.status_code not in (200, 302):
            self.problems.append(f"{response.request.method} {response.url}: {response.status_code}")
        return response.status_code

    def sign_in(self) -> bool:
        """Open the sign-in page, sign in (a write: session, last login), open the home page."""
        visitor = requests.Session()
        # The 503 page speaks the language of this cookie (the person's saved one needs the database).
        visitor.cookies.set("erdem_language", "en")
        try:
            page = visitor.get(f"{self.base}/accounts/login/", timeout=REQUEST_TIMEOUT)
            if self._record(page) != 200:
                return False
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token is not None
            form = {"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
            signed_in = visitor.post(page.url, data=form, allow_redirects=False, timeout=REQUEST_TIMEOUT)
            if self._record(signed_in) != 302:
                return False
            home = visitor.get(f"{self.base}{signed_in.headers['Location']}", timeout=REQUEST_TIMEOUT)
            if self._record(home) == 200 and 'action="/accounts/logout/"' not in home.text:
                self.problems.append(f"not signed in at {home.url}: {home.text[:2000]}")
            return home.status_code == 200 and 'action="/accounts/logout/"' in home.text
        except requests.RequestException as exc:
            self.problems.append(f"{type(exc).__name__}: {exc}")
            return False


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    server = Cluster()
    try:
        server.initdb()
        server.pg_ctl("start")
        server.createdb()
        yield server
    finally:
        server.remove()


def _prepare(env: dict[str, str], log: Path) -> None:
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["collectstatic", "--no-input", "--verbosity", "0"],
        [
            "shell",
            "-c",
            "from django.utils import timezone; from erdem.people.models import Person; "
            f"Person.objects.create_user({EMAIL!r}, {PASSWORD!r}, given_name='Restart', family_name='Test', "
            "preferred_language='en', email_confirmed_at=timezone.now())",
        ],
    ):
        assert manage(*command, env=env, log=log).wait(timeout=SAFETY_TIMEOUT) == 0, log.read_text()


def test_pages_recover_after_postgresql_restarts_without_restarting_gunicorn(
    cluster: Cluster, record_property: Any
) -> None:
    work = cluster.root / "app"
    work.mkdir()
    log = work / "server.log"
    env = child_environment(DATABASE_URL=cluster.url, ERDEM_DATA_DIR=str(work), ERDEM_STATIC_ROOT=str(work / "static"))
    _prepare(env, log)
    port = free_port()
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            str(Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn"),
            "erdem.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30", "--log-level", "warning"),
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    traffic = Traffic(base=f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: _answers(traffic.base) or gunicorn.poll() is not None, what="gunicorn", every=0.2)
        for _ in range(4):  # both workers now hold a database connection (CONN_MAX_AGE)
            assert traffic.sign_in(), (traffic.problems, log.read_text()[-3000:])

        # The database stops: pages that need it answer 503 at once, with Retry-After.
        cluster.pg_ctl("stop", "-m", "fast")
        outage_started = len(traffic.statuses)
        for _ in range(6):
            assert not traffic.sign_in()
        outage = traffic.statuses[outage_started:]
        assert traffic.problems == [], traffic.problems
        assert outage.count(503) >= 6
        assert all(page.headers["Retry-After"] == "30" for page in traffic.unavailable_pages)
        assert all("Back in a moment" in page.text for page in traffic.unavailable_pages)

        # Back: the stale connections are noticed and replaced; sign-ins work again.
        cluster.pg_ctl("start")
        started_at = time.monotonic()
        failed_after_start = _failures_until_success(traffic)
        first_recovery_seconds = time.monotonic() - started_at
        assert failed_after_start <= RECOVERY_BOUND
        assert all(traffic.sign_in() for _ in range(6))

        # A restart in the middle of steady traffic.
        restart = _restart_under_traffic(cluster, traffic)
        assert restart["failed_after_restart"] <= RECOVERY_BOUND
        assert all(traffic.sign_in() for _ in range(6))

        assert traffic.problems == [], traffic.problems
        assert set(traffic.statuses) <= {200, 302, 503}
        assert gunicorn.poll() is None  # never restarted
        assert "WORKER TIMEOUT" not in log.read_text()
        record_property("requests_503_during_stop", outage.count(503))
        record_property("sign_ins_failed_after_start", failed_after_start)
        record_property("seconds_to_first_sign_in_after_start", round(first_recovery_seconds, 2))
        for name, value in restart.items():
            record_property(name, value)
    finally:
        stop(gunicorn)


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/accounts/login/", timeout=REQUEST_TIMEOUT).status_code == 200
    except requests.ConnectionError:
        return False


def _failures_until_success(traffic: Traffic) -> int:
    failures = 0
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while not traffic.sign_in():
        failures += 1
        assert time.monotonic() < deadline, traffic.problems
    return failures


def _restart_under_traffic(cluster: Cluster, traffic: Traffic) -> dict[str, Any]:
    """Sign-ins from a second thread without pause while the server restarts (`pg_ctl restart -m fast`)."""
    restarted = threading.Event()
    outcome: dict[str, Any] = {"sign_ins_during_restart": 0, "failed_during_restart": 0, "failed_after_restart": 0}
    seen = len(traffic.statuses)

    def keep_signing_in() -> None:
        deadline = time.monotonic() + SAFETY_TIMEOUT
        while time.monotonic() < deadline:
            done_restarting = restarted.is_set()
            succeeded = traffic.sign_in()
            if not done_restarting:
                outcome["sign_ins_during_restart"] += 1
                outcome["failed_during_restart"] += not succeeded
            elif succeeded:
                return
            else:
                outcome["failed_after_restart"] += 1

    visitor = threading.Thread(target=keep_signing_in)
    visitor.start()
    time.sleep(0.5)  # let traffic flow before the restart (not an assertion)
    began = time.monotonic()
    cluster.pg_ctl("restart", "-m", "fast")
    outcome["restart_seconds"] = round(time.monotonic() - began, 2)
    restarted.set()
    visitor.join()
    outcome["requests_503_during_restart"] = traffic.statuses[seen:].count(503)
    return outcome
