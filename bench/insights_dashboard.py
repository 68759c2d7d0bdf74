"""The national dashboards at national scale: the rollup's rebuild, and the pages' server time as
ratios to a trivial page of the same run.

The demo programme is generated with N educators (100,000 by default: millions of lesson progress
records) in a throwaway database; the three AI courses (ai-101, ai-102, ai-103) are made the core
courses, and the rollup is rebuilt (`rollups.rollup_refresh`, timed, with the rows it writes). Then,
each timed several times after a warm-up (median and 95th percentile):

- one dashboard page's reads straight from the selectors (headline, funnel, two trends, a breakdown
  by institution and the two rankings), for a national admin and for a ministry viewer, and the same
  three headline counts (registered, completed the core courses, certified) read from the raw tables
  instead of the rollup, to show what the rollup saves;
- the pages, in-process with Django's test client (the whole middleware stack, the template, the
  queries): the bare view and the landing page as baselines, the national dashboard (whole programme,
  broken down by institution and by discipline, the last quarter, as the ministry sees it), the
  rankings, the national centre's institution dashboard and the open-data API's figures. A page that
  answers 404 is reported as not built yet and skipped.

The budget: 300 ms median server time per dashboard page (or, when no page is built yet, for one
page's reads). Exits 1 when it is exceeded or a page fails.

PostgreSQL (a throwaway database erdem_bench_insights on the local server) when one is reachable
and DATABASE_URL is not set, else SQLite in a temporary data directory. With DATABASE_URL set, that
database is used; when it already holds the demo programme, it is measured as it is (no loading).
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.harness import empty_database

INSIGHTS_DATABASE = "erdem_bench_insights"
BUDGET_MS = 300.0
CORE_CODES = ("ai-101", "ai-102", "ai-103")


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--insights-educators", type=int, default=100_000, help="educators in the dashboards benchmark's demo"
    )
    parser.add_argument("--insights-repeats", type=int, default=25, help="timed runs of each dashboard read or page")


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    queries: int | None = None
    note: str = ""


def _timed(name: str, call: Callable[[], Any], *, repeats: int, warmup: int = 2, cold: bool = True) -> Timing:
    """Median and p95 of `call`; `cold`: the process's cache is emptied before each call, so every call
    reads the rollup as the first view after a rebuild does (selectors._rollup_cached)."""
    from django.core.cache import cache
    from django.db import connection

    if cold:
        inner = call

        def call() -> Any:
            cache.clear()
            return inner()

    for _ in range(warmup):
        call()
    statements: list[str] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return Timing(name, statistics.median(times), p95, len(statements))


def load(educators: int) -> tuple[Any, float]:
    """The demo programme (generated unless the database holds one) and the seconds it took to load."""
    from erdem.demo.services import demo_load
    from erdem.programmes.models import Programme

    existing = Programme.objects.order_by("pk").first()
    if existing is not None:
        print(f"The database already holds a programme ({existing.slug}); measuring it as it is.", flush=True)
        return existing, 0.0
    print(f"Loading the demo programme with {educators:,} educators ...", flush=True)
    start = time.perf_counter()
    result = demo_load(educators=educators)
    return result.programme, time.perf_counter() - start


def volumes(programme: Any) -> dict[str, int]:
    from erdem.access.models import Role, RoleAssignment
    from erdem.credentials.models import Credential
    from erdem.learning.models import Enrolment, LessonProgress

    return {
        "educators": RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR).count(),
        "enrolments": Enrolment.objects.filter(course__programme=programme).count(),
        "lesson progress": LessonProgress.objects.filter(enrolment__course__programme=programme).count(),
        "credentials": Credential.objects.filter(achievement__programme=programme).count(),
    }


def page_reads(programme: Any, scope: Any) -> Callable[[], Any]:
    """What the national dashboard and its rankings read, straight from the selectors."""
    from erdem.insights import selectors
    from erdem.insights.measures import Dimension, Measure
    from erdem.insights.periods import period_from_params

    period = period_from_params(programme, {}).period
    measures = [Measure.REGISTERED, Measure.CORE_STEP, Measure.CERTIFIED]

    def read() -> None:
        selectors.headline(programme=programme, period=period, scope=scope)
        selectors.funnel(programme=programme, period=period, scope=scope)
        selectors.trend(programme=programme, period=period, scope=scope, measures=measures)
        selectors.trend(programme=programme, period=period.previous(), scope=scope, measures=measures)
        selectors.breakdown(programme=programme, period=period, scope=scope, by=Dimension.INSTITUTION)
        selectors.ranking(programme=programme, period=period, scope=scope, by=Dimension.INSTITUTION)
        selectors.ranking(programme=programme, period=period, scope=scope, by=Dimension.REGION)

    return read


def rollup_headline(programme: Any) -> Callable[[], dict[str, Any]]:
    from erdem.insights import selectors
    from erdem.insights.periods import period_from_params

    period = period_from_params(programme, {}).period

    def read() -> dict[str, Any]:
        figures = selectors.headline(programme=programme, period=period, scope=selectors.Scope())
        return {
            f.key: f.to_date.value
            for f in figures
            if f.key in ("registered", "core_completed", "certified") and f.to_date
        }

    return read


def raw_headline(programme: Any, core_ids: list[int]) -> Callable[[], dict[str, Any]]:
    """The same three figures over the whole programme counted from the raw tables, by their definitions."""
    from django.db.models import Count

    from erdem.access.models import Role, RoleAssignment
    from erdem.credentials.models import Achievement, Credential
    from erdem.learning.models import Enrolment

    def read() -> dict[str, Any]:
        educators = RoleAssignment.objects.filter(
            programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False
        ).values("person_id")
        registered = educators.values("person_id").distinct().count()
        core = (
            Enrolment.objects.filter(course_id__in=core_ids, completed_at__isnull=False, person_id__in=educators)
            .values("person_id")
            .annotate(done=Count("course_id", distinct=True))
            .filter(done=len(core_ids))
            .count()
        )
        certified = (
            Credential.objects.filter(
                achievement__programme=programme,
                achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
                status=Credential.Status.ACTIVE,
                person_id__in=educators,
            )
            .values("person_id")
            .distinct()
            .count()
        )
        return {"registered": registered, "core_completed": core, "certified": certified}

    return read


def page_targets(programme: Any) -> list[tuple[str, str, str | None, bool]]:
    """(name, path, login e-mail or None, whether it is a dashboard page under the budget)."""
    from django.urls import reverse

    from erdem.access.models import Role
    from erdem.demo.services import demo_login_email

    admin = demo_login_email(role=Role.NATIONAL_ADMIN)
    ministry = demo_login_email(role=Role.MINISTRY_VIEWER)
    centre = programme.national_centre_id
    return [
        ("bare Django view (baseline)", "/bench/bare/", None, False),
        ("landing page (anonymous)", reverse("web:landing"), None, False),
        ("dashboard: admin, whole programme", "/insights/?period=all", admin, True),
        ("dashboard: admin, by institution", "/insights/?period=all&by=institution", admin, True),
        ("dashboard: admin, by discipline", "/insights/?period=all&by=discipline", admin, True),
        ("dashboard: admin, last quarter", "/insights/?period=quarter", admin, True),
        ("dashboard: ministry viewer", "/insights/?period=all", ministry, True),
        ("rankings: admin", "/insights/rankings/", admin, True),
        ("institution dashboard: centre", f"/insights/institutions/{centre}/", admin, True),
        ("open data API: figures", "/api/v1/insights/open/figures", None, True),
    ]


def _getter(client: Any, path: str) -> Callable[[], Any]:
    return lambda: client.get(path)


def measure_pages(programme: Any, *, repeats: int) -> tuple[list[Timing], list[str], bool]:
    """Server time of each page in-process; (timings, notes, all answered)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients: dict[str | None, Client] = {}
    timings, notes, ok = [], [], True
    for name, path, login, _dashboard in page_targets(programme):
        if login not in clients:
            client = Client(SERVER_NAME="127.0.0.1")
            if login:
                client.force_login(get_user_model().objects.get(email=login))
            clients[login] = client
        client = clients[login]
        try:
            status = client.get(path).status_code
        except Exception as error:  # a page that cannot be rendered is reported, not fatal
            notes.append(f"{name}: {path} failed: {type(error).__name__}: {error}")
            ok = False
            continue
        if status == 404:
            notes.append(f"{name}: {path} answers 404 (not built yet); skipped.")
            continue
        if status != 200:
            notes.append(f"{name}: {path} answered {status}.")
            ok = False
            continue
        timings.append(_timed(name, _getter(client, path), repeats=repeats))
        if _dashboard:
            timings.append(_timed(f"{name} (seen again)", _getter(client, path), repeats=repeats, cold=False))
    return timings, notes, ok


