"""The rollup stays right: after each change made through the services, every figure the dashboards
read (headline, funnel, breakdowns, rankings, trends) equals a count taken straight from the raw
records by the definitions in `measures.DEFINITIONS`. Also: a refresh is idempotent and atomic, a
stale rollup queues one refresh, the reads do not grow with the data, small cells are hidden, and
periods are read as documented."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import RoleAssignmentFactory
from erdem.cascade.models import LineageNode
from erdem.cascade.services import lineage_attach
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.core.privacy import HIDDEN_TEXT, THRESHOLD, hidden_cells, share_hidden, small
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.insights import rollups, selectors
from erdem.insights.measures import PER_COURSE, Dimension, Measure
from erdem.insights.models import Fact, ProgrammeInsights, Survey, SurveyInvitation, SurveyResponse
from erdem.insights.periods import MAX_MONTHS, Period, month_add, period_from_params
from erdem.insights.selectors import Scope
from erdem.jobs.models import Job
from erdem.learning.models import CourseFeedback, Enrolment
from erdem.learning.services import enrolment_create, feedback_submit, lesson_complete
from erdem.organisations.models import Institution, Region
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.people.services import person_confirm_email, person_register
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, AttendanceSource, AttendanceStatus
from erdem.workshops.services import attendance_mark
from erdem.workshops.tests.factories import register, workshop_build

pytestmark = pytest.mark.django_db

CORE_CODES = ("ai-101", "ai-102", "ai-103")


def at(year: int, month: int, day: int = 10, hour: int = 12) -> dt.datetime:
    """A moment in the programme's time zone."""
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def month_start(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())


# --- the world --------------------------------------------------------------------------------------------------


@dataclass
class World:
    programme: Programme
    institutions: list[Institution]
    regions: list[Region]
    core: list[Course]
    extra: Course
    achievement: Achievement
    educators: list[Person] = field(default_factory=list)


PROFILES = [
    # (institution index, discipline, gender, language, registered)
    (0, "education", "female", "mn", (2024, 10, 3)),
    (0, "education", "male", "mn", (2024, 10, 31, 20)),  # the evening of the 31st: still October in Ulaanbaatar
    (0, "languages", "female", "en", (2024, 11, 15)),
    (0, "", "", "mn", (2025, 1, 5)),
    (1, "natural_sciences", "female", "mn", (2025, 3, 2)),
    (1, "natural_sciences", "other", "en", (2025, 3, 20)),
    (1, "education", "male", "mn", (2025, 4, 1, 1)),  # just after midnight on 1 April, local time
    (2, "humanities", "female", "mn", (2025, 4, 18)),
    (2, "education", "female", "mn", (2025, 5, 9)),
    (2, "languages", "male", "en", (2025, 6, 30, 23)),
]


def world_build(*, copies: int = 1, institutions: int = 3, tag: str = "") -> World:
    """A programme of three core courses and one more, educators at three institutions in two
    regions with enrolments, completions, ratings, a workshop, credentials, a cascade and survey
    answers, dated over several months; plus people who must not be counted. `copies` repeats the
    educators (for a bigger world)."""
    programme = ProgrammeFactory(starts_on=dt.date(2024, 9, 1))
    capital = Region.objects.get(iso_code="MN-1")
    aimag = Region.objects.exclude(pk=capital.pk).order_by("iso_code").first()
    assert aimag is not None
    places = [InstitutionFactory(region=capital if n % 3 != 2 else aimag) for n in range(institutions)]
    core = [course_build(programme=programme, code=f"{code}{tag}", modules=1, lessons=1) for code in CORE_CODES]
    extra = course_build(programme=programme, code=f"ethics-201{tag}", modules=1, lessons=1)
    rollups.programme_insights(programme=programme).core_courses.set(core)
    achievement = achievement_create(programme=programme, code=f"AI-MC{tag}")
    world = World(programme, places, [capital, aimag], core, extra, achievement)

    for copy in range(copies):
        for index, (place, discipline, gender, language, registered) in enumerate(PROFILES):
            person = make_person(
                institution=places[(place + copy) % institutions],
                discipline=discipline,
                gender=gender,
                preferred_language=language,
                email_confirmed_at=at(*registered),
            )
            RoleAssignmentFactory(person=person, role=Role.EDUCATOR, programme=programme)
            world.educators.append(person)
            base = at(*registered) + dt.timedelta(days=3)
            # Everyone enrols in ai-101; every other person goes further.
            courses = core[: 1 + index % 3] + ([extra] if index % 4 == 0 else [])
            for number, course in enumerate(courses):
                enrolment = Enrolment.objects.create(
                    person=person, course=course, enrolled_at=base + dt.timedelta(days=number)
                )
                if index % 5 != 4:  # some never finish
                    done = base + dt.timedelta(days=20 + 25 * number)
                    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=done)
                    CourseFeedback.objects.create(
                        enrolment=enrolment,
                        rating=(5, 4, 2, 5, 3)[(index + number) % 5],
                        usefulness=4,
                        language_code="mn",
                        submitted_at=done + dt.timedelta(hours=2),
                    )
            if index in (2, 6):
                credential_create(achievement=achievement, person=person, at=base + dt.timedelta(days=60))

    # Not counted: an educator who never confirmed the address, a trainer learning on the side,
    # an educator of another programme.
    unconfirmed = make_person(institution=places[0], email_confirmed_at=None)
    RoleAssignmentFactory(person=unconfirmed, role=Role.EDUCATOR, programme=programme)
    Enrolment.objects.create(person=unconfirmed, course=core[0], enrolled_at=at(2025, 2, 1))
    trainer = make_person(institution=places[1], email_confirmed_at=at(2024, 10, 1))
    RoleAssignmentFactory(person=trainer, role=Role.TRAINER, programme=programme)
    Enrolment.objects.create(person=trainer, course=core[0], enrolled_at=at(2025, 2, 1), completed_at=at(2025, 2, 5))
    other = ProgrammeFactory(is_active=False)
    RoleAssignmentFactory(person=make_person(institution=places[0]), role=Role.EDUCATOR, programme=other)
    return world


