"""The periodic national report: one PDF per language, for ministries and partners, built as a job.

`report_request` records a report for a period of whole months and queues its job (a request
identical to one still being prepared returns that one; a scheduled report is made once per period);
`report_build`, the job's work, reads the figures in each language and draws the PDFs
(`report_pdf`), stores them and says the report is ready. The report always hides small cells and
names nobody: it leaves the platform.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erdem.core.i18n import localized
from erdem.core.privacy import hidden_cells
from erdem.insights import selectors
from erdem.insights.measures import DEFINITIONS, FUNNEL_DEFINITION, SUPPRESSION_NOTE, Dimension, Measure
from erdem.insights.models import Report
from erdem.insights.periods import Period, current_month, month_add
from erdem.insights.selectors import Cell, Figure, FunnelStage, RankRow, Scope, Table, TrendPoint
from erdem.jobs.models import Job
from erdem.jobs.services import job_enqueue, job_progress
from erdem.programmes.models import Programme

REPORT_LANGUAGES = ("mn", "en")
RANKING_ROWS = 15  # the rest of a ranking is summarised in one row
BREAKDOWNS = (Dimension.REGION, Dimension.DISCIPLINE, Dimension.GENDER, Dimension.LANGUAGE, Dimension.COURSE)
TREND_MEASURES = (Measure.REGISTERED, Measure.CORE_STEP, Measure.CERTIFIED)
REPORTS_LISTED = 50


# --- periods a report is asked for ---------------------------------------------------------------


def previous_quarter(today: dt.date) -> Period:
    """The last whole calendar quarter before `today`."""
    first_of_quarter = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    first = month_add(first_of_quarter, -3)
    return Period(first, month_add(first, 2))


def preset_period(preset: str, today: dt.date) -> Period | None:
    """The period of a preset of the request form: last quarter, last month, year to date."""
    month = today.replace(day=1)
    if preset == "last_quarter":
        return previous_quarter(today)
    if preset == "last_month":
        last = month_add(month, -1)
        return Period(last, last)
    if preset == "year_to_date":
        return Period(dt.date(today.year, 1, 1), month)
    return None


# --- requests and the job ------------------------------------------------------------------------


def report_request(
    *, programme: Programme, first_month: dt.date, last_month: dt.date, actor: Any, scheduled: bool = False
) -> Report:
    """A report of the programme for the months from `first_month` to `last_month`, queued as a job.

    The same period already being prepared is not queued twice: that report is returned. A scheduled
    report is made once per period: an earlier scheduled one that did not fail is returned."""
    first, last = first_month.replace(day=1), last_month.replace(day=1)
    if last < first:
        raise ValueError("The period ends before it starts.")
    from erdem.insights.tasks import national_report_task

    with transaction.atomic():
        # Serialises requests for the programme, so two identical clicks make one report.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        same = Q(status=Report.Status.QUEUED)
        if scheduled:
            same |= Q(scheduled=True, status=Report.Status.READY)
        existing = (
            Report.objects.filter(programme=programme, first_month=first, last_month=last)
            .filter(same)
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        report = Report.objects.create(
            programme=programme,
            first_month=first,
            last_month=last,
            scheduled=scheduled,
            created_by=None if actor is None or not actor.is_authenticated else actor,
        )
        job = job_enqueue(
            task=national_report_task,
            kind=Job.Kind.NATIONAL_REPORT,
            started_by=report.created_by,
            total=len(REPORT_LANGUAGES),
            report_id=report.pk,
        )
        report.job = job
        report.save(update_fields=["job"])
    return report


def report_build(*, report_id: int, job: Job | None = None) -> dict[str, Any]:
    """Draw the report in every language, store the files and mark it ready (failed, on an error).

    The figures are brought up to date first when they are older than ERDEM_INSIGHTS_MAX_AGE. Building
    a report that is already ready does nothing."""
    from erdem.insights.report_pdf import report_pdf
    from erdem.insights.rollups import rollup_refresh

    report = Report.objects.select_related("programme").filter(pk=report_id).first()
    if report is None:
        return {}
    result = {"report": report.pk, "next_url": reverse("insights:reports")}
    if report.status == Report.Status.READY:
        return result
    programme = report.programme
    period = Period(report.first_month, report.last_month)
    try:
        computed = selectors.refreshed_at(programme=programme)
        if computed is None or timezone.now() - computed > dt.timedelta(seconds=settings.ERDEM_INSIGHTS_MAX_AGE):
            rollup_refresh(programme=programme)
        files: dict[str, bytes] = {}
        for done, language in enumerate(REPORT_LANGUAGES, start=1):
            with translation.override(language):
                files[language] = report_pdf(report_content(programme=programme, period=period, language=language))
            if job is not None:
                job_progress(job=job, done=done)
    except Exception:
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, finished_at=timezone.now())
        raise
    stem = f"{programme.slug}-{period.first:%Y-%m}-{period.last:%Y-%m}-{report.pk}"
    for language, content in files.items():
        field = report.file_mn if language == "mn" else report.file_en
        if field:
            field.delete(save=False)
        field.save(f"{stem}-{language}.pdf", ContentFile(content), save=False)
    report.status = Report.Status.READY
    report.finished_at = timezone.now()
    report.save(update_fields=["file_mn", "file_en", "status", "finished_at"])
    result["bytes"] = sum(len(content) for content in files.values())
    return result


def reports_for(programme: Programme) -> QuerySet[Report]:
    """The programme's reports, newest first, with who asked for them."""
    return Report.objects.filter(programme=programme).select_related("created_by", "job").order_by("-created_at", "-pk")


