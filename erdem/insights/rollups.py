"""The monthly rollup: every dashboard figure is a sum over `Fact` rows rebuilt from the raw records.

`rollup_refresh` reads the programme's raw records once (registered educators, enrolments, course
feedback, workshop attendance, micro-certificates, the cascade lineage, follow-up survey answers),
turns each record into events (`_events`), counts the events per cell and replaces the programme's
rows in one transaction, so readers see the old figures or the new ones, never a mixture. It reads
rows with `iterator()` and keeps only counters in memory: on a programme of 100,000 educators the
rebuild takes a few seconds (docs/performance.md), which is why it runs as a job and pages read the
rollup, never the raw tables.

When it runs: after the demo loads; every few minutes from `manage.py insights_refresh` (cron or a
systemd timer, as for the workshop reminders); when a page finds the figures older than
ERDEM_INSIGHTS_MAX_AGE seconds it queues a refresh (`rollup_refresh_if_stale`); and when a national
admin asks for it. A refresh already queued is not queued again.
"""

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from erdem.insights.measures import MARGINALS, Measure
from erdem.insights.models import Fact, ProgrammeInsights
from erdem.programmes.models import Programme

BATCH_SIZE = 5000
CHUNK = 5000


@dataclass(frozen=True)
class PersonCell:
    """The attributes of a registered educator that every one of their events is counted by."""

    institution_id: int | None
    region_id: int | None
    discipline: str
    gender: str
    language: str