@pytest.fixture
def world() -> World:
    return world_build()


# --- the reference: counts straight from the raw records ---------------------------------------------------------

# (person id, moment, course id) of each event of a measure; CORE_STEP per step.
Occurrences = dict[tuple[str, int], list[tuple[int, dt.datetime, int | None]]]


@dataclass
class Reference:
    people: dict[int, Person]
    events: Occurrences
    core: int

    def where(self, scope: Scope) -> Callable[[Person], bool]:
        def keep(person: Person) -> bool:
            if scope.institution_id is not None and person.institution_id != scope.institution_id:
                return False
            region_id = person.institution.region_id if person.institution else None
            return scope.region_id is None or region_id == scope.region_id

        return keep

    def count(
        self,
        measure: str,
        lo: dt.datetime | None,
        hi: dt.datetime,
        keep: Callable[[Person], bool],
        *,
        step: int = 0,
        course_id: Any = "any",
    ) -> int:
        return sum(
            1
            for person_id, moment, course in self.events.get((measure, step), [])
            if (lo is None or moment >= lo)
            and moment < hi
            and keep(self.people[person_id])
            and (course_id == "any" or course == course_id)
        )


def reference(programme: Programme) -> Reference:
    """Each definition in `measures.DEFINITIONS`, read plainly from the raw tables."""
    educator_ids = RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR).values("person_id")
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=educator_ids, email_confirmed_at__isnull=False).select_related(
            "institution"
        )
    }
    events: Occurrences = {}

    def add(measure: str, person_id: int, moment: dt.datetime, course_id: int | None = None, step: int = 0) -> None:
        events.setdefault((measure, step), []).append((person_id, moment, course_id))

    for person in people.values():
        assert person.email_confirmed_at is not None
        add(Measure.REGISTERED, person.pk, person.email_confirmed_at)

    core = set(rollups.core_course_ids(programme=programme))
    first_enrolled: dict[int, dt.datetime] = {}
    core_done: dict[int, list[dt.datetime]] = {}
    for enrolment in Enrolment.objects.filter(course__programme=programme, person_id__in=people):
        add(Measure.ENROLLED, enrolment.person_id, enrolment.enrolled_at, enrolment.course_id)
        first_enrolled[enrolment.person_id] = min(
            enrolment.enrolled_at, first_enrolled.get(enrolment.person_id, enrolment.enrolled_at)
        )
        if enrolment.completed_at is not None:
            add(Measure.COMPLETED, enrolment.person_id, enrolment.completed_at, enrolment.course_id)
            if enrolment.course_id in core:
                core_done.setdefault(enrolment.person_id, []).append(enrolment.completed_at)
    for person_id, moment in first_enrolled.items():
        add(Measure.FIRST_ENROLLED, person_id, moment)
    for person_id, moments in core_done.items():
        for step, moment in enumerate(sorted(moments), start=1):  # the step-th core course done
            add(Measure.CORE_STEP, person_id, moment, step=step)

    for feedback in CourseFeedback.objects.filter(
        enrolment__course__programme=programme, enrolment__person_id__in=people
    ).select_related("enrolment"):
        add(Measure.RATED, feedback.enrolment.person_id, feedback.submitted_at, feedback.enrolment.course_id)
        if feedback.rating >= 4:
            add(Measure.RATED_HIGH, feedback.enrolment.person_id, feedback.submitted_at, feedback.enrolment.course_id)

    first_attended: dict[int, dt.datetime] = {}
    for attendance in Attendance.objects.filter(
        workshop__programme=programme,
        person_id__in=people,
        status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE],
    ).select_related("workshop"):
        moment = attendance.workshop.starts_at
        add(Measure.ATTENDED, attendance.person_id, moment, attendance.workshop.course_id)
        first_attended[attendance.person_id] = min(moment, first_attended.get(attendance.person_id, moment))
    for person_id, moment in first_attended.items():
        add(Measure.FIRST_ATTENDED, person_id, moment)

    certified: dict[int, dt.datetime] = {}
    for credential in Credential.objects.filter(
        achievement__programme=programme,
        achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
        status=Credential.Status.ACTIVE,
        person_id__in=people,
    ):
        certified[credential.person_id] = min(
            credential.awarded_at, certified.get(credential.person_id, credential.awarded_at)
        )
    for person_id, moment in certified.items():
        add(Measure.CERTIFIED, person_id, moment)

    for node in LineageNode.objects.filter(programme=programme, depth__gt=0, person_id__in=people):
        add(Measure.REACHED, node.person_id, node.trained_at)

    latest: dict[int, SurveyResponse] = {}
    for response in SurveyResponse.objects.filter(
        invitation__survey__programme=programme, invitation__person_id__in=people
    ).select_related("invitation"):
        person_id = response.invitation.person_id
        if person_id not in latest or response.submitted_at > latest[person_id].submitted_at:
            latest[person_id] = response
    for person_id, response in latest.items():
        add(Measure.RESPONDED, person_id, response.submitted_at)
        if response.integrating:
            add(Measure.INTEGRATING, person_id, response.submitted_at)
    return Reference(people, events, len(core))


# --- comparing every figure ------------------------------------------------------------------------------------


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return month_start(period.first), month_start(month_add(period.last, 1))


HEADLINE = {
    # figure key: (measure, denominator for a share, whether it has a to-date value)
    "registered": (Measure.REGISTERED, "", True),
    "enrolled": (Measure.ENROLLED, "", False),
    "completed": (Measure.COMPLETED, "", False),
    "core_completed": (Measure.CORE_STEP, "", True),
    "certified": (Measure.CERTIFIED, "", True),
    "rated_high": (Measure.RATED_HIGH, Measure.RATED, True),
    "attended": (Measure.ATTENDED, "", False),
    "reached": (Measure.REACHED, "", True),
    "integrating": (Measure.INTEGRATING, Measure.RESPONDED, True),
}


