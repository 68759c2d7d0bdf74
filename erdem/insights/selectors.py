"""Reads behind the dashboards, exports, reports and the open-data API: sums over the rollup.

Every function runs a fixed number of queries over `Fact` whatever the size of the programme (the
raw records are read only by `rollups.rollup_refresh`). A `Scope` narrows the rows to one
institution or one region and says whether small cells must be hidden (`core.privacy`): for ministry
viewers, the open-data API and published reports. Figures come back as `Cell`s that know how to
show themselves, so templates, CSV files and the PDF report print the same text.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from erdem.core.i18n import localized
from erdem.core.privacy import HIDDEN_OTHER, HIDDEN_TEXT, hidden_cells, share_hidden, small
from erdem.insights.measures import DEFINITIONS, PER_COURSE, Dimension, Measure
from erdem.insights.models import Fact, ProgrammeInsights
from erdem.insights.periods import Period
from erdem.programmes.models import Programme

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """Which rows a reader sees: the whole programme, one institution or one region; and whether
    counts of fewer than five people are hidden."""

    institution_id: int | None = None
    region_id: int | None = None
    suppress: bool = False

    def facts(self, programme: Programme, dimension: str = "", *, per_institution: bool = False) -> QuerySet[Fact]:
        """The rollup rows this scope reads: the rows summed over institutions for the whole programme
        unless `per_institution` (grouped by institution or region), else the institution's or region's."""
        rows = Fact.objects.filter(programme=programme, dimension=dimension)
        if self.institution_id is None and self.region_id is None and not per_institution:
            return rows.filter(national=True)
        rows = rows.filter(national=False)
        if self.institution_id is not None:
            rows = rows.filter(institution_id=self.institution_id)
        if self.region_id is not None:
            rows = rows.filter(region_id=self.region_id)
        return rows


@dataclass(frozen=True)
class Cell:
    """A count or a share, as shown: `text` is "<5" when hidden, "—" when there is nothing to divide."""

    value: int | float | None
    hidden: bool = False
    is_share: bool = False

    @property
    def small(self) -> bool:
        """A count of 1 to 4 people; hidden cells that are not small were hidden to protect another."""
        return not self.is_share and small(int(self.value)) if self.value is not None else False

    @property
    def text(self) -> str:
        if self.hidden:
            return HIDDEN_TEXT if self.small else str(HIDDEN_OTHER)
        if self.value is None:
            return "—"
        if self.is_share:
            return f"{number_format(round(self.value * 100))}%"
        return number_format(self.value, force_grouping=True)

    @property
    def export(self) -> str:
        """The cell in a file: a plain number (a share with one decimal), "<5" or empty."""
        if self.hidden:
            return HIDDEN_TEXT if self.small else str(HIDDEN_OTHER)
        if self.value is None:
            return ""
        return f"{self.value * 100:.1f}" if self.is_share else str(self.value)


def count_cell(value: int, *, suppress: bool, hidden: bool = False) -> Cell:
    return Cell(value, hidden=hidden or (suppress and small(value)))


def share_cell(numerator: int, denominator: int, *, suppress: bool) -> Cell:
    if denominator == 0:
        return Cell(None, is_share=True)
    return Cell(numerator / denominator, hidden=suppress and share_hidden(numerator, denominator), is_share=True)


# --- headline figures and the funnel ------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    current: Cell
    previous: Cell
    to_date: Cell | None = None  # since the programme began, up to the end of the period

    @property
    def change(self) -> str:
        """The change from the previous period: "+12", "−3", "+4 pts"; empty when it cannot be said."""
        now, before = self.current, self.previous
        if now.hidden or before.hidden or now.value is None or before.value is None:
            return ""
        if now.is_share:
            points = round((now.value - before.value) * 100)
            return _("%(sign)s%(points)s pts") % {"sign": _sign(points), "points": abs(points)}
        difference = int(now.value - before.value)
        return f"{_sign(difference)}{number_format(abs(difference), force_grouping=True)}"


def _sign(number: float) -> str:
    return "+" if number > 0 else ("−" if number < 0 else "±")


@dataclass(frozen=True)
class FunnelStage:
    label: str
    people: Cell
    of_previous: Cell  # share of the previous stage that reached this one

    @property
    def drop(self) -> Cell:
        """The share of the previous stage that did not reach this one."""
        share = self.of_previous
        if share.value is None or share.hidden:
            return share
        return Cell(1 - float(share.value), is_share=True)


@dataclass
class Totals:
    """Sums per (measure, step): in the period, in the previous period, and up to each one's end."""

    current: dict[tuple[str, int], int] = field(default_factory=dict)
    previous: dict[tuple[str, int], int] = field(default_factory=dict)
    to_date: dict[tuple[str, int], int] = field(default_factory=dict)
    to_previous_end: dict[tuple[str, int], int] = field(default_factory=dict)
    institutions: int = 0
    institutions_before: int = 0