def report_file(report: Report, language: str) -> Any:
    """The stored PDF of a ready report in `language` (a FieldFile), or None."""
    if report.status != Report.Status.READY or language not in REPORT_LANGUAGES:
        return None
    stored = report.file_mn if language == "mn" else report.file_en
    return stored or None


# --- what the report says ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    """The first rows of a ranking, and the rest summed in one row."""

    title: str
    by_label: str
    rows: list[RankRow]
    rest: int  # how many rows are summed in `rest_current` and `rest_previous`
    rest_current: Cell
    rest_previous: Cell


@dataclass(frozen=True)
class ImpactRow:
    label: str
    current: Cell
    previous: Cell
    to_date: Cell


@dataclass(frozen=True)
class ReportContent:
    """Everything a report says in one language, read with small cells hidden."""

    language: str
    programme: str
    period: Period
    previous: Period
    prepared_at: dt.datetime
    computed_at: dt.datetime | None
    figures: list[Figure]
    funnel: list[FunnelStage]
    trend: list[TrendPoint]
    trend_measures: list[tuple[str, str]]  # (measure, label)
    rankings: list[Ranking]
    breakdowns: list[Table]
    impact: list[ImpactRow]
    definitions: list[tuple[str, str]]  # (figure, definition)


def _ranking(rows: list[RankRow], *, title: str, by_label: str) -> Ranking:
    """The first RANKING_ROWS rows and the sum of the rest; a hidden cell among the shown ones hides one
    more (complementary suppression), since the column and its total would reveal it."""
    top, rest = rows[:RANKING_ROWS], rows[RANKING_ROWS:]

    def column(cells: list[Cell], rest_sum: int) -> tuple[list[Cell], Cell]:
        values: list[int | None] = [int(cell.value or 0) for cell in cells]
        if rest:
            values.append(rest_sum)
        hidden = hidden_cells(values)
        shown = [Cell(cell.value, hidden=cell.hidden or hidden[index]) for index, cell in enumerate(cells)]
        return shown, Cell(rest_sum, hidden=bool(rest) and hidden[-1])

    current, rest_current = column([row.current for row in top], sum(int(row.current.value or 0) for row in rest))
    previous, rest_previous = column([row.previous for row in top], sum(int(row.previous.value or 0) for row in rest))
    shown = [
        RankRow(row.rank, row.key, row.label, now, before, row.previous_rank)
        for row, now, before in zip(top, current, previous, strict=True)
    ]
    return Ranking(title, by_label, shown, len(rest), rest_current, rest_previous)


def _impact(*, programme: Programme, period: Period, scope: Scope) -> list[ImpactRow]:
    sums = selectors.totals(programme=programme, period=period, scope=scope)
    responded, integrating = (Measure.RESPONDED, 0), (Measure.INTEGRATING, 0)
    hide = scope.suppress
    return [
        ImpactRow(
            _("Follow-up survey respondents"),
            selectors.count_cell(sums.current.get(responded, 0), suppress=hide),
            selectors.count_cell(sums.previous.get(responded, 0), suppress=hide),
            selectors.count_cell(sums.to_date.get(responded, 0), suppress=hide),
        ),
        ImpactRow(
            _("Respondents integrating AI in their teaching"),
            selectors.share_cell(sums.current.get(integrating, 0), sums.current.get(responded, 0), suppress=hide),
            selectors.share_cell(sums.previous.get(integrating, 0), sums.previous.get(responded, 0), suppress=hide),
            selectors.share_cell(sums.to_date.get(integrating, 0), sums.to_date.get(responded, 0), suppress=hide),
        ),
    ]


def report_content(*, programme: Programme, period: Period, language: str) -> ReportContent:
    """The report's figures in the active language (`language`), small cells hidden, nobody named."""
    scope = Scope(suppress=True)
    core = selectors.core_course_count(programme=programme)
    trend_labels = {
        Measure.REGISTERED: _("New registrations"),
        Measure.CORE_STEP: _("Completed all core courses"),
        Measure.CERTIFIED: _("Certified"),
    }
    trend_measures = [
        (str(measure), trend_labels[measure]) for measure in TREND_MEASURES if core or measure != Measure.CORE_STEP
    ]
    rankings = [
        _ranking(
            selectors.ranking(programme=programme, period=period, scope=scope, by=by),
            title=title,
            by_label=str(Dimension(by).label),
        )
        for by, title in (
            (Dimension.INSTITUTION, _("Institutions by new registrations")),
            (Dimension.REGION, _("Regions by new registrations")),
        )
    ]
    definitions = [(str(Measure(measure).label), str(text)) for measure, text in DEFINITIONS.items()]
    definitions += [(_("The funnel"), str(FUNNEL_DEFINITION)), (_("Small numbers"), str(SUPPRESSION_NOTE))]
    return ReportContent(
        language=language,
        programme=localized(programme, "name", language),
        period=period,
        previous=period.previous(),
        prepared_at=timezone.localtime(),
        computed_at=selectors.refreshed_at(programme=programme),
        figures=selectors.headline(programme=programme, period=period, scope=scope),
        funnel=selectors.funnel(programme=programme, period=period, scope=scope),
        trend=selectors.trend(
            programme=programme, period=period, scope=scope, measures=[measure for measure, _label in trend_measures]
        ),
        trend_measures=trend_measures,
        rankings=rankings,
        breakdowns=[selectors.breakdown(programme=programme, period=period, scope=scope, by=by) for by in BREAKDOWNS],
        impact=_impact(programme=programme, period=period, scope=scope),
        definitions=definitions,
    )


def requestable(first: dt.date) -> str:
    """Why a report cannot be asked for a period starting in `first`; empty when it can."""
    if first > current_month():
        return _("The period has not started yet.")
    return ""