def expected_cell(ref: Reference, measure: str, denominator: str, lo: Any, hi: Any, keep: Any, hide: bool) -> Any:
    step = ref.core if measure == Measure.CORE_STEP else 0
    top = ref.count(measure, lo, hi, keep, step=step)
    if not denominator:
        return (top, hide and small(top))
    bottom = ref.count(denominator, lo, hi, keep)
    if bottom == 0:
        return (None, False)
    return (top / bottom, hide and share_hidden(top, bottom))


def as_pair(cell: selectors.Cell) -> tuple[Any, bool]:
    return (cell.value, cell.hidden)


def check_headline(ref: Reference, programme: Programme, period: Period, scope: Scope) -> None:
    figures = {figure.key: figure for figure in selectors.headline(programme=programme, period=period, scope=scope)}
    keep, hide = ref.where(scope), scope.suppress
    lo, hi = bounds(period)
    before_lo, before_hi = bounds(period.previous())
    for key, (measure, denominator, cumulative) in HEADLINE.items():
        figure = figures[key]
        assert as_pair(figure.current) == pytest.approx(expected_cell(ref, measure, denominator, lo, hi, keep, hide)), (
            key,
            period,
            scope,
        )
        # A previous period wholly before the programme began is not compared with.
        compared = period.previous().last >= programme.starts_on.replace(day=1)
        expected_before = expected_cell(ref, measure, denominator, before_lo, before_hi, keep, hide)
        assert as_pair(figure.previous) == pytest.approx(expected_before if compared else (None, False)), (
            key,
            period,
            scope,
        )
        if cumulative:
            assert figure.to_date is not None
            assert as_pair(figure.to_date) == pytest.approx(
                expected_cell(ref, measure, denominator, None, hi, keep, hide)
            ), (key, period, scope)

    def institutions(until: dt.datetime) -> int:
        return len(
            {
                person.institution_id
                for person_id, moment, _course in ref.events.get((Measure.REGISTERED, 0), [])
                for person in [ref.people[person_id]]
                if moment < until and keep(person) and person.institution_id is not None
            }
        )

    if scope.institution_id is not None:  # one institution's page does not count institutions
        assert "institutions" not in figures
        return
    compared = period.previous().last >= programme.starts_on.replace(day=1)
    assert figures["institutions"].current.value == institutions(hi)
    assert figures["institutions"].previous.value == (institutions(before_hi) if compared else None)
    assert not figures["institutions"].current.hidden


def check_funnel(ref: Reference, programme: Programme, period: Period, scope: Scope) -> None:
    stages = selectors.funnel(programme=programme, period=period, scope=scope)
    keep, hide = ref.where(scope), scope.suppress
    _lo, hi = bounds(period)
    keys = [(Measure.REGISTERED, 0), (Measure.FIRST_ENROLLED, 0)]
    keys += [(Measure.CORE_STEP, step) for step in range(1, ref.core + 1)] + [(Measure.CERTIFIED, 0)]
    people = [ref.count(measure, None, hi, keep, step=step) for measure, step in keys]
    assert [as_pair(stage.people) for stage in stages] == [(n, hide and small(n)) for n in people], (period, scope)
    for index, stage in enumerate(stages[1:], start=1):
        before = people[index - 1]
        expected = (
            (None, False) if before == 0 else (people[index] / before, hide and share_hidden(people[index], before))
        )
        assert as_pair(stage.of_previous) == pytest.approx(expected)


def person_key(by: str, person: Person) -> Any:
    if by == Dimension.INSTITUTION:
        return person.institution_id
    if by == Dimension.REGION:
        return person.institution.region_id if person.institution else None
    return {"discipline": person.discipline, "gender": person.gender, "language": person.preferred_language}[by] or ""


def check_breakdown(ref: Reference, programme: Programme, period: Period, scope: Scope, by: str) -> None:
    table = selectors.breakdown(programme=programme, period=period, scope=scope, by=by)
    keep, hide = ref.where(scope), scope.suppress
    lo, hi = bounds(period)
    # A row for every value that has an event of any measure in the period.
    keys: set[Any] = set()
    for events in ref.events.values():
        for person_id, moment, course_id in events:
            person = ref.people[person_id]
            if not (lo <= moment < hi and keep(person)):
                continue
            if by == Dimension.COURSE:
                if course_id is not None:
                    keys.add(course_id)
            elif by == Dimension.MONTH:
                keys.add(timezone.localtime(moment).date().replace(day=1))
            else:
                keys.add(person_key(by, person))
    assert {row.key for row in table.rows} == keys, (by, period, scope)

    def row_keep(key: Any) -> tuple[Callable[[Person], bool], Any, Any, Any]:
        """(who counts, course, from, to) of a row."""
        if by == Dimension.COURSE:
            return keep, key, lo, hi
        if by == Dimension.MONTH:
            return keep, "any", month_start(key), month_start(month_add(key, 1))
        return (lambda person: keep(person) and person_key(by, person) == key), "any", lo, hi

    expected_rows = {}
    for key in keys:
        who, course, first, last = row_keep(key)
        cells = []
        for column in table.columns:
            top = ref.count(column.measure, first, last, who, step=column.step, course_id=course)
            if column.is_share:
                bottom = ref.count(column.denominator, first, last, who, course_id=course)
                cells.append(None if bottom == 0 else top / bottom)
            else:
                cells.append(top)
        expected_rows[key] = cells
    for row in table.rows:
        assert [cell.value for cell in row.cells] == pytest.approx(expected_rows[row.key]), (by, row.label, period)
    totals = []
    for index, column in enumerate(table.columns):
        if column.is_share:
            top = ref.count(column.measure, lo, hi, keep, course_id="any")
            bottom = ref.count(column.denominator, lo, hi, keep, course_id="any")
            if by == Dimension.COURSE:  # the total of per-course rows
                top = sum(ref.count(column.measure, lo, hi, keep, course_id=key) for key in keys)
                bottom = sum(ref.count(column.denominator, lo, hi, keep, course_id=key) for key in keys)
            totals.append(None if bottom == 0 else top / bottom)
        else:
            totals.append(sum(expected_rows[key][index] for key in keys))
    assert [cell.value for cell in table.total.cells] == pytest.approx(totals), (by, period, scope)
    if by == Dimension.COURSE:
        assert {column.measure for column in table.columns} <= PER_COURSE
    # Small cells: hidden for those who may not see names, column by column with the complement.
    for index, column in enumerate(table.columns):
        values = [row.cells[index].value for row in table.rows]
        hidden = [row.cells[index].hidden for row in table.rows]
        if not hide:
            assert not any(hidden) and not table.total.cells[index].hidden
        elif not column.is_share:
            assert hidden == hidden_cells(values)
            assert table.total.cells[index].hidden == small(table.total.cells[index].value)


