"""Bulk issuance of credentials per second, end to end, as ratios to two baselines of the same run.

N learners who completed a course are created with bulk_create in a throwaway database, with an
active achievement whose one rule is that course completed. One bulk issuance run
(`erdem.credentials.services.issuance_run_execute`, what the background job calls) then issues to
all of them: the rules checked in chunks, each credential built, signed both ways (Data Integrity
eddsa-rdfc-2022 and VC-JWT), stored with its issue event in its own transaction, and its status
list entry allocated under a row lock. Two baselines are measured in the same process on the
same database, before and after the issuance, and reported as ratios: the same number of single-row
INSERTs of a row as large as a credential (document and VC-JWT), each committed on its own, which is
the least storing can cost; and raw Ed25519 signatures of a message as large as the VC-JWT's
signing input, two per credential, which is the least signing can cost.

PostgreSQL (a throwaway database erdem_bench_issuance on the local server) when one is reachable
and DATABASE_URL is not set, else SQLite in a temporary data directory. With DATABASE_URL set, that
database is used and must hold no programme yet.
"""

import argparse
import os
import time
from dataclasses import dataclass

from bench.harness import empty_database

ISSUANCE_DATABASE = "erdem_bench_issuance"
BATCH_SIZE = 2000


@dataclass
class Measure:
    name: str
    count: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def add(self, count: int, elapsed: float, cpu: float) -> None:
        self.count += count
        self.elapsed += elapsed
        self.cpu += cpu


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--issuance-count", type=int, default=10_000, help="credentials issued by the issuance benchmark"
    )


def learners_prepare(count: int) -> tuple[int, list[int], int]:
    """An active achievement on a course, `count` people who completed the course, and an
    administrator; returns (achievement id, people's ids, administrator's id)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from erdem.catalog.models import Course, CourseTranslation
    from erdem.credentials.models import Achievement, AchievementRule
    from erdem.learning.models import Enrolment
    from erdem.organisations.models import Institution, Region
    from erdem.people.models import Person
    from erdem.programmes.models import Programme

    if Programme.objects.exists():
        raise SystemExit("The issuance benchmark needs an empty database; this one holds a programme.")
    with transaction.atomic():
        centre = Institution.objects.create(
            code="bench-centre",
            name_en="National Centre for Teacher Development",
            name_mn="Багшийн хөгжлийн үндэсний төв",
            short_name_en="NCTD",
            short_name_mn="БХҮТ",
            kind=Institution.Kind.UNIVERSITY,
            ownership=Institution.Ownership.STATE,
            region=Region.objects.order_by("iso_code")[0],
        )
        programme = Programme.objects.create(
            slug="bench",
            name_en="Benchmark programme",
            name_mn="Хэмжилтийн хөтөлбөр",
            national_centre=centre,
            starts_on=dt.date(2024, 9, 1),
        )
        course = Course.objects.create(
            programme=programme,
            code="ai-101",
            level=Course.Level.FOUNDATIONAL,
            workload_hours=10,
            languages=["mn", "en"],
            status=Course.Status.PUBLISHED,
        )
        CourseTranslation.objects.bulk_create(
            CourseTranslation(course=course, language_code=code, title=title, summary=title, status="published")
            for code, title in (("mn", "Хиймэл оюун ухааны үндэс"), ("en", "Fundamentals of AI"))
        )
        achievement = Achievement.objects.create(
            programme=programme,
            code="AI-101-MC",
            status=Achievement.Status.ACTIVE,
            name_mn="Хиймэл оюун ухааны үндэс",
            name_en="Fundamentals of AI",
            name_traditional="ᠬᠢᠮᠡᠯ ᠣᠶᠤᠨ ᠤᠬᠠᠭᠠᠨ",
            description_mn="Багш хиймэл оюун ухааныг сургалтдаа хариуцлагатай ашиглах чадвартайг гэрчилнэ.",
            description_en="Certifies that the teacher uses AI responsibly in teaching.",
            criteria_mn="Сургалтыг бүрэн дүүргэсэн.",
            criteria_en="Completed the course.",
            outcomes_mn="Хиймэл оюун ухааны хэрэгслийг сонгох\nЁс зүйн эрсдэлийг үнэлэх",
            outcomes_en="Choose AI tools\nAssess ethical risks",
            workload_hours=Decimal("10"),
            ects=Decimal("0.5"),
            eqf_level=7,
            quality_assurance_mn="Үндэсний төвийн эрдмийн зөвлөл хянасан.",
            quality_assurance_en="Reviewed by the national centre's academic council.",
        )
        AchievementRule.objects.create(
            achievement=achievement, kind=AchievementRule.Kind.COURSE_COMPLETED, course=course
        )
        password = make_password(None)
        joined = timezone.now()
        admin = Person.objects.create(
            email="admin@bench.erdem.mn", password=password, given_name="Админ", family_name="Үндэсний",
            institution=centre, date_joined=joined,
        )  # fmt: skip
        ids: list[int] = []
        for start in range(0, count, BATCH_SIZE):
            people = Person.objects.bulk_create(
                Person(
                    email=f"learner{number}@bench.erdem.mn",
                    password=password,
                    given_name="Суралцагч",
                    family_name=f"№{number}",
                    institution=centre,
                    date_joined=joined,
                )
                for number in range(start, min(start + BATCH_SIZE, count))
            )
            Enrolment.objects.bulk_create(
                Enrolment(person=person, course=course, enrolled_at=joined, completed_at=joined) for person in people
            )
            ids.extend(person.pk for person in people)
    return achievement.pk, ids, admin.pk


def inserts_measure(measure: Measure, *, count: int, document: str, token: str) -> None:
    """`count` single-row INSERTs of a credential-sized row, each committed on its own (autocommit)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_issuance_rows")
        cursor.execute("CREATE TABLE bench_issuance_rows (id integer PRIMARY KEY, document text, jwt text)")
        offset = measure.count
        start, start_cpu = time.perf_counter(), time.process_time()
        for number in range(count):
            cursor.execute(
                "INSERT INTO bench_issuance_rows (id, document, jwt) VALUES (%s, %s, %s)",
                [offset + number, document, token],
            )
        measure.add(count, time.perf_counter() - start, time.process_time() - start_cpu)
        cursor.execute("DROP TABLE bench_issuance_rows")


