"""What every benchmark needs: a throwaway database with the demo programme, and gunicorn on loopback.

PostgreSQL (a throwaway database erdem_bench on the local server) when one is reachable and
DATABASE_URL is not set, else SQLite in a temporary data directory. Django is set up in this
process too, against the same database, so that benchmarks can prepare sessions and data.
"""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DATABASE = "erdem_bench"


@dataclass(frozen=True)
class Environment:
    env: dict[str, str]  # the environment of the server processes
    database: str  # "PostgreSQL" or "SQLite"
    educators: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_available() -> bool:
    return shutil.which("psql") is not None and (
        subprocess.run(["psql", "-d", "postgres", "-Atc", "select 1"], capture_output=True).returncode == 0
    )


def manage(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed")
    return completed.stdout


@contextmanager
def empty_database(name: str) -> Iterator[str]:
    """A migrated, empty database with Django set up in this process, removed afterwards: a throwaway
    PostgreSQL database `name` on the local server when DATABASE_URL is not set and one is reachable,
    else DATABASE_URL's, else SQLite in a temporary data directory. Yields "PostgreSQL" or "SQLite"."""
    data_dir = tempfile.mkdtemp(prefix=f"{name}-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "ERDEM_DATA_DIR": data_dir}
    throwaway_postgres = "DATABASE_URL" not in os.environ and postgres_available()
    if throwaway_postgres:
        subprocess.run(["dropdb", "--if-exists", name], check=True, capture_output=True)
        subprocess.run(["createdb", name], check=True)
        env["DATABASE_URL"] = f"postgres:///{name}"
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    django_ready = False
    try:
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        os.environ.update(env)
        import django

        django.setup()
        django_ready = True
        yield database
    finally:
        if django_ready:
            from django.db import connections

            connections.close_all()
        if throwaway_postgres:
            subprocess.run(["dropdb", "--if-exists", name], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def demo_environment(educators: int, *, name: str = BENCH_DATABASE) -> Iterator[Environment]:
    """A fresh database (`name` on the local PostgreSQL server, when used) holding the demo programme
    with `educators` educators, collected static files, and Django set up in this process; everything
    is removed afterwards."""
    data_dir = tempfile.mkdtemp(prefix="erdem-bench-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "ERDEM_DATA_DIR": data_dir}
    throwaway_postgres = "DATABASE_URL" not in os.environ and postgres_available()
    if throwaway_postgres:
        subprocess.run(["dropdb", "--if-exists", name], check=True, capture_output=True)
        subprocess.run(["createdb", name], check=True)
        env["DATABASE_URL"] = f"postgres:///{name}"
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    django_ready = False
    try:
        print(f"Preparing: {database}, demo programme with {educators:,} educators ...", flush=True)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(env, "demo_load", "--educators", str(educators))

        sys.path.insert(0, str(ROOT))
        os.environ.update(env)
        import django

        django.setup()
        django_ready = True
        yield Environment(env, database, educators)
    finally:
        if django_ready:
            from django.db import connections

            connections.close_all()
        if throwaway_postgres:
            subprocess.run(["dropdb", "--if-exists", name], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master process

    def workers_cpu_seconds(self) -> float:
        """CPU time (user and system) the worker processes have used so far. It hardly depends on
        other work sharing the machine, unlike the wall-clock rate. Database servers not included."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)"
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.pid:  # a child of the master: a worker
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(env: dict[str, str], application: str, *options: str) -> Iterator[Server]:
    """gunicorn serving `application` on a free loopback port until the block ends.

    The calling process closes its own database connections first: it holds none while the
    server runs, as in production."""
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = subprocess.Popen(
        # No control socket: its default path is shared by every gunicorn of the user.
        [
            str(Path(PYTHON).parent / "gunicorn"),
            application,
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            *options,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not answer on port {port}")
        yield Server(port, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