def check_ranking(ref: Reference, programme: Programme, period: Period, scope: Scope, by: str, measure: str) -> None:
    rows = selectors.ranking(programme=programme, period=period, scope=scope, by=by, measure=measure)
    keep, hide = ref.where(scope), scope.suppress
    now, then = bounds(period), bounds(period.previous())

    def counts(lo: dt.datetime, hi: dt.datetime) -> dict[Any, int]:
        result: dict[Any, int] = {}
        for person_id, moment, _course in ref.events.get((measure, 0), []):
            person = ref.people[person_id]
            if lo <= moment < hi and keep(person):
                result[person_key(by, person)] = result.get(person_key(by, person), 0) + 1
        return result

    current, previous = counts(*now), counts(*then)
    keys = set(current) | set(previous)
    assert {row.key: (row.current.value, row.previous.value) for row in rows} == {
        key: (current.get(key, 0), previous.get(key, 0)) for key in keys
    }
    # Small counts are hidden, with one more where a single hidden count could be worked out from the
    # total: which one, among equal counts, depends on the order, so the hidden values are compared.
    for part, values in (("current", current), ("previous", previous)):
        cells = {row.key: getattr(row, part) for row in rows}
        column = [values.get(key, 0) for key in keys]
        expected_hidden = [value for value, hidden in zip(column, hidden_cells(column), strict=True) if hidden]
        actual_hidden = [cell.value for cell in cells.values() if cell.hidden]
        assert sorted(actual_hidden) == (sorted(expected_hidden) if hide else []), (part, by, measure, scope)

    def rank(values: dict[Any, int], part: str, key: Any) -> int | None:
        """Highest first, equal counts sharing a rank; no rank for nothing counted or a hidden count."""
        shown = {row.key: values.get(row.key, 0) for row in rows if not getattr(row, part).hidden}
        if not shown.get(key):
            return None
        return 1 + sum(1 for other in shown.values() if other > shown[key])

    assert {row.key: (row.rank, row.previous_rank) for row in rows} == {
        key: (rank(current, "current", key), rank(previous, "previous", key)) for key in keys
    }
    ranks = [row.rank for row in rows if row.rank is not None]
    assert ranks == sorted(ranks)
    assert all(row.rank is None for row in rows[len(ranks) :])


def check_trend(ref: Reference, programme: Programme, period: Period, scope: Scope) -> None:
    measures = [Measure.REGISTERED, Measure.ENROLLED, Measure.COMPLETED, Measure.CORE_STEP, Measure.CERTIFIED]
    points = selectors.trend(programme=programme, period=period, scope=scope, measures=measures)
    keep = ref.where(scope)
    assert [point.month for point in points] == period.month_list()
    for measure in measures:
        step = ref.core if measure == Measure.CORE_STEP else 0
        values = [
            ref.count(measure, month_start(month), month_start(month_add(month, 1)), keep, step=step)
            for month in period.month_list()
        ]
        assert [point.values[measure].value for point in points] == values, (measure, period, scope)
        hidden = hidden_cells(values) if scope.suppress else [False] * len(values)
        assert [point.values[measure].hidden for point in points] == hidden


def periods_to_check(programme: Programme, *, full: bool = True) -> list[Period]:
    periods = [period_from_params(programme, {}).period, period_from_params(programme, {"period": "month"}).period]
    if full:
        periods += [
            period_from_params(programme, {"period": "quarter"}).period,
            period_from_params(programme, {"from": "2024-10", "to": "2025-03"}).period,
            period_from_params(programme, {"from": "2025-04", "to": "2025-06"}).period,
        ]
    return periods


def refresh_and_compare(world: World, *, full: bool = False) -> Reference:
    """Refresh the rollup and compare every figure with the reference: for the whole programme and this
    month, as a national admin and as a ministry viewer of one region; with `full`, also for other
    periods and scopes, and every ranking."""
    programme = world.programme
    rollups.rollup_refresh(programme=programme)
    ref = reference(programme)
    aimag = world.regions[1]
    scopes = [Scope(), Scope(region_id=aimag.pk, suppress=True)]
    rankings = [(Dimension.INSTITUTION, Measure.REGISTERED), (Dimension.REGION, Measure.CERTIFIED)]
    if full:
        scopes += [Scope(suppress=True), Scope(institution_id=world.institutions[0].pk)]
        rankings = [
            (by, measure)
            for by in (Dimension.INSTITUTION, Dimension.REGION)
            for measure in (Measure.REGISTERED, Measure.ENROLLED, Measure.CERTIFIED)
        ]
    for period in periods_to_check(programme, full=full):
        for scope in scopes:
            check_headline(ref, programme, period, scope)
            check_funnel(ref, programme, period, scope)
            check_trend(ref, programme, period, scope)
            for by in Dimension.values:
                check_breakdown(ref, programme, period, scope, by)
            for by, measure in rankings:
                check_ranking(ref, programme, period, scope, by, measure)
    return ref