# (measure, month, course id, step, person) -> events; people are replaced by their cell when written.
CellKey = tuple[str, dt.date, int | None, int, PersonCell]


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the moment's month in the programme's time zone."""
    return timezone.localtime(moment).date().replace(day=1)


def programme_insights(*, programme: Programme) -> ProgrammeInsights:
    settings_row, _created = ProgrammeInsights.objects.get_or_create(programme=programme)
    return settings_row


def core_course_ids(*, programme: Programme) -> list[int]:
    return sorted(programme_insights(programme=programme).core_courses.values_list("pk", flat=True))


def _people(programme: Programme) -> dict[int, tuple[PersonCell, dt.datetime]]:
    """Registered educators of the programme: their cell and when they registered."""
    from erdem.access.models import Role, RoleAssignment

    rows = (
        RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .values_list(
            "person_id",
            "person__institution_id",
            "person__institution__region_id",
            "person__discipline",
            "person__gender",
            "person__preferred_language",
            "person__email_confirmed_at",
        )
        .order_by()
    )
    cells: dict[PersonCell, PersonCell] = {}  # one object per distinct cell
    people: dict[int, tuple[PersonCell, dt.datetime]] = {}
    for person_id, institution_id, region_id, discipline, gender, language, confirmed in rows.iterator(
        chunk_size=CHUNK
    ):
        cell = PersonCell(institution_id, region_id, discipline or "", gender or "", language or "")
        people[person_id] = (cells.setdefault(cell, cell), cast(dt.datetime, confirmed))
    return people


def _events(
    programme: Programme, people: dict[int, Any], core: list[int]
) -> Iterator[tuple[str, dt.datetime, int | None, int, int]]:
    """(measure, moment, course id, step, person id) for every event of the programme's raw records."""
    from erdem.cascade.models import LineageNode
    from erdem.credentials.models import Achievement, Credential
    from erdem.insights.models import SurveyResponse
    from erdem.learning.models import CourseFeedback, Enrolment
    from erdem.workshops.models import Attendance, AttendanceStatus

    for person_id, (_cell, registered_at) in people.items():
        yield Measure.REGISTERED, registered_at, None, 0, person_id

    first_enrolled: dict[int, dt.datetime] = {}
    core_done: dict[int, list[dt.datetime]] = {}
    core_set = set(core)
    enrolments = Enrolment.objects.filter(course__programme=programme).values_list(
        "person_id", "course_id", "enrolled_at", "completed_at"
    )
    for person_id, course_id, enrolled_at, completed_at in enrolments.order_by().iterator(chunk_size=CHUNK):
        if person_id not in people:
            continue
        yield Measure.ENROLLED, enrolled_at, course_id, 0, person_id
        if person_id not in first_enrolled or enrolled_at < first_enrolled[person_id]:
            first_enrolled[person_id] = enrolled_at
        if completed_at is not None:
            yield Measure.COMPLETED, completed_at, course_id, 0, person_id
            if course_id in core_set:
                core_done.setdefault(person_id, []).append(completed_at)
    for person_id, moment in first_enrolled.items():
        yield Measure.FIRST_ENROLLED, moment, None, 0, person_id
    for person_id, moments in core_done.items():
        for step, moment in enumerate(sorted(moments), start=1):
            yield Measure.CORE_STEP, moment, None, step, person_id

    feedback = CourseFeedback.objects.filter(enrolment__course__programme=programme).values_list(
        "enrolment__person_id", "enrolment__course_id", "rating", "submitted_at"
    )
    for person_id, course_id, rating, submitted_at in feedback.order_by().iterator(chunk_size=CHUNK):
        if person_id in people:
            yield Measure.RATED, submitted_at, course_id, 0, person_id
            if rating >= 4:
                yield Measure.RATED_HIGH, submitted_at, course_id, 0, person_id

    first_attended: dict[int, dt.datetime] = {}
    attendance = Attendance.objects.filter(
        workshop__programme=programme, status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE)
    ).values_list("person_id", "workshop__course_id", "workshop__starts_at")
    for person_id, course_id, starts_at in attendance.order_by().iterator(chunk_size=CHUNK):
        if person_id in people:
            yield Measure.ATTENDED, starts_at, course_id, 0, person_id
            if person_id not in first_attended or starts_at < first_attended[person_id]:
                first_attended[person_id] = starts_at
    for person_id, moment in first_attended.items():
        yield Measure.FIRST_ATTENDED, moment, None, 0, person_id

    certified: dict[int, dt.datetime] = {}
    credentials = Credential.objects.filter(
        achievement__programme=programme,
        achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
        status=Credential.Status.ACTIVE,
    ).values_list("person_id", "awarded_at")
    for person_id, awarded_at in credentials.order_by().iterator(chunk_size=CHUNK):
        if person_id in people and (person_id not in certified or awarded_at < certified[person_id]):
            certified[person_id] = awarded_at
    for person_id, moment in certified.items():
        yield Measure.CERTIFIED, moment, None, 0, person_id

    nodes = LineageNode.objects.filter(programme=programme, depth__gt=0).values_list("person_id", "trained_at")
    for person_id, trained_at in nodes.order_by().iterator(chunk_size=CHUNK):
        if person_id in people:
            yield Measure.REACHED, trained_at, None, 0, person_id

    responses = SurveyResponse.objects.filter(invitation__survey__programme=programme).values_list(
        "invitation__person_id", "submitted_at", "integrating"
    )
    answered: dict[int, tuple[dt.datetime, bool]] = {}
    for person_id, submitted_at, integrating in responses.order_by().iterator(chunk_size=CHUNK):
        # A person answering several surveys counts once, with their latest answer.
        if person_id in people and (person_id not in answered or submitted_at > answered[person_id][0]):
            answered[person_id] = (submitted_at, integrating)
    for person_id, (submitted_at, integrating) in answered.items():
        yield Measure.RESPONDED, submitted_at, None, 0, person_id
        if integrating:
            yield Measure.INTEGRATING, submitted_at, None, 0, person_id


_COLUMNS = (
    "programme_id",
    "measure",
    "month",
    "course_id",
    "step",
    "institution_id",
    "region_id",
    "dimension",
    "value",
    "national",
    "count",
)


