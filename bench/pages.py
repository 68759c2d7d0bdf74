"""Requests per second of erdem's pages under concurrent load, as ratios to a bare Django view.

Starts gunicorn on loopback with the production settings (plus the bare baseline view),
signs in as the demo educator, coordinator and admin, and drives each page with
concurrent keep-alive clients for a fixed time, accepting gzip as browsers do. Quiz
submission posts right answers to open attempts prepared for demo educators who are
still taking the course, each attempt submitted once, so every request grades and
re-checks completion. Each page is driven in one-second slices alternating with the bare
view, and its ratio is to the bare view's rate over those slices: the machine is noisy
and its speed drifts, so only ratios compare between runs. SQL query counts are measured
in-process with Django's test client.
"""

import argparse
import http.client
import math
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bench.harness import Environment, Server, demo_environment, gunicorn


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass
class Target:
    name: str
    next_call: Callable[[], Call | None]  # None: nothing left to send
    expected_status: int = 200
    elapsed: float = 0.0  # seconds spent driving it, over all its slices
    cpu: float = 0.0  # CPU seconds the server's workers used meanwhile
    errors: int = 0
    exhausted: bool = False
    latencies: list[float] = field(default_factory=list)
    queries: int | None = None

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU milliseconds per response."""
        return 1000 * self.cpu / len(self.latencies) if self.latencies else 0.0


def repeating(call: Call) -> Callable[[], Call | None]:
    return lambda: call


def once_each(calls: Iterator[Call]) -> Callable[[], Call | None]:
    lock = threading.Lock()

    def next_call() -> Call | None:
        with lock:
            return next(calls, None)

    return next_call


def drive(server: Server, target: Target, seconds: float, concurrency: int) -> None:
    """`concurrency` threads, each on its own keep-alive connection, for `seconds` (or until
    the target has nothing left to send)."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        local: list[float] = []
        errors = 0
        while time.perf_counter() < deadline:
            call = target.next_call()
            if call is None:
                target.exhausted = True
                break
            started = time.perf_counter()
            try:
                connection.request(call.method, call.path, body=call.body, headers=call.headers)
                response = connection.getresponse()
                response.read()
                if response.status != target.expected_status:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                continue
            local.append(time.perf_counter() - started)
        connection.close()
        with lock:
            target.latencies.extend(local)
            target.errors += errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu_before = server.workers_cpu_seconds()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target.elapsed += time.perf_counter() - started
    target.cpu += server.workers_cpu_seconds() - cpu_before


def drive_paired(server: Server, target: Target, bare: Target, seconds: float, concurrency: int) -> None:
    """`target` and the bare view in alternating one-second slices, `seconds` each, so that
    both see the same machine even when its speed drifts under other work."""
    slices = max(1, math.ceil(seconds))
    for _ in range(slices):
        drive(server, bare, seconds / slices, concurrency)
        drive(server, target, seconds / slices, concurrency)
        if target.exhausted:
            break


def targets_prepare(submissions: int) -> list[Target]:
    """The GET pages, then quiz submission; runs inside Django."""
    from bench.fixtures import (
        CSRF_SECRET,
        page_targets,
        query_count,
        quiz_submissions,
        session_cookie,
        session_key,
        submission_query_count,
    )

    pages = page_targets()
    cookies = {login: session_cookie(login) for login in {login for _, _, login in pages if login}}
    targets = []
    for name, path, login in pages:
        headers = {"Accept-Encoding": "gzip", **({"Cookie": cookies[login]} if login else {})}
        target = Target(name, repeating(Call("GET", path, headers)))
        target.queries = query_count(path, login)
        targets.append(target)

    prepared = quiz_submissions(submissions + 1)
    spare, prepared = prepared[0], prepared[1:]
    sessions = {person_id: session_key(person_id) for person_id in {s.person_id for s in prepared}}
    calls = [
        Call(
            "POST",
            submission.path,
            {
                "Accept-Encoding": "gzip",
                "Cookie": f"sessionid={sessions[submission.person_id]}; csrftoken={CSRF_SECRET}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            submission.body,
        )
        for submission in prepared
    ]
    quiz_submit = Target("quiz submit: educator (POST)", once_each(iter(calls)), expected_status=302)
    quiz_submit.queries = submission_query_count(spare)
    targets.append(quiz_submit)
    return targets


def run(environment: Environment, *, seconds: float, concurrency: int, workers: int, submissions: int) -> bool:
    """Measures every page and prints the table; false when a request failed."""
    baseline, *pages = targets_prepare(submissions)
    paired = {page.name: Target(baseline.name, baseline.next_call) for page in pages}
    load_before = os.getloadavg()[0]
    with gunicorn(environment.env, "bench.wsgi", "--workers", str(workers), "--log-level", "warning") as server:
        for target in (baseline, *pages):  # warm up every process and cache (quiz submission consumes attempts)
            drive(server, Target(target.name, target.next_call, target.expected_status), 1.0, 4)
        for page in pages:
            drive_paired(server, page, paired[page.name], seconds, concurrency)
    for bare in paired.values():
        baseline.latencies.extend(bare.latencies)
        baseline.elapsed += bare.elapsed
        baseline.cpu += bare.cpu
        baseline.errors += bare.errors

    print()
    print(
        f"Throughput · {environment.educators:,} educators · {environment.database} · gunicorn {workers} workers · "
        f"{concurrency} concurrent clients · {seconds:g} s per page in 1 s slices alternating with the bare view"
    )
    header = (
        f"{'page':<32} {'req/s':>7} {'bare req/s':>10} {'ratio to bare':>13} {'CPU ms/req':>10} {'CPU x bare':>10} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'SQL':>4}"
    )
    print(header)
    print("-" * len(header))
    for target in (baseline, *pages):
        bare = paired.get(target.name, baseline)
        latencies = sorted(target.latencies) or [0.0]
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(len(latencies) * 0.95) - 1 if len(latencies) > 1 else 0] * 1000
        cpu_times = target.cpu_ms / baseline.cpu_ms if baseline.cpu_ms else 0.0
        print(
            f"{target.name:<32} {target.rps:>7.0f} {bare.rps:>10.0f} {target.rps / bare.rps:>13.3f} "
            f"{target.cpu_ms:>10.2f} {cpu_times:>10.1f} {p50:>7.1f} {p95:>7.1f} {target.errors:>6} "
            f"{target.queries if target.queries is not None else '-':>4}"
        )
    print(
        "CPU ms/req: the gunicorn workers' CPU time per response (the database server's not included); "
        "CPU x bare: that, divided by the bare view's."
    )
    print(
        f"Load average (1 min) of this machine ({os.cpu_count()} cores): {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; other work on the machine lowers the rates and blurs the ratios."
    )
    for target in pages:
        if target.exhausted:
            print(f"Note: {target.name} ran out of prepared requests before the time was up; raise --submissions.")
    return not any(target.errors for target in (baseline, *pages))


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=8.0, help="per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--submissions", type=int, default=2500, help="open attempts prepared for quiz submission")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=2054)
    arguments(parser)
    args = parser.parse_args()
    with demo_environment(args.educators) as environment:
        ok = run(
            environment,
            seconds=args.seconds,
            concurrency=args.concurrency,
            workers=args.workers,
            submissions=args.submissions,
        )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