def core_course_count(*, programme: Programme) -> int:
    return ProgrammeInsights.core_courses.through.objects.filter(programmeinsights__programme=programme).count()


def _rollup_cached(programme: Programme, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache for as long as the rollup it read is current: the key holds the time
    the rollup was computed, so a refresh makes every older entry unreachable. One query to learn that time;
    nothing is cached before the first refresh or when ERDEM_INSIGHTS_CACHE_SECONDS is 0."""
    seconds = settings.ERDEM_INSIGHTS_CACHE_SECONDS
    stamp = refreshed_at(programme=programme) if seconds else None
    if stamp is None:
        return compute()
    key = "erdem:insights:" + hashlib.sha256(repr((programme.pk, stamp.isoformat(), *parts)).encode()).hexdigest()
    return cast(T, cache.get_or_set(key, compute, seconds))


def totals(*, programme: Programme, period: Period, scope: Scope) -> Totals:
    """Two queries (cached with the rollup): the sums per measure and the institutions with registered educators."""
    return _rollup_cached(programme, ("totals", period, scope), lambda: _totals_read(programme, period, scope))


def _totals_read(programme: Programme, period: Period, scope: Scope) -> Totals:
    before = period.previous()
    rows = (
        scope.facts(programme)
        .filter(month__lte=period.last)
        .values("measure", "step")
        .annotate(
            current=Sum("count", filter=Q(month__gte=period.first)),
            previous=Sum("count", filter=Q(month__gte=before.first, month__lte=before.last)),
            to_date=Sum("count"),
            to_previous_end=Sum("count", filter=Q(month__lte=before.last)),
        )
        .order_by()
    )
    result = Totals()
    for row in rows:
        key = (row["measure"], row["step"])
        result.current[key] = row["current"] or 0
        result.previous[key] = row["previous"] or 0
        result.to_date[key] = row["to_date"] or 0
        result.to_previous_end[key] = row["to_previous_end"] or 0
    institutions = (
        scope.facts(programme, per_institution=True)
        .filter(measure=Measure.REGISTERED, month__lte=period.last)
        .aggregate(
            now=Count("institution", distinct=True),
            before=Count("institution", distinct=True, filter=Q(month__lte=before.last)),
        )
    )
    result.institutions, result.institutions_before = institutions["now"], institutions["before"]
    return result


def headline(*, programme: Programme, period: Period, scope: Scope, sums: Totals | None = None) -> list[Figure]:
    """The dashboard's figures with their definitions: three queries."""
    sums = sums or totals(programme=programme, period=period, scope=scope)
    core = core_course_count(programme=programme)
    hide = scope.suppress
    # A previous period wholly before the programme began has nothing to compare with.
    compare = period.previous().last >= programme.starts_on.replace(day=1)

    def count(measure: str, *, step: int = 0, cumulative: bool = False) -> tuple[Cell, Cell, Cell | None]:
        key = (measure, step)
        return (
            count_cell(sums.current.get(key, 0), suppress=hide),
            count_cell(sums.previous.get(key, 0), suppress=hide) if compare else Cell(None),
            count_cell(sums.to_date.get(key, 0), suppress=hide) if cumulative else None,
        )

    def share(numerator: str, denominator: str) -> tuple[Cell, Cell, Cell | None]:
        top, bottom = (numerator, 0), (denominator, 0)
        return (
            share_cell(sums.current.get(top, 0), sums.current.get(bottom, 0), suppress=hide),
            share_cell(sums.previous.get(top, 0), sums.previous.get(bottom, 0), suppress=hide)
            if compare
            else Cell(None, is_share=True),
            share_cell(sums.to_date.get(top, 0), sums.to_date.get(bottom, 0), suppress=hide),
        )

    def figure(key: str, label: str, definition: str, cells: tuple[Cell, Cell, Cell | None]) -> Figure:
        return Figure(key, label, definition, cells[0], cells[1], cells[2])

    figures = [
        figure(
            "registered",
            _("New registrations"),
            str(DEFINITIONS[Measure.REGISTERED]),
            count(Measure.REGISTERED, cumulative=True),
        ),
        figure(
            "institutions",
            _("Institutions"),
            _("Institutions with at least one registered educator by the end of the period (and of the previous one)."),
            (
                count_cell(sums.institutions, suppress=False),
                count_cell(sums.institutions_before, suppress=False) if compare else Cell(None),
                None,
            ),
        ),
    ]
    if scope.institution_id is not None:
        figures = [figure_ for figure_ in figures if figure_.key != "institutions"]
    figures += [
        figure("enrolled", _("Enrolments"), str(DEFINITIONS[Measure.ENROLLED]), count(Measure.ENROLLED)),
        figure("completed", _("Course completions"), str(DEFINITIONS[Measure.COMPLETED]), count(Measure.COMPLETED)),
    ]
    if core:
        figures.append(
            figure(
                "core_completed",
                _("Completed all %(count)s core courses") % {"count": core},
                str(DEFINITIONS[Measure.CORE_STEP]),
                count(Measure.CORE_STEP, step=core, cumulative=True),
            )
        )
    figures += [
        figure(
            "certified", _("Certified"), str(DEFINITIONS[Measure.CERTIFIED]), count(Measure.CERTIFIED, cumulative=True)
        ),
        figure(
            "rated_high",
            _("Rated the courses 4 or 5"),
            str(DEFINITIONS[Measure.RATED_HIGH]),
            share(Measure.RATED_HIGH, Measure.RATED),
        ),
        figure("attended", _("Workshop attendances"), str(DEFINITIONS[Measure.ATTENDED]), count(Measure.ATTENDED)),
        figure(
            "reached",
            _("Reached through the cascade"),
            str(DEFINITIONS[Measure.REACHED]),
            count(Measure.REACHED, cumulative=True),
        ),
        figure(
            "integrating",
            _("Integrating AI in their teaching"),
            str(DEFINITIONS[Measure.INTEGRATING]),
            share(Measure.INTEGRATING, Measure.RESPONDED),
        ),
    ]
    return figures


def funnel(*, programme: Programme, period: Period, scope: Scope, sums: Totals | None = None) -> list[FunnelStage]:
    """People at each stage by the end of the period: registered, enrolled, each core course, certified.
    `sums`: the period's totals when the caller already has them (one query less)."""
    reached = (sums or totals(programme=programme, period=period, scope=scope)).to_date
    core = core_course_count(programme=programme)
    stages: list[tuple[str, int]] = [
        (_("Registered"), reached.get((Measure.REGISTERED, 0), 0)),
        (_("Enrolled in a course"), reached.get((Measure.FIRST_ENROLLED, 0), 0)),
    ]
    for step in range(1, core + 1):
        stages.append(
            (
                _("Completed %(count)s of %(total)s core courses") % {"count": step, "total": core},
                reached.get((Measure.CORE_STEP, step), 0),
            )
        )
    stages.append((_("Certified"), reached.get((Measure.CERTIFIED, 0), 0)))
    result, before = [], None
    for label, people in stages:
        of_previous = (
            share_cell(people, before, suppress=scope.suppress) if before is not None else Cell(None, is_share=True)
        )
        result.append(FunnelStage(label, count_cell(people, suppress=scope.suppress), of_previous))
        before = people
    return result


# --- breakdowns, rankings, trends --------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    measure: str
    step: int = 0
    denominator: str = ""  # for a share: the measure divided by

    @property
    def is_share(self) -> bool:
        return bool(self.denominator)


def columns_for(*, programme: Programme, by: str) -> list[Column]:
    """The columns of a breakdown table; per course, only what is counted per course."""
    core = core_course_count(programme=programme)
    every = [
        Column("registered", _("New registrations"), Measure.REGISTERED),
        Column("enrolled", _("Enrolments"), Measure.ENROLLED),
        Column("completed", _("Course completions"), Measure.COMPLETED),
        *([Column("core_completed", _("Completed all core courses"), Measure.CORE_STEP, step=core)] if core else []),
        Column("certified", _("Certified"), Measure.CERTIFIED),
        Column("rated_high", _("Rated 4 or 5"), Measure.RATED_HIGH, denominator=Measure.RATED),
        Column("attended", _("Workshop attendances"), Measure.ATTENDED),
        Column("reached", _("Reached through the cascade"), Measure.REACHED),
        Column("integrating", _("Integrating AI"), Measure.INTEGRATING, denominator=Measure.RESPONDED),
    ]
    if by == Dimension.COURSE:
        return [column for column in every if column.measure in PER_COURSE]
    return every


@dataclass(frozen=True)
class Row:
    key: Any
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    by: str
    columns: list[Column]
    rows: list[Row]
    total: Row

    def header(self) -> list[str]:
        return [str(Dimension(self.by).label), *(column.label for column in self.columns)]

    def export_rows(self) -> Iterable[list[str]]:
        for row in [*self.rows, self.total]:
            yield [row.label, *(cell.export for cell in row.cells)]


def _group_field(by: str) -> tuple[str, str]:
    """(the rollup rows' dimension, the field grouped by) for a breakdown."""
    if by in (Dimension.DISCIPLINE, Dimension.GENDER, Dimension.LANGUAGE):
        return by, "value"
    return "", {
        Dimension.INSTITUTION: "institution_id",
        Dimension.REGION: "region_id",
        Dimension.COURSE: "course_id",
        Dimension.MONTH: "month",
    }[Dimension(by)]


def _sums_by(
    programme: Programme, period: Period, scope: Scope, by: str, measures: Sequence[str] = ()
) -> dict[Any, dict[tuple[str, int], int]]:
    """{row key: {(measure, step): count}} over the period; only `measures` when given, which keeps the
    rows read few (the rollup's index starts with the dimension and the measure). Cached with the rollup."""
    parts = ("sums", period, scope, by, tuple(measures))
    return _rollup_cached(programme, parts, lambda: _sums_read(programme, period, scope, by, measures))


def _sums_read(
    programme: Programme, period: Period, scope: Scope, by: str, measures: Sequence[str]
) -> dict[Any, dict[tuple[str, int], int]]:
    dimension, group = _group_field(by)
    per_institution = by in (Dimension.INSTITUTION, Dimension.REGION)
    rows = scope.facts(programme, dimension, per_institution=per_institution).filter(
        month__gte=period.first, month__lte=period.last
    )
    if measures:
        rows = rows.filter(measure__in=list(measures))
    rows = rows.values(group, "measure", "step").annotate(n=Sum("count")).order_by()
    sums: dict[Any, dict[tuple[str, int], int]] = defaultdict(dict)
    for row in rows:
        if by == Dimension.COURSE and row[group] is None:
            continue
        sums[row[group]][(row["measure"], row["step"])] = row["n"]
    return dict(sums)


def dimension_labels(*, programme: Programme, by: str, keys: Iterable[Any]) -> dict[Any, str]:
    """What each row of a breakdown is called in the active language."""
    from erdem.credentials.selectors import course_titles
    from erdem.organisations.models import Institution, Region
    from erdem.people.models import Discipline, Gender

    keys = list(keys)
    if by == Dimension.INSTITUTION:
        names = {i.pk: localized(i, "name") for i in Institution.objects.filter(pk__in=[k for k in keys if k])}
        return {key: names.get(key, _("no institution")) for key in keys}
    if by == Dimension.REGION:
        names = {r.pk: localized(r, "name") for r in Region.objects.filter(pk__in=[k for k in keys if k])}
        return {key: names.get(key, _("region not known")) for key in keys}
    if by == Dimension.COURSE:
        titles = course_titles(programme=programme)
        return {key: titles.get(key, str(key)) for key in keys}
    if by == Dimension.MONTH:
        return {key: date_format(key, "YEAR_MONTH_FORMAT") for key in keys}
    if by == Dimension.LANGUAGE:
        # The languages' own names (Монгол, English) serve the language switch; a table names them in the reader's.
        languages = {"mn": _("Mongolian"), "en": _("English")}
        return {key: languages.get(key, _("not given")) for key in keys}
    choices = {Dimension.DISCIPLINE: Discipline, Dimension.GENDER: Gender}[Dimension(by)]
    labels = dict(choices.choices)
    return {key: str(labels.get(key, _("not given"))) if key else _("not given") for key in keys}


def _cells(columns: Sequence[Column], sums: dict[tuple[str, int], int], *, suppress: bool) -> list[Cell]:
    cells = []
    for column in columns:
        value = sums.get((column.measure, column.step), 0)
        if column.is_share:
            cells.append(share_cell(value, sums.get((column.denominator, 0), 0), suppress=suppress))
        else:
            cells.append(count_cell(value, suppress=suppress))
    return cells


def breakdown(*, programme: Programme, period: Period, scope: Scope, by: str) -> Table:
    """A figure per row of `by` (institution, region, discipline, gender, language, course or month)
    over the period, with a total row: two or three queries. Hidden cells follow `core.privacy`, column
    by column."""
    if by not in Dimension.values:
        raise ValueError(by)
    columns = columns_for(programme=programme, by=by)
    sums = _sums_by(programme, period, scope, by)
    keys = sorted(sums, key=lambda key: (key is None, key)) if by == Dimension.MONTH else list(sums)
    labels = dimension_labels(programme=programme, by=by, keys=keys)
    if by != Dimension.MONTH:
        keys.sort(key=lambda key: labels[key])
    rows = [Row(key, labels[key], _cells(columns, sums[key], suppress=scope.suppress)) for key in keys]
    total_sums: dict[tuple[str, int], int] = defaultdict(int)
    for key in keys:
        for measure_step, value in sums[key].items():
            total_sums[measure_step] += value
    total = Row(None, _("Total"), _cells(columns, total_sums, suppress=scope.suppress))
    if scope.suppress:
        rows = _suppress_columns(columns, rows, total)
    return Table(by=by, columns=columns, rows=rows, total=total)


def _suppress_columns(columns: Sequence[Column], rows: list[Row], total: Row) -> list[Row]:
    """Hide small counts column by column, with complementary suppression against the total row."""
    hidden_by_column = [
        hidden_cells([row.cells[index].value for row in rows]) if not column.is_share else [False] * len(rows)  # type: ignore[misc]
        for index, column in enumerate(columns)
    ]
    result = []
    for row_index, row in enumerate(rows):
        cells = [
            Cell(cell.value, hidden=cell.hidden or hidden_by_column[index][row_index], is_share=cell.is_share)
            for index, cell in enumerate(row.cells)
        ]
        result.append(Row(row.key, row.label, cells))
    return result


@dataclass(frozen=True)
class RankRow:
    rank: int | None  # None for hidden counts, listed last without a rank
    key: Any
    label: str
    current: Cell
    previous: Cell
    previous_rank: int | None


def ranking(
    *, programme: Programme, period: Period, scope: Scope, by: str, measure: str = Measure.REGISTERED
) -> list[RankRow]:
    """Institutions or regions ranked by a measure over the period (highest first; equal counts share a
    rank), beside the previous period and its rank: two queries and the names."""
    if by not in (Dimension.INSTITUTION, Dimension.REGION):
        raise ValueError(by)
    step = core_course_count(programme=programme) if measure == Measure.CORE_STEP else 0
    before = period.previous()
    now = _sums_by(programme, period, scope, by, measures=[measure])
    then = _sums_by(programme, before, scope, by, measures=[measure])
    counted = (measure, step)
    keys = [key for key in {*now, *then} if now.get(key, {}).get(counted) or then.get(key, {}).get(counted)]
    labels = dimension_labels(programme=programme, by=by, keys=keys)

    def ranks(values: dict[Any, int]) -> dict[Any, int]:
        """Highest first, equal counts sharing a rank; nothing counted, no rank."""
        ordered = sorted((value for value in values.values() if value), reverse=True)
        return {key: ordered.index(value) + 1 for key, value in values.items() if value}

    current = {key: now.get(key, {}).get((measure, step), 0) for key in keys}
    previous = {key: then.get(key, {}).get((measure, step), 0) for key in keys}
    hide = scope.suppress
    # Hidden with complementary suppression: the headline shows the total, which would give a single
    # hidden count back by subtraction.
    hidden_now = dict(zip(keys, hidden_cells([current[key] for key in keys]), strict=True)) if hide else {}
    hidden_then = dict(zip(keys, hidden_cells([previous[key] for key in keys]), strict=True)) if hide else {}
    shown_now = {key: value for key, value in current.items() if not hidden_now.get(key)}
    shown_then = {key: value for key, value in previous.items() if not hidden_then.get(key)}
    rank_now, rank_then = ranks(shown_now), ranks(shown_then)
    rows = [
        RankRow(
            rank_now.get(key),
            key,
            labels[key],
            count_cell(current[key], suppress=hide, hidden=hidden_now.get(key, False)),
            count_cell(previous[key], suppress=hide, hidden=hidden_then.get(key, False)),
            rank_then.get(key),
        )
        for key in keys
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.label))
    return rows