def signatures_measure(measure: Measure, *, seconds: float, message: bytes) -> None:
    from erdem.credentials.keys import key_active, key_private

    private_key = key_private(key_active())
    start, start_cpu = time.perf_counter(), time.process_time()
    deadline, count = start + seconds, 0
    while True:
        private_key.sign(message)
        count += 1
        if time.perf_counter() >= deadline:
            break
    measure.add(count, time.perf_counter() - start, time.process_time() - start_cpu)


def run(*, count: int) -> bool:
    """Issues `count` credentials and prints the table; false when not every learner was issued one."""
    import json

    from django.db.models import Sum

    from erdem.credentials.models import Credential, IssuanceRun, StatusList
    from erdem.credentials.proofs.schema import ob3_schema
    from erdem.credentials.services import issuance_run_execute
    from erdem.people.models import Person

    print(f"Preparing: {count:,} learners who completed a course ...", flush=True)
    achievement_id, person_ids, admin_id = learners_prepare(count)
    issuance = Measure("issuance_run_execute: rules, 2 signatures, stored, status entry")
    inserts = Measure("baseline: INSERT of a credential-sized row, own commit")
    signatures = Measure("baseline: raw Ed25519 signature (2 per credential)")

    # A credential-sized row and message, from one credential issued to an extra learner first
    # (which also generates the signing key, as the first issuance of a server does).
    from erdem.credentials.models import Achievement
    from erdem.credentials.services import credential_issue

    sample_person = Person.objects.create(email="sample@bench.erdem.mn", given_name="Жишээ", family_name="Суралцагч")
    sample = credential_issue(
        achievement=Achievement.objects.get(pk=achievement_id),
        person=sample_person,
        method=Credential.Method.MANUAL,
        reason="A sample for the benchmark's baselines.",
        notify=False,
    )
    document = json.dumps(sample.document, ensure_ascii=False)
    message = sample.jwt.rsplit(".", 1)[0].encode()
    half = count // 2
    print(f"Baselines and the issuance of {count:,} credentials ...", flush=True)
    inserts_measure(inserts, count=half, document=document, token=sample.jwt)
    signatures_measure(signatures, seconds=2.0, message=message)

    run = IssuanceRun.objects.create(achievement_id=achievement_id, person_ids=person_ids, started_by_id=admin_id)
    start, start_cpu = time.perf_counter(), time.process_time()
    result = issuance_run_execute(issuance_run_id=run.pk)
    issuance.add(result["issued"], time.perf_counter() - start, time.process_time() - start_cpu)

    inserts_measure(inserts, count=count - half, document=document, token=sample.jwt)
    signatures_measure(signatures, seconds=2.0, message=message)
    signatures_per_credential = 2

    issued = Credential.objects.filter(achievement_id=achievement_id, method=Credential.Method.BULK).count()
    allocated = StatusList.objects.aggregate(total=Sum("allocated"))["total"] or 0
    ok = result["issued"] == issued == count and allocated == count + 1

    from django.db import connection

    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print()
    print(
        f"Bulk issuance · {database} · {count:,} credentials · one process · "
        f"OB 3.0 schema check {'on' if ob3_schema() is not None else 'off'}"
    )
    header = f"{'what':<64} {'count':>7} {'seconds':>8} {'per s':>9} {'CPU ms':>7} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for measure, per_credential in ((issuance, 1), (inserts, 1), (signatures, signatures_per_credential)):
        # Ratios compare credentials per second: a credential needs one row, and two signatures.
        credential_rate = measure.rate / per_credential
        ratio = issuance.rate / credential_rate if credential_rate else 0.0
        cpu_ms = 1000 * measure.cpu / measure.count if measure.count else 0.0
        print(
            f"{measure.name:<64} {measure.count:>7,} {measure.elapsed:>8.2f} {measure.rate:>9.1f} "
            f"{cpu_ms:>7.3f} {ratio:>7.3f}"
        )
    print(
        "ratio: the issuance's credentials per second divided by the baseline's (for signatures, half their "
        "rate: two per credential); CPU ms: this process's CPU time per item (the database server's not "
        f"included). Row: {len(document.encode()):,} + {len(sample.jwt):,} bytes."
    )
    print(f"Load average (1 min) of this machine ({os.cpu_count()} cores): {os.getloadavg()[0]:.1f} after the run.")
    if not ok:
        print(f"FAIL: {result} issued, {issued} stored, {allocated} status entries for {count} learners.")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    arguments(parser)
    args = parser.parse_args()
    with empty_database(ISSUANCE_DATABASE):
        ok = run(count=args.issuance_count)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
