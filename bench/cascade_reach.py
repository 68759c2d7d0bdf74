"""The cascade's reads at national scale, as ratios to a single indexed lookup in the same run.

A programme with N educators (100,000 by default) in institutions of the 22 regions is created with
bulk_create in a throwaway database, with a train-the-trainer cascade of realistic shape: 22 master
teachers, 100 regional trainers (appointed to their region; two remote regions have none), and
below them generations 2 to 5 of educators (about 60 % of them reached), trained over two years,
half of them holding an active micro-certificate (stand-in credential rows: the reads look only at
the holder, the achievement, the status and the date). Then, each timed several times (median):

- the baseline: one LineageNode looked up by (programme, person), the unique index;
- reach_by_master, reach_of for each master teacher, reach_of for trainers further down,
  branch_tree and its sunburst, region_table and growth (erdem.cascade.selectors), with their
  query counts;
- the reach of every master teacher three ways: the materialised path (a prefix match per master),
  the root column (one GROUP BY) and a recursive CTE over the trainer links (docs/decisions/0016),
  and the reach of one trainer further down by prefix match and by recursive CTE.

PostgreSQL (a throwaway database erdem_bench_cascade on the local server) when one is reachable
and DATABASE_URL is not set, else SQLite in a temporary data directory. With DATABASE_URL set, that
database is used and must hold no programme yet.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.harness import empty_database

CASCADE_DATABASE = "erdem_bench_cascade"
BATCH_SIZE = 5000
MASTERS = 22
TRAINERS = 100
# Share of the educators in each generation below the regional trainers (generations 2 to 5).
GENERATION_SHARES = (0.04, 0.38, 0.15, 0.03)
# When each generation was trained: (first day, last day).
GENERATION_DATES = (
    (dt.date(2025, 1, 6), dt.date(2025, 3, 28)),
    (dt.date(2025, 3, 3), dt.date(2025, 9, 26)),
    (dt.date(2025, 6, 2), dt.date(2026, 6, 26)),
    (dt.date(2026, 1, 5), dt.date(2026, 10, 30)),
    (dt.date(2026, 6, 1), dt.date(2026, 11, 20)),
)
NO_TRAINER_REGIONS = ("MN-064", "MN-071")  # Govisümber, Bayan-Ölgii: gaps on the map


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cascade-educators", type=int, default=100_000, help="educators in the cascade benchmark's programme"
    )


def _moment(rng: random.Random, generation: int) -> dt.datetime:
    first, last = GENERATION_DATES[min(generation, len(GENERATION_DATES) - 1)]
    day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC)


def cascade_prepare(educators: int, *, seed: int = 16) -> dict[str, Any]:
    """The programme, its institutions, people, roles, appointments, lineage and credentials."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from erdem.access.models import Role, RoleAssignment
    from erdem.cascade.models import Appointment, LineageNode, Tier
    from erdem.credentials.models import Achievement, Credential, IssuerKey, StatusList
    from erdem.organisations.models import Institution, Region
    from erdem.people.models import Person
    from erdem.programmes.models import Programme

    if Programme.objects.exists():
        raise SystemExit("The cascade benchmark needs an empty database; this one holds a programme.")
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("iso_code"))
    capital = next(region for region in regions if region.kind == Region.Kind.CAPITAL)
    with transaction.atomic():
        institutions = Institution.objects.bulk_create(
            Institution(
                code=f"bench-{region.iso_code.lower()}-{number}",
                name_en=f"{region.name_en} institution {number}",
                name_mn=f"{region.name_mn} сургууль {number}",
                short_name_en=f"{region.iso_code}-{number}",
                short_name_mn=f"{region.iso_code}-{number}",
                kind=Institution.Kind.UNIVERSITY if number == 1 else Institution.Kind.COLLEGE,
                ownership=Institution.Ownership.STATE,
                region=region,
            )
            for region in regions
            for number in range(1, (16 if region == capital else 3) + 1)
        )
        by_region: dict[int, list[Institution]] = {}
        for institution in institutions:
            by_region.setdefault(institution.region_id, []).append(institution)
        programme = Programme.objects.create(
            slug="bench-cascade",
            name_en="Benchmark cascade",
            name_mn="Хэмжилтийн сургалтын шат",
            national_centre=by_region[capital.pk][0],
            starts_on=dt.date(2025, 1, 1),
        )
        # Where the educators work: 45 % in the capital, the rest spread unevenly over the aimags.
        weights = [(0.45 if region == capital else rng.uniform(0.5, 1.5)) for region in regions]
        aimag_total = sum(weight for region, weight in zip(regions, weights, strict=True) if region != capital)
        weights = [w if r == capital else 0.55 * w / aimag_total for r, w in zip(regions, weights, strict=True)]
        password = make_password(None)
        joined = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)

        def people_create(count: int, prefix: str, pick: Callable[[int], Institution]) -> list[Person]:
            created: list[Person] = []
            for start in range(0, count, BATCH_SIZE):
                created += Person.objects.bulk_create(
                    Person(
                        email=f"{prefix}{number}@bench.erdem.mn",
                        password=password,
                        family_name=f"{prefix.title()}",
                        given_name=f"№{number}",
                        institution=pick(number),
                        date_joined=joined,
                    )
                    for number in range(start, min(start + BATCH_SIZE, count))
                )
            return created

        region_of_educator = rng.choices(regions, weights=weights, k=educators)
        people = people_create(educators, "educator", lambda n: rng.choice(by_region[region_of_educator[n].pk]))
        master_regions = [capital if index < 10 else regions[index % len(regions)] for index in range(MASTERS)]
        masters = people_create(MASTERS, "master", lambda n: by_region[master_regions[n].pk][0])
        trainer_regions = [r for r in regions if r.iso_code not in NO_TRAINER_REGIONS]
        trainer_region = [trainer_regions[index % len(trainer_regions)] for index in range(TRAINERS)]
        trainers = people_create(TRAINERS, "trainer", lambda n: rng.choice(by_region[trainer_region[n].pk]))

        roles = [RoleAssignment(person=p, role=Role.EDUCATOR, programme=programme) for p in people]
        roles += [RoleAssignment(person=p, role=Role.MASTER_TEACHER, programme=programme) for p in masters]
        roles += [
            RoleAssignment(person=p, role=Role.TRAINER, programme=programme, region=trainer_region[n])
            for n, p in enumerate(trainers)
        ]
        roles = RoleAssignment.objects.bulk_create(roles, batch_size=BATCH_SIZE)
        role_of = {(role.person_id, role.role): role for role in roles if role.role != Role.EDUCATOR}
        appointments = Appointment.objects.bulk_create(
            [
                Appointment(
                    person=person,
                    programme=programme,
                    tier=Tier.MASTER_TEACHER,
                    starts_on=dt.date(2025, 1, 1),
                    term_ends_on=dt.date(2028, 1, 1),
                    role_assignment=role_of[(person.pk, Role.MASTER_TEACHER)],
                    prerequisites=[],
                )
                for person in masters
            ]
            + [
                Appointment(
                    person=person,
                    programme=programme,
                    tier=Tier.REGIONAL_TRAINER,
                    starts_on=dt.date(2025, 2, 1),
                    term_ends_on=dt.date(2028, 2, 1),
                    role_assignment=role_of[(person.pk, Role.TRAINER)],
                    prerequisites=[],
                )
                for person in trainers
            ]
        )
        Appointment.regions.through.objects.bulk_create(
            Appointment.regions.through(appointment_id=appointment.pk, region_id=trainer_region[index].pk)
            for index, appointment in enumerate(appointments[MASTERS:])
        )

        # The lineage: masters at the roots; each trainer below a master; generation g + 1 below someone
        # of generation g in the same region when there is one, else anywhere.
        nodes: dict[int, LineageNode] = {}
        region_of_person = {p.pk: region_of_educator[n].pk for n, p in enumerate(people)}
        region_of_person.update({p.pk: trainer_region[n].pk for n, p in enumerate(trainers)})

        def place(person_id: int, trainer_id: int | None, generation: int) -> None:
            parent = nodes.get(trainer_id) if trainer_id is not None else None
            nodes[person_id] = LineageNode(
                programme=programme,
                person_id=person_id,
                trainer_id=trainer_id,
                root_id=parent.root_id if parent else person_id,
                depth=generation,
                path=f"{parent.path if parent else '/'}{person_id}/",
                source=LineageNode.Source.APPOINTMENT if generation <= 1 else LineageNode.Source.WORKSHOP,
                trained_at=_moment(rng, generation - 1) if generation else dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            )

        for master in masters:
            place(master.pk, None, 0)
        for index, trainer in enumerate(trainers):
            place(trainer.pk, masters[index % MASTERS].pk, 1)
        previous = [trainer.pk for trainer in trainers]
        unplaced = [person.pk for person in people]
        rng.shuffle(unplaced)
        for generation, share in enumerate(GENERATION_SHARES, start=2):
            count = int(share * educators)
            chosen, unplaced = unplaced[:count], unplaced[count:]
            nearby: dict[int, list[int]] = {}
            for person_id in previous:
                nearby.setdefault(region_of_person[person_id], []).append(person_id)
            for person_id in chosen:
                place(person_id, rng.choice(nearby.get(region_of_person[person_id]) or previous), generation)
            previous = chosen
        LineageNode.objects.bulk_create(nodes.values(), batch_size=BATCH_SIZE)

        # Half of everyone trained holds an active micro-certificate, awarded 5 to 120 days after.
        achievement = Achievement.objects.create(
            programme=programme,
            code="BENCH-MC",
            status=Achievement.Status.ACTIVE,
            name_mn="Хэмжилтийн бичил гэрчилгээ",
            name_en="Benchmark micro-certificate",
            description_mn="-",
            description_en="-",
            criteria_mn="-",
            criteria_en="-",
            workload_hours=10,
        )
        key = IssuerKey.objects.create(public_multibase="z-bench-stand-in", private_encrypted=b"", kek_id="bench")
        certified = [node for node in nodes.values() if node.depth >= 2 and rng.random() < 0.5]
        status_list = StatusList.objects.create(number=1, length=len(certified) + 1, allocated=len(certified), bits=b"")
        now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
        Credential.objects.bulk_create(
            (
                Credential(
                    verification_code=f"B{index:08d}",
                    achievement=achievement,
                    person_id=node.person_id,
                    method=Credential.Method.BULK,
                    issued_at=awarded,
                    awarded_at=awarded,
                    identity_salt="bench",
                    status_list=status_list,
                    status_index=index,
                    key=key,
                    document={},
                    jwt="",
                )
                for index, node in enumerate(certified)
                for awarded in [min(node.trained_at + dt.timedelta(days=rng.randint(5, 120)), now)]
            ),
            batch_size=BATCH_SIZE,
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "programme": programme,
        "masters": masters,
        "nodes": len(nodes),
        "certified": len(certified),
        "deep": rng.sample([node.person_id for node in nodes.values() if node.depth == 2], 20),
        "people": [node.person_id for node in nodes.values()],
    }