@dataclass(frozen=True)
class TrendPoint:
    month: dt.date
    values: dict[str, Cell]


def trend(*, programme: Programme, period: Period, scope: Scope, measures: Sequence[str]) -> list[TrendPoint]:
    """Per month of the period (every month, empty ones as zero), the count of each measure (the final
    core step for CORE_STEP): one query."""
    core = core_course_count(programme=programme) if Measure.CORE_STEP in measures else 0
    sums = _sums_by(programme, period, scope, Dimension.MONTH, measures=measures)
    points = []
    for month in period.month_list():
        values = {}
        for measure in measures:
            step = core if measure == Measure.CORE_STEP else 0
            values[measure] = sums.get(month, {}).get((measure, step), 0)
        points.append(values)
    if scope.suppress:
        hidden = {measure: hidden_cells([point[measure] for point in points]) for measure in measures}
    else:
        hidden = {measure: [False] * len(points) for measure in measures}
    return [
        TrendPoint(month, {measure: Cell(point[measure], hidden=hidden[measure][index]) for measure in measures})
        for index, (month, point) in enumerate(zip(period.month_list(), points, strict=True))
    ]


def refreshed_at(*, programme: Programme) -> dt.datetime | None:
    return ProgrammeInsights.objects.filter(programme=programme).values_list("refreshed_at", flat=True).first()
