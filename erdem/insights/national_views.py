"""The national dashboard, the rankings, the dashboards' settings and "refresh now".

For the programme's national admins and the ministry viewer (AGGREGATES_VIEW). Anyone who is not a
national admin reads the figures with small cells hidden (`Scope(suppress=True)`), sees no names and
no link to a page about people. Every figure is read from the monthly rollup (`selectors`), so a page
makes the same number of queries whatever the size of the programme; a page finding the figures stale
queues a refresh and shows when they were computed.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erdem.access.policy import Action, can
from erdem.access.selectors import programme_required
from erdem.insights import charts, rollups, selectors
from erdem.insights.forms import CoreCoursesForm, PeriodForm
from erdem.insights.measures import DEFINITIONS, FUNNEL_DEFINITION, SUPPRESSION_NOTE, Dimension, Measure
from erdem.insights.periods import PRESETS, Period, PeriodChoice, period_from_params
from erdem.insights.selectors import Scope, TrendPoint
from erdem.insights.services import InsightsError, insights_settings_save
from erdem.people.models import Person
from erdem.programmes.models import Programme

NATIONAL_DIMENSIONS = (
    Dimension.INSTITUTION,
    Dimension.REGION,
    Dimension.DISCIPLINE,
    Dimension.GENDER,
    Dimension.LANGUAGE,
    Dimension.COURSE,
    Dimension.MONTH,
)
TOP_SHOWN = 5  # rows of each ranking on the dashboard
CHART_RANKS = 10  # bars of a ranking chart

# What institutions and regions may be ranked by (?measure=), registrations first.
RANKING_MEASURES = {
    Measure.REGISTERED: gettext_lazy("New registrations"),
    Measure.FIRST_ENROLLED: gettext_lazy("Educators enrolled"),
    Measure.COMPLETED: gettext_lazy("Course completions"),
    Measure.CORE_STEP: gettext_lazy("Completed all core courses"),
    Measure.CERTIFIED: gettext_lazy("Certified"),
    Measure.FIRST_ATTENDED: gettext_lazy("Attended a workshop"),
    Measure.REACHED: gettext_lazy("Reached through the cascade"),
}
TRENDS = (
    (Measure.REGISTERED, gettext_lazy("New registrations, month by month")),
    (Measure.CORE_STEP, gettext_lazy("Completed all core courses, month by month")),
    (Measure.CERTIFIED, gettext_lazy("Certified, month by month")),
)


def period_query(period: Period) -> str:
    """The query string that selects `period` again: its preset, or its months."""
    return f"period={period.preset}" if period.preset else period.query()


def _trend_rows(points: list[TrendPoint], before: list[TrendPoint], measure: str) -> list[dict[str, Any]]:
    rows = []
    for index, point in enumerate(points):
        earlier = before[index] if index < len(before) else None
        rows.append(
            {
                "month": point.month,
                "value": point.values[measure],
                "previous_month": earlier.month if earlier is not None else None,
                "previous": earlier.values[measure] if earlier is not None else None,
            }
        )
    return rows


def _period_context(request: HttpRequest, *, programme: Programme, choice: PeriodChoice) -> dict[str, Any]:
    """The period a page shows, the previous one, and the form and presets that choose another."""
    return {
        "programme": programme,
        "period": choice.period,
        "previous_period": choice.period.previous(),
        "period_error": choice.error,
        "period_form": PeriodForm(initial={"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}),
        "presets": list(PRESETS.items()),
        "period_query": period_query(choice.period),
    }


def dashboard_context(
    request: HttpRequest,
    *,
    programme: Programme,
    scope: Scope,
    dimensions: tuple[str, ...],
    default_by: str,
) -> dict[str, Any]:
    """The figures, funnel, trends and breakdown of a dashboard (national or one institution's), with the
    period form: a fixed number of queries."""
    choice = period_from_params(programme, request.GET)
    period = choice.period
    by = request.GET.get("by", default_by)
    if by not in dimensions:
        by = default_by
    core = selectors.core_course_count(programme=programme)
    measures = [measure for measure, _title in TRENDS if core or measure != Measure.CORE_STEP]
    points = selectors.trend(programme=programme, period=period, scope=scope, measures=measures)
    before = selectors.trend(programme=programme, period=period.previous(), scope=scope, measures=measures)
    trends = []
    for measure, title in TRENDS:
        if measure not in measures:
            continue
        label = str(title)
        trends.append(
            {
                "measure": measure,
                "title": label,
                "definition": DEFINITIONS[measure],
                "chart": charts.trend_svg(
                    points, measure=measure, title=label, label_id=f"trend-{measure}", previous=before
                ),
                "rows": _trend_rows(points, before, measure),
                "empty": not any(point.values[measure].value or point.values[measure].hidden for point in points),
            }
        )
    sums = selectors.totals(programme=programme, period=period, scope=scope)
    stages = selectors.funnel(programme=programme, period=period, scope=scope, sums=sums)
    table = selectors.breakdown(programme=programme, period=period, scope=scope, by=by)
    query = period_query(period)
    return {
        **_period_context(request, programme=programme, choice=choice),
        "figures": selectors.headline(programme=programme, period=period, scope=scope, sums=sums),
        "funnel": stages,
        "funnel_chart": charts.funnel_svg(stages),
        "funnel_definition": FUNNEL_DEFINITION,
        "trends": trends,
        "table": table,
        "by": by,
        "dimensions": [(value, Dimension(value).label) for value in dimensions],
        "export_query": f"{query}&by={by}",
        "export_base": query,
        "keep": [("by", by)],
        "suppressed": scope.suppress,
        "suppression_note": SUPPRESSION_NOTE,
        "refreshed_at": selectors.refreshed_at(programme=programme),
    }


def _top(rows: list[selectors.RankRow]) -> list[selectors.RankRow]:
    """The first rows of a ranking; rows hidden for the ministry (no rank) come after the ranked ones."""
    return rows[:TOP_SHOWN]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.AGGREGATES_VIEW)
    national = can(request.user, Action.PROGRAMME_MANAGE, programme)
    rollups.rollup_refresh_if_stale(programme=programme, started_by=request.user)
    scope = Scope(suppress=not national)
    context = dashboard_context(
        request, programme=programme, scope=scope, dimensions=NATIONAL_DIMENSIONS, default_by=Dimension.INSTITUTION
    )
    period = context["period"]
    context.update(
        {
            "national_admin": national,
            "top_institutions": _top(
                selectors.ranking(programme=programme, period=period, scope=scope, by=Dimension.INSTITUTION)
            ),
            "top_regions": _top(
                selectors.ranking(programme=programme, period=period, scope=scope, by=Dimension.REGION)
            ),
            # Institution rows link to the institution's page (names of its staff) for national admins only.
            "institution_links": national and context["by"] == Dimension.INSTITUTION,
        }
    )
    return render(request, "insights/dashboard.html", context)


@login_required
@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.AGGREGATES_VIEW)
    national = can(request.user, Action.PROGRAMME_MANAGE, programme)
    rollups.rollup_refresh_if_stale(programme=programme, started_by=request.user)
    scope = Scope(suppress=not national)
    choice = period_from_params(programme, request.GET)
    period = choice.period
    measure = request.GET.get("measure", Measure.REGISTERED)
    if measure not in RANKING_MEASURES:
        measure = Measure.REGISTERED
    measure_label = str(RANKING_MEASURES[Measure(measure)])
    tables = []
    for by, title in (
        (Dimension.INSTITUTION, _("Institutions by %(measure)s")),
        (Dimension.REGION, _("Regions by %(measure)s")),
    ):
        rows = selectors.ranking(programme=programme, period=period, scope=scope, by=by, measure=measure)
        heading = title % {"measure": measure_label.lower()}
        ranked = [row for row in rows if row.rank is not None][:CHART_RANKS]
        tables.append(
            {
                "by": by,
                "title": heading,
                "rows": rows,
                "chart": charts.ranking_svg(ranked, title=heading, label_id=f"ranking-{by}"),
                "links": national and by == Dimension.INSTITUTION,
            }
        )
    query = period_query(period)
    context = {
        **_period_context(request, programme=programme, choice=choice),
        "measure": measure,
        "measure_label": measure_label,
        "measure_definition": DEFINITIONS[Measure(measure)],
        "measures": [(value, label) for value, label in RANKING_MEASURES.items()],
        "tables": tables,
        "export_query": f"{query}&measure={measure}",
        "keep": [("measure", measure)],
        "suppressed": scope.suppress,
        "suppression_note": SUPPRESSION_NOTE,
        "refreshed_at": selectors.refreshed_at(programme=programme),
        "national_admin": national,
    }
    return render(request, "insights/rankings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    from erdem.credentials.selectors import course_titles

    programme = programme_required(request.user, Action.PROGRAMME_MANAGE)
    titles = course_titles(programme=programme)
    current = rollups.core_course_ids(programme=programme)
    if request.method == "POST":
        form = CoreCoursesForm(request.POST, programme=programme, titles=titles)
        if form.is_valid():
            try:
                insights_settings_save(
                    programme=programme,
                    core_course_ids=[course.pk for course in form.cleaned_data["core_courses"]],
                    actor=request.user,
                )
            except InsightsError as error:
                form.add_error("core_courses", error.message)
            else:
                messages.success(request, _("The core courses are saved. The figures are being computed again."))
                return redirect("insights:settings")
    else:
        form = CoreCoursesForm(initial={"core_courses": current}, programme=programme, titles=titles)
    return render(request, "insights/settings.html", {"programme": programme, "form": form})


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    from erdem.jobs.models import Job

    programme = programme_required(request.user, Action.PROGRAMME_MANAGE)
    started = timezone.now()
    if not rollups.rollup_refresh_queue(programme=programme, started_by=request.user):
        messages.info(request, _("The figures are already being computed; they will be ready in a few minutes."))
        return redirect("insights:dashboard")
    job = (
        Job.objects.filter(
            kind=Job.Kind.INSIGHTS_REFRESH, started_by=cast(Person, request.user), created_at__gte=started
        )
        .order_by("-created_at")
        .first()
    )
    if job is None:  # already run and gone from the list: the figures are fresh
        return redirect("insights:dashboard")
    return redirect("jobs:detail", pk=job.pk)
