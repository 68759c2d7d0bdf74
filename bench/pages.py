"""Requests per second of erdem's pages under concurrent load, as ratios to a bare Django view.

Starts gunicorn on loopback with the production settings (plus the bare baseline view),
signs in as the demo educator, coordinator and admin, and drives each page with
concurrent keep-alive clients for a fixed time, accepting gzip as browsers do. Quiz
submission posts right answers to open attempts prepared for demo educators who are
still taking the course, each attempt submitted once, so every request grades and
re-checks completion. Every figure is measured in the same run as its baseline; the
machine is noisy, so only ratios are comparable between runs. SQL query counts are
measured in-process with Django's test client.
"""

import argparse
import http.client
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bench.harness import Environment, demo_environment, gunicorn


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
    rps: float = 0.0
    errors: int = 0
    exhausted: bool = False
    latencies: list[float] = field(default_factory=list)
    queries: int | None = None


def repeating(call: Call) -> Callable[[], Call | None]:
    return lambda: call


def once_each(calls: Iterator[Call]) -> Callable[[], Call | None]:
    lock = threading.Lock()

    def next_call() -> Call | None:
        with lock:
            return next(calls, None)

    return next_call


def drive(port: int, target: Target, seconds: float, concurrency: int) -> None:
    """`concurrency` threads, each on its own keep-alive connection, for `seconds` (or until
    the target has nothing left to send)."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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
    calls = (
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
    )
    quiz_submit = Target("quiz submit: educator (POST)", once_each(iter(list(calls))), expected_status=302)
    quiz_submit.queries = submission_query_count(spare)
    targets.append(quiz_submit)
    return targets


def run(environment: Environment, *, seconds: float, concurrency: int, workers: int, submissions: int) -> bool:
    """Measures every page and prints the table; false when a request failed."""
    targets = targets_prepare(submissions)
    load_before = os.getloadavg()[0]
    with gunicorn(environment.env, "bench.wsgi", "--workers", str(workers), "--log-level", "warning") as port:
        for target in targets:  # warm up every process and cache (quiz submission consumes attempts)
            warm = Target(target.name, target.next_call, target.expected_status)
            drive(port, warm, 1.0, 4)
        for target in targets:
            drive(port, target, seconds, concurrency)
        # The machine's speed drifts while others use it: the baseline is measured again at the
        # end and each ratio uses the mean of the two.
        baseline_again = Target(targets[0].name, targets[0].next_call)
        drive(port, baseline_again, seconds, concurrency)

    first_baseline = targets[0].rps
    baseline = targets[0].rps = (first_baseline + baseline_again.rps) / 2
    print()
    print(
        f"Throughput · {environment.educators:,} educators · {environment.database} · gunicorn {workers} workers · "
        f"{concurrency} concurrent clients · {seconds:g} s per page"
    )
    header = f"{'page':<32} {'req/s':>8} {'ratio to bare':>14} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'SQL':>5}"
    print(header)
    print("-" * len(header))
    for target in targets:
        latencies = sorted(target.latencies) or [0.0]
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(len(latencies) * 0.95) - 1 if len(latencies) > 1 else 0] * 1000
        print(
            f"{target.name:<32} {target.rps:>8.0f} {target.rps / baseline:>14.3f} {p50:>8.1f} {p95:>8.1f} "
            f"{target.errors:>7} {target.queries if target.queries is not None else '-':>5}"
        )
    print(f"Baseline: {first_baseline:.0f} req/s first, {baseline_again.rps:.0f} req/s last; ratios use the mean.")
    print(
        f"Load average (1 min) of this machine ({os.cpu_count()} cores): {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; other work on the machine lowers every figure."
    )
    for target in targets:
        if target.exhausted:
            print(f"Note: {target.name} ran out of prepared requests before the time was up; raise --submissions.")
    return not any(target.errors for target in targets)


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