def run(*, educators: int, repeats: int) -> bool:
    """Loads, refreshes, measures and prints; false when a page fails or the budget is exceeded."""
    from django.core.management import call_command
    from django.db import connection

    from erdem.catalog.models import Course
    from erdem.insights import rollups
    from erdem.insights.models import Fact
    from erdem.insights.selectors import Scope

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages link their static files
    programme, load_seconds = load(educators)
    sizes = volumes(programme)
    core_ids = list(Course.objects.filter(programme=programme, code__in=CORE_CODES).values_list("pk", flat=True))
    rollups.programme_insights(programme=programme).core_courses.set(core_ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    start = time.perf_counter()
    rows = rollups.rollup_refresh(programme=programme)
    refresh_seconds = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Fact._meta.db_table}")

    reads = [
        _timed("one page's reads: national admin", page_reads(programme, Scope()), repeats=repeats),
        _timed("one page's reads: ministry viewer", page_reads(programme, Scope(suppress=True)), repeats=repeats),
    ]
    from_rollup, from_raw = rollup_headline(programme), raw_headline(programme, core_ids)
    agree = from_rollup() == from_raw()
    figure_reads = [
        _timed("3 headline counts from the rollup", from_rollup, repeats=repeats),
        _timed("3 headline counts from raw tables", from_raw, repeats=max(3, repeats // 5), warmup=1),
    ]
    pages, notes, pages_ok = measure_pages(programme, repeats=repeats)

    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print()
    print(f"National dashboards · {database} · {sizes['educators']:,} educators · {sizes['enrolments']:,} enrolments · "
          f"{sizes['lesson progress']:,} lesson progress records · {sizes['credentials']:,} credentials")  # fmt: skip
    if load_seconds:
        print(f"Demo loaded in {load_seconds:.0f} s.")
    print(f"Rollup rebuilt in {refresh_seconds:.1f} s: {rows:,} rows.")
    print()
    header = f"{'read':<44} {'median ms':>9} {'p95 ms':>8} {'SQL':>4}"
    print(header)
    print("-" * len(header))
    for timing in (*reads, *figure_reads):
        print(f"{timing.name:<44} {timing.median_ms:>9.1f} {timing.p95_ms:>8.1f} {timing.queries:>4}")
    raw_ratio = figure_reads[1].median_ms / figure_reads[0].median_ms if figure_reads[0].median_ms else 0.0
    print(f"The raw tables take {raw_ratio:,.0f} times as long as the rollup for the same three counts"
          f" ({'they agree' if agree else 'THEY DISAGREE'}).")  # fmt: skip

    ok = agree and pages_ok
    dashboards = {name for name, _path, _login, dashboard in page_targets(programme) if dashboard}
    if pages:
        baseline = next((t for t in pages if t.name.startswith("bare")), pages[0])
        print()
        header = (
            f"{'page (server time, in-process)':<44} {'median ms':>9} {'p95 ms':>8} {'x bare':>7} {'SQL':>4} budget"
        )
        print(header)
        print("-" * len(header))
        for timing in pages:
            # The budget holds for the first view after a rebuild (cache empty); views seen again are shown too.
            over = timing.name in dashboards and timing.median_ms > BUDGET_MS
            ok &= not over
            verdict = ("OVER" if over else "ok") if timing.name in dashboards else ""
            ratio = timing.median_ms / baseline.median_ms if baseline.median_ms else 0.0
            print(f"{timing.name:<44} {timing.median_ms:>9.1f} {timing.p95_ms:>8.1f} {ratio:>7.1f} "
                  f"{timing.queries:>4} {verdict}")  # fmt: skip
    if not any(t.name in dashboards for t in pages):
        ok &= all(t.median_ms <= BUDGET_MS for t in reads)
        print(f"No dashboard page answered yet: the budget ({BUDGET_MS:.0f} ms) is checked on one page's reads.")
    for note in notes:
        print(f"Note: {note}")
    print(f"Budget: {BUDGET_MS:.0f} ms median server time per dashboard page. "
          f"Load average (1 min) of this machine ({os.cpu_count()} cores): {os.getloadavg()[0]:.1f}.")  # fmt: skip
    if not ok:
        print("FAIL: a page failed, the figures disagree or the budget is exceeded.")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    arguments(parser)
    args = parser.parse_args()
    with empty_database(INSIGHTS_DATABASE):
        ok = run(educators=args.insights_educators, repeats=args.insights_repeats)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