def _measure(call: Callable[[], Any], *, repeats: int) -> tuple[float, int]:
    """(median milliseconds over `repeats` runs, SQL queries of one run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(captured.captured_queries)


def run(*, educators: int) -> bool:
    """Prepares the cascade, prints the table; false when the ways of counting disagree."""
    from django.db import connection

    from erdem.cascade import selectors
    from erdem.cascade.charts import sunburst_svg
    from erdem.cascade.models import LineageNode
    from erdem.cascade.services import lineage_move
    from erdem.people.models import Person

    print(f"Preparing: a cascade over {educators:,} educators ...", flush=True)
    start = time.perf_counter()
    data = cascade_prepare(educators)
    print(f"Prepared in {time.perf_counter() - start:.0f} s: {data['nodes']:,} lineage nodes, "
          f"{data['certified']:,} certified.", flush=True)  # fmt: skip
    programme, masters = data["programme"], data["masters"]
    table = LineageNode._meta.db_table
    rng = random.Random(7)
    sample = rng.sample(data["people"], 200)
    deep = list(Person.objects.filter(pk__in=data["deep"]))

    def baseline() -> None:
        for person_id in sample:
            LineageNode.objects.filter(programme=programme, person_id=person_id).first()

    def every_master_by_prefix() -> dict[int, int]:
        with connection.cursor() as cursor:
            counts = {}
            for master in masters:
                cursor.execute(
                    f"SELECT COUNT(*) - 1 FROM {table} WHERE programme_id = %s AND path LIKE %s",  # noqa: S608
                    [programme.pk, f"/{master.pk}/%"],
                )
                counts[master.pk] = cursor.fetchone()[0]
        return counts

    def every_master_by_root() -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT root_id, COUNT(*) - 1 FROM {table} WHERE programme_id = %s GROUP BY root_id",  # noqa: S608
                [programme.pk],
            )
            return dict(cursor.fetchall())

    def every_master_by_cte() -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH RECURSIVE branch(root_id, person_id) AS (
                        SELECT person_id, person_id FROM {table} WHERE programme_id = %s AND trainer_id IS NULL
                        UNION ALL
                        SELECT branch.root_id, node.person_id FROM {table} node
                        JOIN branch ON node.trainer_id = branch.person_id AND node.programme_id = %s)
                    SELECT root_id, COUNT(*) - 1 FROM branch GROUP BY root_id""",  # noqa: S608
                [programme.pk, programme.pk],
            )
            return dict(cursor.fetchall())

    def deep_by_prefix() -> list[int]:
        counts = []
        with connection.cursor() as cursor:
            for person in deep:
                cursor.execute(
                    f"SELECT path FROM {table} WHERE programme_id = %s AND person_id = %s",  # noqa: S608
                    [programme.pk, person.pk],
                )
                path = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT COUNT(*) - 1 FROM {table} WHERE programme_id = %s AND path LIKE %s",  # noqa: S608
                    [programme.pk, f"{path}%"],
                )
                counts.append(cursor.fetchone()[0])
        return counts

    def deep_by_cte() -> list[int]:
        counts = []
        with connection.cursor() as cursor:
            for person in deep:
                cursor.execute(
                    f"""WITH RECURSIVE branch(person_id) AS (
                            SELECT person_id FROM {table} WHERE programme_id = %s AND person_id = %s
                            UNION ALL
                            SELECT node.person_id FROM {table} node
                            JOIN branch ON node.trainer_id = branch.person_id AND node.programme_id = %s)
                        SELECT COUNT(*) - 1 FROM branch""",  # noqa: S608
                    [programme.pk, person.pk, programme.pk],
                )
                counts.append(cursor.fetchone()[0])
        return counts

    reach_of_master = every_master_by_root()
    widest = max(masters, key=lambda master: reach_of_master[master.pk])
    tree_holder: dict[str, Any] = {}

    def tree_and_sunburst() -> None:
        tree = selectors.branch_tree(programme=programme, person=widest, max_depth=4)
        tree_holder["svg"] = sunburst_svg(tree)

    # A write, for the record: a regional trainer's whole branch moved to another master teacher and back
    # (lineage_move: one UPDATE of the branch's paths each way).
    mover = LineageNode.objects.filter(programme=programme, depth=1).exclude(root=widest).order_by("-person_id").first()
    assert mover is not None
    mover_person, mover_master = mover.person, mover.trainer
    mover_branch = LineageNode.objects.filter(programme=programme, path__startswith=mover.path).count()

    def move_and_back() -> None:
        lineage_move(programme=programme, person=mover_person, trainer=widest)
        lineage_move(programme=programme, person=mover_person, trainer=mover_master)

    rows: list[tuple[str, int, float, int]] = []  # (what, calls, median ms per run, queries per run)
    base_ms, base_queries = _measure(baseline, repeats=5)
    rows.append(("baseline: LineageNode by (programme, person)", len(sample), base_ms, base_queries))
    measures: list[tuple[str, int, Callable[[], Any], int]] = [
        ("reach_by_master (all 22 master teachers)", 1, lambda: selectors.reach_by_master(programme=programme), 5),
        (
            "reach_of each master teacher",
            len(masters),
            lambda: [selectors.reach_of(programme=programme, person=master) for master in masters],
            3,
        ),
        (
            "reach_of a trainer of generation 2",
            len(deep),
            lambda: [selectors.reach_of(programme=programme, person=person) for person in deep],
            3,
        ),
        ("branch_tree + sunburst_svg (widest master, 4 generations)", 1, tree_and_sunburst, 3),
        ("region_table (22 regions)", 1, lambda: selectors.region_table(programme=programme), 5),
        ("growth (months)", 1, lambda: selectors.growth(programme=programme), 5),
        (f"lineage_move of a trainer's branch ({mover_branch:,} people), there and back", 2, move_and_back, 3),
        ("every master: materialised path, prefix match each", len(masters), every_master_by_prefix, 5),
        ("every master: root column, one GROUP BY", 1, every_master_by_root, 5),
        ("every master: recursive CTE over trainer links", 1, every_master_by_cte, 5),
        ("generation-2 trainers: lookup + prefix match each", len(deep), deep_by_prefix, 5),
        ("generation-2 trainers: recursive CTE each", len(deep), deep_by_cte, 5),
    ]
    for name, calls, call, repeats in measures:
        ms, queries = _measure(call, repeats=repeats)
        rows.append((name, calls, ms, queries))

    ok = every_master_by_prefix() == every_master_by_root() == every_master_by_cte()
    ok &= deep_by_prefix() == deep_by_cte()
    reaches = {reach.person.pk: reach.total for reach in selectors.reach_by_master(programme=programme)}
    ok &= reaches == every_master_by_cte()

    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    per_lookup = base_ms / len(sample)
    print()
    print(
        f"Cascade reads · {database} · {educators:,} educators · {data['nodes']:,} lineage nodes · "
        f"{len(masters)} master teachers · {TRAINERS} regional trainers · {len(GENERATION_SHARES) + 1} generations"
    )
    header = f"{'what':<64} {'calls':>5} {'queries':>7} {'ms':>9} {'ms/call':>8} {'ratio':>8}"
    print(header)
    print("-" * len(header))
    for name, calls, ms, queries in rows:
        print(f"{name:<64} {calls:>5} {queries:>7} {ms:>9.1f} {ms / calls:>8.2f} {ms / calls / per_lookup:>8.1f}")
    print(
        "ms: median of the runs, for all the calls; ratio: milliseconds per call over one baseline lookup "
        f"({per_lookup:.3f} ms). Sunburst: {len(tree_holder.get('svg', '').encode()):,} bytes."
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN SELECT COUNT(*) FROM {table} WHERE programme_id = %s AND path LIKE %s",  # noqa: S608
                [programme.pk, f"/{widest.pk}/%"],
            )
            plan = [line for (line,) in cursor.fetchall()]
        index_lines = [line.strip() for line in plan if "Index" in line] or [plan[0].strip()]
        print("Plan of one master's prefix match:", " / ".join(index_lines))
    print(f"Load average (1 min) of this machine ({os.cpu_count()} cores): {os.getloadavg()[0]:.1f} after the run.")
    if not ok:
        print("FAIL: the materialised path, the root column and the recursive CTE disagree.")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    arguments(parser)
    args = parser.parse_args()
    with empty_database(CASCADE_DATABASE):
        ok = run(educators=args.cascade_educators)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