def _fact_rows(programme: Programme, counts: Counter[CellKey]) -> Iterator[tuple[Any, ...]]:
    """The total row and the marginal rows (discipline, gender, language) of every counted cell, per
    institution and summed over institutions (`national`), as tuples in _COLUMNS order."""
    rows: Counter[tuple[Any, ...]] = Counter()
    for (measure, month, course_id, step, cell), count in counts.items():
        for base, national in (
            ((measure, month, course_id, step, cell.institution_id, cell.region_id), False),
            ((measure, month, course_id, step, None, None), True),  # summed over institutions
        ):
            rows[(*base, "", "", national)] += count
            for dimension in MARGINALS:
                rows[(*base, dimension.value, getattr(cell, dimension.value), national)] += count
    for key, count in rows.items():
        yield (programme.pk, *key, count)


def rollup_counts(*, programme: Programme) -> Counter[CellKey]:
    """Events of the programme's raw records counted per (measure, month, course, step, cell)."""
    people = _people(programme)
    zone = timezone.get_current_timezone()
    counts: Counter[CellKey] = Counter()
    for measure, moment, course_id, step, person_id in _events(programme, people, core_course_ids(programme=programme)):
        month = moment.astimezone(zone).date().replace(day=1)
        counts[(measure, month, course_id, step, people[person_id][0])] += 1
    return counts


def rollup_refresh(*, programme: Programme) -> int:
    """Rebuild the programme's rollup from its raw records; returns the number of rows written."""
    counts = rollup_counts(programme=programme)
    written = 0
    with transaction.atomic():
        ProgrammeInsights.objects.get_or_create(programme=programme)
        ProgrammeInsights.objects.select_for_update().filter(programme=programme).first()
        Fact.objects.filter(programme=programme).delete()
        # Raw SQL: the ORM's bulk_create spends most of a rebuild preparing field values.
        table = connection.ops.quote_name(Fact._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
        insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608
        rows = _fact_rows(programme, counts)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than multi-row INSERTs for tens of thousands of rows.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
            else:
                while batch := list(itertools.islice(rows, BATCH_SIZE)):
                    cursor.executemany(insert, batch)
                    written += len(batch)
        ProgrammeInsights.objects.filter(programme=programme).update(
            refreshed_at=timezone.now(), refresh_queued_at=None
        )
    return written


def rollup_refresh_if_stale(*, programme: Programme, started_by: Any = None) -> bool:
    """Queue a refresh when the figures are older than ERDEM_INSIGHTS_MAX_AGE seconds and no refresh
    is queued (or the queued one is older than that, so a lost job does not block refreshes for ever).
    Returns whether one was queued."""
    max_age = dt.timedelta(seconds=settings.ERDEM_INSIGHTS_MAX_AGE)
    now = timezone.now()
    state = programme_insights(programme=programme)
    if state.refreshed_at is not None and now - state.refreshed_at < max_age:
        return False
    return rollup_refresh_queue(programme=programme, started_by=started_by, unless_queued_since=now - max_age)


def rollup_refresh_queue(
    *, programme: Programme, started_by: Any = None, unless_queued_since: dt.datetime | None = None
) -> bool:
    """Queue a refresh job unless one was queued after `unless_queued_since` (by default: at all)."""
    from django.db.models import Q

    from erdem.insights.tasks import rollup_refresh_task
    from erdem.jobs.models import Job
    from erdem.jobs.services import job_enqueue

    programme_insights(programme=programme)
    waiting = Q(refresh_queued_at__isnull=True)
    if unless_queued_since is not None:
        waiting |= Q(refresh_queued_at__lt=unless_queued_since)
    claimed = ProgrammeInsights.objects.filter(waiting, programme=programme).update(refresh_queued_at=timezone.now())
    if not claimed:
        return False
    job_enqueue(
        task=rollup_refresh_task, kind=Job.Kind.INSIGHTS_REFRESH, started_by=started_by, programme_id=programme.pk
    )
    return True
