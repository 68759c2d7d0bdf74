"""Requests per second of erdem's pages under concurrent load, as ratios to a bare Django view.

Starts gunicorn on loopback with the production settings (plus the bare baseline
view), loads the demo programme into a throwaway database, signs in as the demo
coordinator and admin, and drives each page with concurrent keep-alive clients for
a fixed time. Every figure is measured in the same run as its baseline; the
machine is noisy, so only ratios are comparable between runs. SQL query counts
are measured in-process with Django's test client.
"""

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Target:
    name: str
    path: str
    login: str | None
    rps: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    queries: int | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_available() -> bool:
    return shutil.which("psql") is not None and (
        subprocess.run(["psql", "-d", "postgres", "-Atc", "select 1"], capture_output=True).returncode == 0
    )


def manage(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout


def drive(port: int, target: Target, cookie: str | None, seconds: float, concurrency: int) -> None:
    """`concurrency` threads, each on its own keep-alive connection, for `seconds`."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        errors = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", target.path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            local.append(time.perf_counter() - started)
        connection.close()
        with lock:
            target.latencies.extend(local)
            target.errors += errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target.rps = len(target.latencies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=2054)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="erdem-bench-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "ERDEM_DATA_DIR": data_dir}
    if "DATABASE_URL" not in os.environ and postgres_available():
        subprocess.run(["dropdb", "--if-exists", "erdem_bench"], check=True)
        subprocess.run(["createdb", "erdem_bench"], check=True)
        env["DATABASE_URL"] = "postgres:///erdem_bench"
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"

    print(f"Preparing: {database}, demo programme with {args.educators:,} educators ...", flush=True)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(env, "demo_load", "--educators", str(args.educators))

    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()
    from bench.fixtures import page_targets, query_count, session_cookie

    targets = [Target(name, path, login) for name, path, login in page_targets()]
    cookies = {login: session_cookie(login) for login in {t.login for t in targets if t.login}}
    for target in targets:
        target.queries = query_count(target.path, target.login)
    from django.db import connections

    connections.close_all()  # the measuring process holds no connection while the server runs

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "bench.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/bench/bare/")
                break
            except OSError:
                time.sleep(0.1)
        for target in targets:  # warm up every process and cache
            drive(port, Target(target.name, target.path, target.login), cookies.get(target.login or ""), 1.0, 4)
        for target in targets:
            drive(port, target, cookies.get(target.login or ""), args.seconds, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if env.get("DATABASE_URL", "").endswith("erdem_bench"):
            subprocess.run(["dropdb", "--if-exists", "erdem_bench"], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)

    baseline = targets[0].rps
    print()
    print(
        f"{args.educators:,} educators · {database} · gunicorn {args.workers} workers · "
        f"{args.concurrency} concurrent clients · {args.seconds:g} s per page"
    )
    header = f"{'page':<32} {'req/s':>8} {'ratio to bare':>14} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'SQL':>5}"
    print(header)
    print("-" * len(header))
    for target in targets:
        latencies = sorted(target.latencies) or [0.0]
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(len(latencies) * 0.95) - 1 if len(latencies) > 1 else 0] * 1000
        print(
            f"{target.name:<32} {target.rps:>8.0f} {target.rps / baseline:>14.2f} {p50:>8.1f} {p95:>8.1f} "
            f"{target.errors:>7} {target.queries if target.queries is not None else '-':>5}"
        )
    if any(t.errors for t in targets):
        sys.exit(1)


if __name__ == "__main__":
    main()