def headline_value(programme: Programme, key: str, part: str = "to_date") -> Any:
    period = period_from_params(programme, {}).period
    figures = {f.key: f for f in selectors.headline(programme=programme, period=period, scope=Scope())}
    return getattr(figures[key], part).value


# --- the changes, one by one, through the services -----------------------------------------------------------


def test_every_figure_follows_the_raw_records_through_changes(world: World, mailoutbox: Any) -> None:
    programme = world.programme
    ref = refresh_and_compare(world)
    registered = len(ref.people)
    assert registered == len(PROFILES)  # the unconfirmed educator, the trainer and the other programme's are left out

    # Someone registers: not counted until the address is confirmed, then counted this month.
    newcomer = person_register(
        email="newcomer@example.mn",
        password="correct-horse-battery",
        family_name="Дорж",
        given_name="Болд",
        institution=world.institutions[2],
        consent=True,
        discipline="education",
        gender="male",
        preferred_language="mn",
    )
    assert RoleAssignment.objects.filter(person=newcomer, programme=programme, role=Role.EDUCATOR).exists()
    refresh_and_compare(world)
    assert headline_value(programme, "registered") == registered
    person_confirm_email(person=newcomer)
    refresh_and_compare(world)
    assert headline_value(programme, "registered") == registered + 1
    assert headline_value(programme, "registered", "current") == registered + 1

    # Enrolment, then lessons done one course after another: completions and the core steps.
    for course in world.core:
        enrolment_create(person=newcomer, course=course)
    enrolment_create(person=newcomer, course=world.extra)
    refresh_and_compare(world)
    before = headline_value(programme, "core_completed")
    for number, course in enumerate(world.core):
        enrolment = Enrolment.objects.get(person=newcomer, course=course)
        lesson_complete(enrolment=enrolment, lesson=first_lesson(course))
        assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None
        ref = refresh_and_compare(world)
        assert len(ref.events[(Measure.CORE_STEP, number + 1)]) >= 1
    assert headline_value(programme, "core_completed") == before + 1

    # Course feedback: a 5 and a 2.
    feedback_submit(
        enrolment=Enrolment.objects.get(person=newcomer, course=world.core[0]),
        rating=5,
        usefulness=5,
        language_code="mn",
    )
    feedback_submit(
        enrolment=Enrolment.objects.get(person=newcomer, course=world.core[1]),
        rating=2,
        usefulness=3,
        language_code="en",
    )
    refresh_and_compare(world)

    # Workshop attendance: present counts, absent does not, a later mark changes it.
    trainer = make_person(institution=world.institutions[0])
    workshop = workshop_build(
        course=world.core[0], trainers=[trainer], starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    attendee, absentee = world.educators[0], world.educators[4]
    register(workshop, attendee, absentee, newcomer)
    now = timezone.now()
    for person, status in ((attendee, AttendanceStatus.PRESENT), (absentee, AttendanceStatus.ABSENT)):
        attendance_mark(
            workshop=workshop, person=person, status=status, source=AttendanceSource.ROSTER, marked_at=now,
            marked_by=trainer,
        )  # fmt: skip
    attendance_mark(
        workshop=workshop, person=newcomer, status=AttendanceStatus.LATE, source=AttendanceSource.ROSTER,
        marked_at=now, marked_by=trainer,
    )  # fmt: skip
    refresh_and_compare(world)
    assert headline_value(programme, "attended", "current") == 2
    attendance_mark(
        workshop=workshop, person=newcomer, status=AttendanceStatus.ABSENT, source=AttendanceSource.ROSTER,
        marked_at=now + dt.timedelta(seconds=1), marked_by=trainer,
    )  # fmt: skip
    refresh_and_compare(world)
    assert headline_value(programme, "attended", "current") == 1

    # Credentials: one issued (back-dated), one revoked.
    certified = headline_value(programme, "certified")
    credential_create(achievement=world.achievement, person=newcomer, at=at(2025, 5, 20))
    refresh_and_compare(world)
    assert headline_value(programme, "certified") == certified + 1
    revoked = Credential.objects.filter(person=world.educators[2]).get()
    credential_revoke(credential=revoked, actor=None, reason="Issued in error.")
    refresh_and_compare(world)
    assert headline_value(programme, "certified") == certified

    # The cascade: a master teacher at the root (not counted), educators below.
    master = make_person(institution=world.institutions[0])
    lineage_attach(programme=programme, person=master, trainer=None, source=LineageNode.Source.APPOINTMENT)
    lineage_attach(
        programme=programme, person=world.educators[1], trainer=master, source=LineageNode.Source.WORKSHOP,
        at=at(2025, 2, 14),
    )  # fmt: skip
    lineage_attach(programme=programme, person=newcomer, trainer=world.educators[1], source=LineageNode.Source.WORKSHOP)
    refresh_and_compare(world)
    assert headline_value(programme, "reached") == 2

    # Follow-up survey answers; someone answering two surveys counts once, with the latest answer.
    first = Survey.objects.create(programme=programme, title_mn="Судалгаа", title_en="Survey", status="active")
    second = Survey.objects.create(programme=programme, title_mn="Судалгаа 2", title_en="Survey 2", status="active")
    for survey, person, moment, integrating in (
        (first, world.educators[6], at(2025, 6, 3), True),
        (first, world.educators[7], at(2025, 6, 4), False),
        (first, newcomer, at(2025, 5, 28), False),
        (second, newcomer, at(2025, 6, 25), True),
    ):
        invitation = SurveyInvitation.objects.create(
            survey=survey, person=person, certified_at=at(2024, 12, 1), due_at=at(2025, 6, 1)
        )
        SurveyResponse.objects.create(
            invitation=invitation, submitted_at=moment, language_code="mn", integrating=integrating
        )
    refresh_and_compare(world)
    figures = {
        f.key: f
        for f in selectors.headline(
            programme=programme, period=period_from_params(programme, {"from": "2025-06", "to": "2025-06"}).period,
            scope=Scope(),
        )
    }  # fmt: skip
    assert figures["integrating"].current.value == pytest.approx(2 / 3)

    # Someone moves to an institution in another region: all their figures move with them.
    mover = world.educators[0]
    ranking_before: dict[Any, Any] = {
        row.key: row.current.value
        for row in selectors.ranking(
            programme=programme, period=periods_to_check(programme)[0], scope=Scope(), by=Dimension.REGION
        )
    }
    mover.institution = world.institutions[2]
    mover.save(update_fields=["institution"])
    refresh_and_compare(world, full=True)
    ranking_after: dict[Any, Any] = {
        row.key: row.current.value
        for row in selectors.ranking(
            programme=programme, period=periods_to_check(programme)[0], scope=Scope(), by=Dimension.REGION
        )
    }
    capital, aimag = world.regions
    assert ranking_after[aimag.pk] == ranking_before[aimag.pk] + 1
    assert ranking_after[capital.pk] == ranking_before[capital.pk] - 1


def test_a_month_is_the_programme_time_zone_month(world: World) -> None:
    """Registered on 31 October at 20:00 in Ulaanbaatar (12:00 UTC) counts in October; on 1 April at
    01:00 (31 March, 17:00 UTC) counts in April."""
    rollups.rollup_refresh(programme=world.programme)
    october = period_from_params(world.programme, {"from": "2024-10", "to": "2024-10"}).period
    april = period_from_params(world.programme, {"from": "2025-04", "to": "2025-04"}).period
    march = period_from_params(world.programme, {"from": "2025-03", "to": "2025-03"}).period
    figures = {
        name: {f.key: f for f in selectors.headline(programme=world.programme, period=period, scope=Scope())}
        for name, period in (("october", october), ("april", april), ("march", march))
    }
    assert figures["october"]["registered"].current.value == 2
    assert figures["march"]["registered"].current.value == 2
    assert figures["april"]["registered"].current.value == 2


# --- refreshing ------------------------------------------------------------------------------------------------


def fact_rows(programme: Programme) -> list[tuple[Any, ...]]:
    return sorted(
        Fact.objects.filter(programme=programme).values_list(
            "measure", "month", "course_id", "step", "institution_id", "region_id", "dimension", "value", "count"
        ),
        key=repr,
    )


def test_refresh_is_idempotent(world: World) -> None:
    written = rollups.rollup_refresh(programme=world.programme)
    first = fact_rows(world.programme)
    assert written == len(first) > 0
    assert rollups.rollup_refresh(programme=world.programme) == written
    assert fact_rows(world.programme) == first


def test_refresh_leaves_other_programmes_alone(world: World) -> None:
    other = world_build(tag="-b")
    rollups.rollup_refresh(programme=other.programme)
    theirs = fact_rows(other.programme)
    rollups.rollup_refresh(programme=world.programme)
    assert fact_rows(other.programme) == theirs


def test_a_failing_refresh_leaves_the_old_figures(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    programme = world.programme
    rollups.rollup_refresh(programme=programme)
    old, refreshed = fact_rows(programme), selectors.refreshed_at(programme=programme)
    enrolment_create(person=world.educators[3], course=world.extra)  # something new to count

    real_rows = rollups._fact_rows

    def failing_rows(*args: Any, **kwargs: Any) -> Any:
        for number, row in enumerate(real_rows(*args, **kwargs)):
            if number == 7:
                raise RuntimeError("the database went away")
            yield row

    monkeypatch.setattr(rollups, "BATCH_SIZE", 3)  # rows are already written when it fails
    monkeypatch.setattr(rollups, "_fact_rows", failing_rows)
    with pytest.raises(RuntimeError):
        rollups.rollup_refresh(programme=programme)
    assert fact_rows(programme) == old
    assert selectors.refreshed_at(programme=programme) == refreshed

    monkeypatch.setattr(rollups, "_fact_rows", real_rows)
    rollups.rollup_refresh(programme=programme)
    assert fact_rows(programme) != old


def refresh_jobs() -> int:
    return Job.objects.filter(kind=Job.Kind.INSIGHTS_REFRESH).count()


def test_refresh_if_stale_queues_once(world: World, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.ERDEM_INSIGHTS_MAX_AGE = 600
    programme = world.programme
    # Never refreshed: one job is queued, and not a second while it waits.
    assert rollups.rollup_refresh_if_stale(programme=programme) is True
    assert rollups.rollup_refresh_if_stale(programme=programme) is False
    assert refresh_jobs() == 1
    # A queued job that was lost long ago does not block refreshes for ever.
    ProgrammeInsights.objects.filter(programme=programme).update(
        refresh_queued_at=timezone.now() - dt.timedelta(seconds=601)
    )
    assert rollups.rollup_refresh_if_stale(programme=programme) is True
    assert refresh_jobs() == 2
    # Fresh figures: nothing queued.
    rollups.rollup_refresh(programme=programme)
    assert rollups.rollup_refresh_if_stale(programme=programme) is False
    assert refresh_jobs() == 2
    # Older than the maximum age: queued, and the job rebuilds the figures.
    ProgrammeInsights.objects.filter(programme=programme).update(
        refreshed_at=timezone.now() - dt.timedelta(seconds=601)
    )
    Fact.objects.filter(programme=programme).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert rollups.rollup_refresh_if_stale(programme=programme) is True
    assert refresh_jobs() == 3
    assert Fact.objects.filter(programme=programme).exists()
    state = ProgrammeInsights.objects.get(programme=programme)
    assert state.refresh_queued_at is None
    assert state.refreshed_at is not None and timezone.now() - state.refreshed_at < dt.timedelta(seconds=60)
    # A shorter maximum age makes the same figures stale.
    settings.ERDEM_INSIGHTS_MAX_AGE = 0
    assert rollups.rollup_refresh_if_stale(programme=programme) is True


# --- reads stay bounded ------------------------------------------------------------------------------------------

READ_BOUNDS = {"headline": 3, "funnel": 3, "breakdown": 4, "ranking": 4, "trend": 2}


def reads(programme: Programme) -> dict[str, Callable[[], Any]]:
    period, scope = period_from_params(programme, {}).period, Scope(suppress=True)
    return {
        "headline": lambda: selectors.headline(programme=programme, period=period, scope=scope),
        "funnel": lambda: selectors.funnel(programme=programme, period=period, scope=scope),
        "breakdown": lambda: [
            selectors.breakdown(programme=programme, period=period, scope=scope, by=by) for by in Dimension.values
        ],
        "ranking": lambda: selectors.ranking(programme=programme, period=period, scope=scope, by=Dimension.INSTITUTION),
        "trend": lambda: selectors.trend(
            programme=programme, period=period, scope=scope, measures=[Measure.REGISTERED, Measure.CORE_STEP]
        ),
    }


def query_counts(programme: Programme, django_assert_max_num_queries: Any) -> dict[str, int]:
    counts = {}
    for name, read in reads(programme).items():
        bound = READ_BOUNDS[name] * (len(Dimension.values) if name == "breakdown" else 1)
        with django_assert_max_num_queries(bound), CaptureQueriesContext(connection) as captured:
            read()
        counts[name] = len(captured)
    return counts


def test_reads_do_not_grow_with_the_data(django_assert_max_num_queries: Any) -> None:
    small_world = world_build()
    rollups.rollup_refresh(programme=small_world.programme)
    small_counts = query_counts(small_world.programme, django_assert_max_num_queries)
    big_world = world_build(copies=6, institutions=9, tag="-big")
    rollups.rollup_refresh(programme=big_world.programme)
    assert (
        Fact.objects.filter(programme=big_world.programme).count()
        > 2 * Fact.objects.filter(programme=small_world.programme).count()
    )
    assert query_counts(big_world.programme, django_assert_max_num_queries) == small_counts


# --- privacy ------------------------------------------------------------------------------------------------------


def test_small_counts() -> None:
    assert [small(n) for n in (None, 0, 1, 4, 5, 100)] == [False, False, True, True, False, False]
    assert THRESHOLD == 5 and HIDDEN_TEXT == "<5"


@pytest.mark.parametrize(
    ("counts", "with_total", "hidden"),
    [
        ([], True, []),
        ([0, 0, 0], True, [False, False, False]),
        ([12, 30, 7], True, [False, False, False]),
        # One small cell: the next smallest non-zero cell is hidden too, or the total gives it away.
        ([12, 3, 30], True, [True, True, False]),
        ([3, 0, 30], True, [True, False, True]),
        ([None, 3, 7, 9], True, [False, True, True, False]),
        ([7, 3, 7], True, [True, True, False]),
        # Two small cells already hide each other.
        ([3, 4, 30], True, [True, True, False]),
        ([1, 1, 1, 50], True, [True, True, True, False]),
        # Nothing to hide it with: it stays the only hidden one.
        ([2], True, [True]),
        ([2, 0], True, [True, False]),
        # Without a total no complement is needed.
        ([12, 3, 30], False, [False, True, False]),
    ],
)
def test_hidden_cells(counts: list[int | None], with_total: bool, hidden: list[bool]) -> None:
    assert hidden_cells(counts, with_total=with_total) == hidden


def test_share_hidden() -> None:
    assert share_hidden(3, 10) and share_hidden(10, 4)
    assert not share_hidden(5, 10) and not share_hidden(0, 10) and not share_hidden(0, 0)


def test_suppressed_scope_hides_one_to_four_and_shows_zero_and_five() -> None:
    programme = ProgrammeFactory(starts_on=dt.date(2025, 1, 1))
    places: list[Institution] = [InstitutionFactory() for _ in range(5)]
    # Registrations per month: January 1, February 4, March none, April 5, May 7; institutions 0, 1, 4, 5, 7.
    for month, count in ((1, 1), (2, 4), (4, 5), (5, 7)):
        Fact.objects.create(
            programme=programme, measure=Measure.REGISTERED, month=dt.date(2025, month, 1), count=count, national=True
        )
    for place, count in zip(places[1:], (1, 4, 5, 7), strict=True):
        Fact.objects.create(
            programme=programme, measure=Measure.ENROLLED, month=dt.date(2025, 3, 1), count=count, institution=place,
            region=place.region,
        )  # fmt: skip

    def registered(month: int, *, suppress: bool) -> selectors.Cell:
        period = Period(dt.date(2025, month, 1), dt.date(2025, month, 1))
        figures = selectors.headline(programme=programme, period=period, scope=Scope(suppress=suppress))
        return next(f for f in figures if f.key == "registered").current

    shown = {month: registered(month, suppress=True) for month in (1, 2, 3, 4, 5)}
    assert [shown[m].text for m in (1, 2, 3, 4, 5)] == [HIDDEN_TEXT, HIDDEN_TEXT, "0", "5", "7"]
    assert [shown[m].export for m in (1, 2, 3, 4, 5)] == [HIDDEN_TEXT, HIDDEN_TEXT, "0", "5", "7"]
    assert [registered(m, suppress=False).text for m in (1, 2, 3, 4, 5)] == ["1", "4", "0", "5", "7"]

    march = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    table = selectors.breakdown(programme=programme, period=march, scope=Scope(suppress=True), by=Dimension.INSTITUTION)
    column = [c.key for c in table.columns].index("enrolled")
    cells = {row.key: row.cells[column] for row in table.rows}
    assert [cells[p.pk].text for p in places[1:]] == [HIDDEN_TEXT, HIDDEN_TEXT, "5", "7"]
    assert table.total.cells[column].text == "17"
    registered_column = [c.key for c in table.columns].index("registered")
    assert all(row.cells[registered_column].text == "0" for row in table.rows)
    exact = selectors.breakdown(programme=programme, period=march, scope=Scope(), by=Dimension.INSTITUTION)
    assert [{r.key: r.cells[column] for r in exact.rows}[p.pk].text for p in places[1:]] == ["1", "4", "5", "7"]


# --- periods ------------------------------------------------------------------------------------------------------


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def test_period_presets() -> None:
    programme = ProgrammeFactory(starts_on=dt.date(2024, 9, 15))
    whole = period_from_params(programme, {})
    assert whole.error == "" and (whole.period.first, whole.period.last) == (dt.date(2024, 9, 1), this_month())
    assert period_from_params(programme, {"period": "all"}).period == whole.period
    year = period_from_params(programme, {"period": "year"}).period
    assert (year.first, year.last, year.months) == (month_add(this_month(), -11), this_month(), 12)
    quarter = period_from_params(programme, {"period": "quarter"}).period
    assert (quarter.first, quarter.last, quarter.months) == (month_add(this_month(), -2), this_month(), 3)
    month = period_from_params(programme, {"period": "month"}).period
    assert (month.first, month.last) == (this_month(), this_month())
    unknown = period_from_params(programme, {"period": "decade"})
    assert unknown.error and unknown.period == whole.period


def test_period_of_an_ended_or_future_programme() -> None:
    ended = ProgrammeFactory(starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 6, 30))
    period = period_from_params(ended, {}).period
    assert (period.first, period.last) == (dt.date(2024, 9, 1), dt.date(2025, 6, 1))
    future_start = month_add(this_month(), 3)
    future = ProgrammeFactory(starts_on=future_start)
    period = period_from_params(future, {}).period
    assert (period.first, period.last) == (future_start, future_start)


def test_custom_months() -> None:
    programme = ProgrammeFactory()
    choice = period_from_params(programme, {"from": "2025-03", "to": "2025-04"})
    assert choice.error == "" and (choice.period.first, choice.period.last) == (
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
    )
    assert choice.period.month_list() == [dt.date(2025, 3, 1), dt.date(2025, 4, 1)]
    assert choice.period.end == dt.date(2025, 4, 30)
    assert choice.period.query() == "from=2025-03&to=2025-04"
    assert choice.period.label() == "March 2025 – April 2025"
    single = period_from_params(programme, {"from": "2025-02"}).period
    assert (single.first, single.last, single.label()) == (dt.date(2025, 2, 1), dt.date(2025, 2, 1), "February 2025")
    longest = period_from_params(programme, {"from": "2001-01", "to": "2020-12"})
    assert longest.error == "" and longest.period.months == MAX_MONTHS


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-3", "to": "2025-04"}, "Months are written as year-month"),
        ({"from": "2025-13", "to": "2025-12"}, "Months are written as year-month"),
        ({"from": "march", "to": "2025-04"}, "Months are written as year-month"),
        ({"from": "2025-03", "to": "2025/04"}, "Months are written as year-month"),
        ({"from": "2025-04", "to": "2025-03"}, "The period ends before it starts."),
        ({"from": "2001-01", "to": "2021-01"}, "A period can cover at most 20 years."),
    ],
)
def test_unreadable_periods_fall_back_to_the_whole_programme(params: dict[str, str], message: str) -> None:
    programme = ProgrammeFactory(starts_on=dt.date(2024, 9, 1))
    choice = period_from_params(programme, params)
    assert message in choice.error
    assert (choice.period.first, choice.period.last) == (dt.date(2024, 9, 1), this_month())


