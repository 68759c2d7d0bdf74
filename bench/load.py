"""Load: 200 educators at once against the production set-up, with no error allowed.

Loads the demo programme into a throwaway database (erdem_bench_load on the local PostgreSQL
server when DATABASE_URL is not set, else SQLite), starts gunicorn on loopback with the production
settings (plus the bare baseline view) and several workers of several threads, and a job worker
(quiz results and finished courses queue jobs). Locust (bench/load_locustfile.py) then plays
`--users` demo educators, each signing in with their own account: enrolled in a course (those still
taking one first), they open the dashboard, their courses, the course, the lesson where they left off
and the next one, mark lessons done, take the lesson's quiz (an attempt started, the drawn questions
answered, submitted), open their credentials and check one on the public verifier, with one to five
seconds between pages. They are spawned at `--spawn-rate` a second and run for `--duration` seconds.
A few probes request the bare Django view once a second each: its percentiles, taken under the same
load in the same run, show what the machine gives a request that does nothing, so the pages'
figures can be read relative to it.

Every response must be the one expected: 200 for pages, a redirect to the right place for forms, the
verdict each credential gets when verified in-process beforehand; anything else, a connection error
or a failed background job is an error, and the run exits with status 1. Expected refusals (a quiz
whose attempts are used up) are counted apart. Latency percentiles are computed from every request's
time (not Locust's rounded histogram); the CPU time of the gunicorn workers, of the database's server
processes for this database, of the job worker and of Locust itself is read from /proc during the run
to show what limits it. A JSON file with the figures is written to bench/results/.
"""

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import PYTHON, ROOT, Environment, demo_environment, gunicorn