def test_previous_period() -> None:
    assert Period(dt.date(2025, 3, 1), dt.date(2025, 4, 1)).previous() == Period(
        dt.date(2025, 1, 1), dt.date(2025, 2, 1)
    )
    assert Period(dt.date(2025, 1, 1), dt.date(2025, 3, 1)).previous() == Period(
        dt.date(2024, 10, 1), dt.date(2024, 12, 1)
    )
    assert Period(dt.date(2025, 1, 1), dt.date(2025, 1, 1)).previous() == Period(
        dt.date(2024, 12, 1), dt.date(2024, 12, 1)
    )
    year = Period(dt.date(2024, 7, 1), dt.date(2025, 6, 1))
    assert year.previous().months == 12 and year.previous().last == dt.date(2024, 6, 1)


def test_reads_are_cached_until_the_rollup_is_rebuilt(django_assert_num_queries: Any, settings: Any) -> None:
    """With the cache on, a second read of the same figures asks the database only when the rollup was
    computed; a rebuild (a later time) makes the new figures read at once."""
    from django.core.cache import cache

    settings.ERDEM_INSIGHTS_CACHE_SECONDS = 60
    cache.clear()
    programme = ProgrammeFactory(starts_on=dt.date(2025, 1, 1))
    ProgrammeInsights.objects.create(programme=programme, refreshed_at=timezone.now() - dt.timedelta(minutes=1))
    Fact.objects.create(
        programme=programme, measure=Measure.REGISTERED, month=dt.date(2025, 1, 1), count=7, national=True
    )
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 1))

    def registered() -> Any:
        return selectors.totals(programme=programme, period=period, scope=Scope()).current[(Measure.REGISTERED, 0)]

    assert registered() == 7
    Fact.objects.filter(programme=programme).update(count=9)
    with django_assert_num_queries(1):  # the time the rollup was computed; the sums come from the cache
        assert registered() == 7
    ProgrammeInsights.objects.filter(programme=programme).update(refreshed_at=timezone.now())
    assert registered() == 9
    cache.clear()