LOAD_DATABASE = "erdem_bench_load"
LOCUSTFILE = Path(__file__).with_name("load_locustfile.py")
RESULTS = ROOT / "bench" / "results"
PROBES = 5  # clients requesting the bare view once a second each
BARE = "bare Django view (baseline)"
ORDER = [
    BARE,
    "login page",
    "sign in (POST)",
    "home (dashboard)",
    "my courses",
    "course page",
    "lesson page",
    "lesson: mark as done (POST)",
    "course survey page",
    "quiz page",
    "quiz: start an attempt (POST)",
    "attempt page (questions)",
    "quiz: submit answers (POST)",
    "attempt page (result)",
    "my credentials",
    "verify: a link (GET)",
    "credential JSON download",
    "verifier page",
    "verify: pasted JSON (POST)",
]


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", type=int, default=200, help="simulated educators (load)")
    parser.add_argument("--duration", type=int, default=180, help="seconds the load runs, ramp-up included (load)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="educators started per second (load)")
    parser.add_argument(
        "--load-workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (load)"
    )
    parser.add_argument("--load-threads", type=int, default=4, help="threads per gunicorn worker (load)")


# --- the plan: who signs in, where they are, what is right -------------------------------------------------


def plan_prepare(*, users: int, seed: int = 29) -> dict[str, Any]:
    """Accounts, courses and answer keys for the simulated educators; runs inside Django.

    Distinct demo educators (the named demo logins left out) who share the demo password, each with
    one enrolment in a published course: someone still taking a course first, at the lesson where
    they left off."""
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, identify_hasher
    from django.urls import reverse

    from bench.fixtures import _right_answers
    from erdem.access.models import Role, RoleAssignment
    from erdem.assessments.models import Question, Quiz
    from erdem.catalog.models import Course, Lesson
    from erdem.credentials.identity import credential_url
    from erdem.credentials.models import Credential
    from erdem.credentials.verification import verify_input
    from erdem.demo.services import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_login_email
    from erdem.learning.models import Enrolment
    from erdem.people.models import Person

    rng = random.Random(seed)
    password = Person.objects.get(email=demo_login_email(role=Role.EDUCATOR)).password
    # What one sign-in's password check costs the server in CPU (the hasher's work factor, by design).
    costs = []
    for _ in range(3):
        started = time.process_time()
        check_password(DEMO_PASSWORD, password)
        costs.append(time.process_time() - started)
    rows = (
        Enrolment.objects.filter(
            person__in=RoleAssignment.objects.filter(role=Role.EDUCATOR).values("person_id"),
            person__password=password,
            person__is_active=True,
            person__email_confirmed_at__isnull=False,
            course__status=Course.Status.PUBLISHED,
        )
        .exclude(person__email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        .order_by("person_id", "enrolled_at")
        .values_list("person_id", "person__email", "course_id", "course__code", "last_lesson_id", "completed_at")
    )
    chosen: dict[int, tuple[str, int, str, int | None, Any]] = {}
    for person_id, email, course_id, code, last_lesson_id, completed_at in rows:
        if person_id not in chosen or (chosen[person_id][4] is not None and completed_at is None):
            chosen[person_id] = (email, course_id, code, last_lesson_id, completed_at)
    taking = [person for person, row in chosen.items() if row[4] is None]
    finished = [person for person, row in chosen.items() if row[4] is not None]
    rng.shuffle(taking)
    rng.shuffle(finished)
    people = (taking + finished)[:users]
    if len(people) < users:
        raise SystemExit(f"The demo has {len(people)} educators enrolled in a course; {users} were asked for.")

    first_lessons: dict[int, int] = {}  # course → its first lesson
    for lesson in Lesson.objects.select_related("module").order_by("-module__position", "-position"):
        first_lessons[lesson.module.course_id] = lesson.pk
    educators = []
    for person_id in people:
        email, course_id, code, left_off, _ = chosen[person_id]
        lesson_id = left_off or first_lessons[course_id]
        educators.append({"email": email, "course": code, "lesson": reverse("catalog:lesson", args=[code, lesson_id])})

    quizzes: dict[str, list[int]] = {}
    for quiz_id, code in (
        Quiz.objects.filter(questions__isnull=False).distinct().values_list("pk", "lesson__module__course__code")
    ):
        quizzes.setdefault(code, []).append(quiz_id)
    questions = list(Question.objects.prefetch_related("choices", "translations"))
    answers = {name[1:]: value for name, value in _right_answers(questions).items()}

    # The verdict each credential gets, checked here in full; the verifier must give the same.
    theirs = list(Credential.objects.filter(person_id__in=people).values_list("public_id", flat=True))
    others = list(
        Credential.objects.filter(status=Credential.Status.ACTIVE)
        .exclude(person_id__in=people)
        .order_by("pk")
        .values_list("public_id", flat=True)[:20]
    )
    verdicts = {str(public_id): verify_input(credential_url(public_id)).verdict for public_id in theirs + others}
    return {
        "password": DEMO_PASSWORD,
        "site_url": settings.SITE_URL,
        "educators": educators,
        "taking_a_course": min(len(taking), users),
        "quizzes": quizzes,
        "answers": answers,
        "verdicts": verdicts,
        "others": [str(public_id) for public_id in others],
        "password_check_cpu_ms": 1000 * sorted(costs)[1],
        "password_hasher": f"{identify_hasher(password).algorithm}, {password.split('$')[1]} iterations",
    }


# --- what uses the CPU --------------------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, command line, user + system ticks) of a process; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return int(fields[1]), command, int(fields[11]) + int(fields[12])


class CpuSampler(threading.Thread):
    """Reads every few seconds the CPU time of the processes that matter, grouped: gunicorn's workers,
    the database server's processes serving `database` (PostgreSQL names them after it), the job
    worker and Locust; and the whole machine's busy time from /proc/stat."""

    def __init__(self, *, gunicorn_pid: int, database: str, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.gunicorn_pid = gunicorn_pid
        self.database = database
        self.pids = pids  # group name → pid
        self.start_ticks: dict[int, int] = {}
        self.last_ticks: dict[int, tuple[str, int]] = {}
        self.stopping = threading.Event()
        self.machine_start = self._machine()
        self.started = time.monotonic()
        self.samples: list[dict[str, float]] = []  # per interval: group → share of one core
        self._sample(first=True)

    @staticmethod
    def _machine() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    def _group(self, pid: int, parent: int, command: str) -> str | None:
        if parent == self.gunicorn_pid:
            return "gunicorn workers"
        if command.startswith("postgres: ") and f" {self.database} " in command:
            return "PostgreSQL (this database)"
        return next((name for name, known in self.pids.items() if known == pid), None)

    def _sample(self, *, first: bool = False) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            found = _cpu_ticks(int(entry.name))
            if found is None:
                continue
            parent, command, ticks = found
            group = self._group(int(entry.name), parent, command)
            if group is None:
                continue
            if first:
                self.start_ticks[int(entry.name)] = ticks
            self.last_ticks[int(entry.name)] = (group, ticks)

    def run(self) -> None:
        while not self.stopping.wait(2.0):
            self._sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds per group over the run, and the machine's busy share of all its cores."""
        self._sample()
        self.stopping.set()
        self.join()
        elapsed = time.monotonic() - self.started
        seconds: dict[str, float] = {}
        for pid, (group, ticks) in self.last_ticks.items():
            used = ticks - self.start_ticks.get(pid, 0)
            seconds[group] = seconds.get(group, 0.0) + used / os.sysconf("SC_CLK_TCK")
        busy_end, total_end = self._machine()
        busy_start, total_start = self.machine_start
        seconds["elapsed"] = elapsed
        seconds["machine busy share"] = (busy_end - busy_start) / max(1, total_end - total_start)
        return seconds


# --- figures -------------------------------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def summary(samples: list[list[Any]], seconds: float) -> dict[str, Any]:
    """Count, errors, rate and percentiles (ms) of (name, ms, start, error) samples."""
    times = sorted(float(sample[1]) for sample in samples)
    return {
        "requests": len(samples),
        "errors": sum(1 for sample in samples if sample[3] is not None),
        "per_second": len(samples) / seconds if seconds else 0.0,
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "max_ms": times[-1] if times else 0.0,
    }


def jobs_outcome(timeout: float = 120.0) -> dict[str, int]:
    """Background jobs by task and status, once the queue is empty (or `timeout` seconds have passed),
    those the demo's loading queued included."""
    from django.db import connections
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists() and time.monotonic() < deadline:
        time.sleep(1)
    counts = DBTaskResult.objects.values_list("task_path", "status").annotate(n=Count("pk"))
    outcome = {f"{path.rsplit('.', 1)[-1]} {status}": int(n) for path, status, n in counts}
    connections.close_all()
    return outcome


def run(environment: Environment, *, users: int, duration: int, spawn_rate: float, workers: int, threads: int) -> bool:
    """Plays the educators for `duration` seconds, prints the table and writes the JSON; false on any error."""
    plan = plan_prepare(users=users)
    scratch = Path(tempfile.mkdtemp(prefix="erdem-load-"))
    plan_file, samples_file = scratch / "plan.json", scratch / "samples.json"
    plan_file.write_text(json.dumps(plan))
    server_env = {**environment.env, "ERDEM_JOB_BACKEND": "database"}
    database = server_env.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    load_before = os.getloadavg()
    job_worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1", "--verbosity", "0"],
        cwd=ROOT,
        env=server_env,
    )
    locust_log = scratch / "locust.log"
    # A short graceful timeout: requests still queued when Locust stops are not waited for.
    options = (
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "3",
        "--log-level",
        "warning",
    )
    try:
        with gunicorn(server_env, "bench.wsgi", *options) as server, locust_log.open("w") as log:
            print(
                f"Load: {users} educators spawned at {spawn_rate:g}/s for {duration} s against gunicorn "
                f"({workers} workers × {threads} threads) on port {server.port} ...",
                flush=True,
            )
            locust = subprocess.Popen(
                [
                    str(Path(PYTHON).parent / "locust"),
                    *("-f", str(LOCUSTFILE), "--headless", "--only-summary", "--loglevel", "WARNING"),
                    *("--users", str(users + PROBES), "--spawn-rate", str(spawn_rate)),
                    *("--run-time", f"{duration}s", "--host", f"http://127.0.0.1:{server.port}"),
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    "ERDEM_LOAD_PLAN": str(plan_file),
                    "ERDEM_LOAD_SAMPLES": str(samples_file),
                    "ERDEM_LOAD_PROBES": str(PROBES),
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            sampler = CpuSampler(
                gunicorn_pid=server.pid, database=database, pids={"job worker": job_worker.pid, "Locust": locust.pid}
            )
            sampler.start()
            try:
                locust.wait(timeout=duration + 120)
            except subprocess.TimeoutExpired:
                locust.kill()
                locust.wait()
            cpu = sampler.stop()
        jobs = jobs_outcome()
    finally:
        job_worker.terminate()
        job_worker.wait(timeout=30)
    load_after = os.getloadavg()
    if not samples_file.exists():
        print(locust_log.read_text()[-3000:])
        raise RuntimeError("Locust wrote no samples")
    recorded = json.loads(samples_file.read_text())
    shutil.rmtree(scratch, ignore_errors=True)
    return report(
        plan=plan,
        recorded=recorded,
        cpu=cpu,
        jobs=jobs,
        environment=environment,
        settings={
            "users": users,
            "duration_s": duration,
            "spawn_rate": spawn_rate,
            "workers": workers,
            "threads": threads,
            "probes": PROBES,
        },
        load=(load_before[0], load_after[0]),
    )


def report(
    *,
    plan: dict[str, Any],
    recorded: dict[str, Any],
    cpu: dict[str, float],
    jobs: dict[str, int],
    environment: Environment,
    settings: dict[str, Any],
    load: tuple[float, float],
) -> bool:
    samples: list[list[Any]] = recorded["samples"]
    outcomes: dict[str, int] = recorded["outcomes"]
    started = min(sample[2] for sample in samples)
    seconds = max(sample[2] + sample[1] / 1000 for sample in samples) - started
    ramp_end = started + (settings["users"] + PROBES) / settings["spawn_rate"]
    by_name: dict[str, list[list[Any]]] = {}
    for sample in samples:
        by_name.setdefault(sample[0], []).append(sample)
    names = [name for name in ORDER if name in by_name] + sorted(set(by_name) - set(ORDER))
    rows = {name: summary(by_name[name], seconds) for name in names}
    educators = [sample for sample in samples if sample[0] != BARE]
    rows["all educator requests"] = summary(educators, seconds)
    steady = [sample for sample in educators if sample[2] >= ramp_end]
    rows["all educator requests, after ramp-up"] = summary(steady, seconds - (ramp_end - started))
    bare = rows.get(BARE)
    unexpected = {key: n for key, n in outcomes.items() if key.startswith("unexpected")}
    failed_jobs = sum(n for key, n in jobs.items() if key.endswith(" FAILED"))
    errors = sum(1 for sample in samples if sample[3] is not None)

    print()
    print(
        f"Load · {settings['users']} educators ({plan['taking_a_course']} taking a course) · "
        f"{environment.educators:,} in the demo · {environment.database} · gunicorn {settings['workers']} workers "
        f"× {settings['threads']} threads + a job worker · {seconds:.0f} s, spawned at {settings['spawn_rate']:g}/s "
        f"(ramp-up {ramp_end - started:.0f} s) · think time 1–5 s · {PROBES} probes on the bare view at 1/s"
    )
    header = (
        f"{'request':<38} {'count':>6} {'errors':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'p50 x bare':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, row in rows.items():
        ratio = row["p50_ms"] / bare["p50_ms"] if bare and bare["p50_ms"] else 0.0
        if name.startswith("all educator"):
            print("-" * len(header))
        print(
            f"{name:<38} {row['requests']:>6} {row['errors']:>6} {row['per_second']:>6.1f} {row['p50_ms']:>7.1f} "
            f"{row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['max_ms']:>7.0f} {ratio:>10.1f}"
        )
    print("Expected answers counted apart: " + (", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())) or "none"))
    print("Background jobs after the run: " + (", ".join(f"{k} {n}" for k, n in sorted(jobs.items())) or "none"))
    cores = os.cpu_count() or 1
    shares = [
        f"{group} {cpu[group] / cpu['elapsed'] * 100:.0f} %"
        for group in ("gunicorn workers", "PostgreSQL (this database)", "job worker", "Locust")
        if group in cpu
    ]
    ours = sum(
        cpu.get(group, 0.0) for group in ("gunicorn workers", "PostgreSQL (this database)", "job worker", "Locust")
    )
    others = max(0.0, cpu["machine busy share"] * cores * cpu["elapsed"] - ours)
    print(
        f"CPU over the run, in % of one core ({cores} cores): {', '.join(shares)}; "
        f"other work on the machine {others / cpu['elapsed'] * 100:.0f} %; "
        f"the machine busy {cpu['machine busy share'] * 100:.0f} % of the time."
    )
    signed_in = rows.get("sign in (POST)", {}).get("requests", 0) - rows.get("sign in (POST)", {}).get("errors", 0)
    hashing = signed_in * plan["password_check_cpu_ms"] / 1000
    workers_cpu = cpu.get("gunicorn workers", 0.0)
    print(
        f"One sign-in's password check costs {plan['password_check_cpu_ms']:.0f} ms of CPU "
        f"({plan['password_hasher']}): "
        f"the {signed_in} sign-ins took about {hashing:.0f} s of the workers' {workers_cpu:.0f} s of CPU "
        f"({hashing / workers_cpu * 100 if workers_cpu else 0:.0f} %)."
    )
    print(f"Load average (1 min): {load[0]:.1f} before, {load[1]:.1f} after.")
    for sample in [sample for sample in samples if sample[3] is not None][:10]:
        print(f"Error, {sample[2] - started:.0f} s into the run, after {sample[1]:.0f} ms: {sample[0]}: {sample[3]}")
    for key, n in unexpected.items():
        print(f"Error: {key} ({n})")
    if failed_jobs:
        print(f"Error: {failed_jobs} background jobs failed.")

    RESULTS.mkdir(parents=True, exist_ok=True)
    moment = datetime.now(UTC)
    path = RESULTS / f"load-{moment:%Y%m%dT%H%M%SZ}.json"
    document = {
        "measured_at": moment.isoformat(timespec="seconds"),
        "database": environment.database,
        "demo_educators": environment.educators,
        "settings": settings,
        "seconds": seconds,
        "ramp_up_s": ramp_end - started,
        "requests": rows,
        "outcomes": outcomes,
        "jobs": jobs,
        "cpu_seconds": cpu,
        "password_check_cpu_ms": plan["password_check_cpu_ms"],
        "password_hasher": plan["password_hasher"],
        "cores": cores,
        "load_average": {"before": load[0], "after": load[1]},
    }
    path.write_text(json.dumps(document, indent=2))
    print(f"Figures written to {path.relative_to(ROOT)}.")
    return errors == 0 and not unexpected and failed_jobs == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=2054)
    arguments(parser)
    args = parser.parse_args()
    with demo_environment(args.educators, name=LOAD_DATABASE) as environment:
        ok = run(
            environment,
            users=args.users,
            duration=args.duration,
            spawn_rate=args.spawn_rate,
            workers=args.load_workers,
            threads=args.load_threads,
        )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
