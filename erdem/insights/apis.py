"""Insights API: the aggregate open data of a programme, and an institution's own figures.

`/open/…` is for anyone, without signing in: the current programme's figures (or another
programme's, `?programme=<slug>`) with counts of fewer than five people always hidden
(`erdem.core.privacy`), whoever asks. `/institutions/{code}/…` gives an institution's exact
figures to its coordinators and national admins (`Action.INSTITUTION_PEOPLE_VIEW`). No answer
of this API names a person: names stay in the pages and their exports.

Every answer is a sum over the monthly rollup (`erdem.insights.selectors`), read in a fixed
number of queries; nothing is computed from the raw records during a request. `computed_at` says
when the rollup was last rebuilt; when it never was, the answer has no figures.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from ninja import Query, Router

from erdem.access.policy import Action, can
from erdem.api.auth import PUBLIC, caller
from erdem.api.errors import Forbidden, Invalid, NotFound, institution_not_found, programme_not_found
from erdem.api.schemas import ErrorOut, ValidationErrorOut
from erdem.api.selectors import institutions_list, programmes_list
from erdem.catalog.models import Course
from erdem.core.i18n import active_language, localized
from erdem.core.privacy import THRESHOLD
from erdem.insights import selectors
from erdem.insights.api_schemas import (
    BreakdownOut,
    BreakdownQuery,
    CellOut,
    ColumnOut,
    DefinitionsOut,
    FigureOut,
    FiguresOut,
    FunnelStageOut,
    KeyLabel,
    MonthRange,
    PeriodOut,
    PeriodQuery,
    ProgrammeQuery,
    ProgrammeRef,
    RankingOut,
    RankingQuery,
    RankRowOut,
    RowOut,
    TermOut,
    TrendOut,
    TrendPointOut,
    TrendQuery,
)
from erdem.insights.measures import DEFINITIONS, FUNNEL_DEFINITION, SUPPRESSION_NOTE, Dimension, Measure
from erdem.insights.periods import PRESETS, Period, period_from_params, programme_months
from erdem.insights.selectors import Cell, Scope
from erdem.organisations.models import Institution, Region
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current

router = Router(tags=["insights"])

OPEN = Scope(suppress=True)
OPEN_CACHE = "public, max-age=300"  # the rollup changes every few minutes at most
PRIVATE_CACHE = "private, no-cache"

OPEN_ERRORS = {404: ErrorOut, 422: ValidationErrorOut}
INSTITUTION_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


# --- reading the request ------------------------------------------------------------------------------------


def _language(request: HttpRequest, lang: str | None) -> None:
    """`?lang=` overrides the caller's language (the site's rule: saved language, cookie, Mongolian)."""
    if lang:
        translation.activate(lang)
        request.LANGUAGE_CODE = lang


def _programme(slug: str) -> Programme:
    if slug:
        programme = programmes_list().filter(slug=slug).first()
        if programme is None:
            raise programme_not_found(slug, in_body=True)
        return programme
    programme = programme_current()
    if programme is None:
        raise NotFound(_("There is no active programme."))
    return programme


def _period(programme: Programme, query: PeriodQuery) -> Period:
    """The period asked for; anything unreadable is refused with the reason (the pages fall back instead)."""
    if not (query.from_ or query.to) and query.period and query.period not in PRESETS:
        raise Invalid(
            _("Unknown period “%(period)s”: use all, year, quarter or month.") % {"period": query.period[:20]}
        )
    choice = period_from_params(programme, {"from": query.from_, "to": query.to, "period": query.period or "all"})
    if choice.error:
        raise Invalid(choice.error)
    return choice.period


def _institution(request: HttpRequest, code: str) -> Institution:
    institution = institutions_list().filter(code=code).first()
    if institution is None:
        raise institution_not_found(code)
    if not can(caller(request), Action.INSTITUTION_PEOPLE_VIEW, institution):
        raise Forbidden(_("Only the institution's coordinators and national administrators see its figures."))
    return institution


# --- writing the answer -------------------------------------------------------------------------------------


def _cell(cell: Cell) -> CellOut:
    value = None if cell.hidden else cell.value
    if value is not None and cell.is_share:
        value = round(float(value), 4)
    return CellOut(value=value, hidden=cell.hidden, text=cell.text, is_share=cell.is_share)


def _month_range(period: Period) -> MonthRange:
    return MonthRange(first=f"{period.first:%Y-%m}", last=f"{period.last:%Y-%m}", label=period.label())


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(
        **_month_range(period).model_dump(),
        months=period.months,
        preset=period.preset,
        previous=_month_range(period.previous()),
    )


def _envelope(programme: Programme, scope: Scope, period: Period | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "programme": ProgrammeRef(slug=programme.slug, name=localized(programme, "name")),
        "language": active_language(),
        "computed_at": selectors.refreshed_at(programme=programme),
        "suppressed": scope.suppress,
    }
    if period is not None:
        context["period"] = _period_out(period)
    return context


def _row_keys(programme: Programme, by: str, keys: list[Any]) -> dict[Any, str | None]:
    """How a row is addressed: by the codes the rest of the API uses, one query at most."""
    known = [key for key in keys if key]
    if by == Dimension.INSTITUTION:
        codes = dict(Institution.objects.filter(pk__in=known).values_list("pk", "code"))
    elif by == Dimension.REGION:
        codes = dict(Region.objects.filter(pk__in=known).values_list("pk", "iso_code"))
    elif by == Dimension.COURSE:
        codes = dict(Course.objects.filter(pk__in=known).values_list("pk", "code"))
    elif by == Dimension.MONTH:
        codes = {key: f"{key:%Y-%m}" for key in known}
    else:
        codes = {key: str(key) for key in known}
    return {key: codes.get(key) for key in keys}


def _figures(query: PeriodQuery, scope: Scope) -> FiguresOut:
    programme = _programme(query.programme)
    period = _period(programme, query)
    context = _envelope(programme, scope, period)
    figures, stages = [], []
    if context["computed_at"] is not None:
        for figure in selectors.headline(programme=programme, period=period, scope=scope):
            current = _cell(figure.current)
            figures.append(
                FigureOut(
                    key=figure.key,
                    label=figure.label,
                    definition=figure.definition,
                    value=current.value,
                    hidden=current.hidden,
                    text=current.text,
                    is_share=current.is_share,
                    change=figure.change,
                    previous=_cell(figure.previous),
                    to_date=_cell(figure.to_date) if figure.to_date is not None else None,
                )
            )
        stages = [
            FunnelStageOut(label=stage.label, people=_cell(stage.people), of_previous=_cell(stage.of_previous))
            for stage in selectors.funnel(programme=programme, period=period, scope=scope)
        ]
    return FiguresOut(**context, figures=figures, funnel=stages)


def _breakdown(query: BreakdownQuery, scope: Scope) -> BreakdownOut:
    programme = _programme(query.programme)
    period = _period(programme, query)
    by = Dimension(query.by)
    context = _envelope(programme, scope, period)
    columns = selectors.columns_for(programme=programme, by=by)
    rows: list[RowOut] = []
    total = None
    if context["computed_at"] is not None:
        table = selectors.breakdown(programme=programme, period=period, scope=scope, by=by)
        keys = _row_keys(programme, by, [row.key for row in table.rows])
        rows = [RowOut(key=keys[row.key], label=row.label, cells=[_cell(c) for c in row.cells]) for row in table.rows]
        total = RowOut(key=None, label=table.total.label, cells=[_cell(c) for c in table.total.cells])
    return BreakdownOut(
        **context,
        by=by.value,
        by_label=str(by.label),
        columns=[ColumnOut(key=column.key, label=column.label, is_share=column.is_share) for column in columns],
        rows=rows,
        total=total,
    )


# --- open data ----------------------------------------------------------------------------------------------


@router.get("/open/definitions", response={200: DefinitionsOut, **OPEN_ERRORS}, **PUBLIC)
def insights_open_definitions(
    request: HttpRequest, response: HttpResponse, query: Query[ProgrammeQuery]
) -> DefinitionsOut:
    """What every figure, measure and column counts, as written beside them on the pages."""
    _language(request, query.lang)
    programme = _programme(query.programme)
    figures = selectors.headline(programme=programme, period=programme_months(programme), scope=OPEN)
    response["Cache-Control"] = OPEN_CACHE
    return DefinitionsOut(
        **_envelope(programme, OPEN),
        measures=[
            TermOut(key=measure.value, label=str(measure.label), definition=str(DEFINITIONS[measure]))
            for measure in Measure
        ],
        figures=[TermOut(key=figure.key, label=figure.label, definition=figure.definition) for figure in figures],
        columns=[
            ColumnOut(key=column.key, label=column.label, is_share=column.is_share)
            for column in selectors.columns_for(programme=programme, by=Dimension.INSTITUTION)
        ],
        dimensions=[KeyLabel(key=dimension.value, label=str(dimension.label)) for dimension in Dimension],
        funnel=str(FUNNEL_DEFINITION),
        small_cells=str(SUPPRESSION_NOTE),
        threshold=THRESHOLD,
    )


@router.get("/open/figures", response={200: FiguresOut, **OPEN_ERRORS}, **PUBLIC)
def insights_open_figures(request: HttpRequest, response: HttpResponse, query: Query[PeriodQuery]) -> FiguresOut:
    """The headline figures of the period beside the previous period, and the funnel; small counts hidden."""
    _language(request, query.lang)
    result = _figures(query, OPEN)
    response["Cache-Control"] = OPEN_CACHE
    return result


@router.get("/open/breakdown", response={200: BreakdownOut, **OPEN_ERRORS}, **PUBLIC)
def insights_open_breakdown(request: HttpRequest, response: HttpResponse, query: Query[BreakdownQuery]) -> BreakdownOut:
    """The figures of the period by institution, region, discipline, gender, language, course or month,
    with the total; small counts hidden, with one more cell where a total would reveal one."""
    _language(request, query.lang)
    result = _breakdown(query, OPEN)
    response["Cache-Control"] = OPEN_CACHE
    return result


@router.get("/open/ranking", response={200: RankingOut, **OPEN_ERRORS}, **PUBLIC)
def insights_open_ranking(request: HttpRequest, response: HttpResponse, query: Query[RankingQuery]) -> RankingOut:
    """Institutions or regions ranked by a measure over the period, beside the previous period's rank."""
    _language(request, query.lang)
    programme = _programme(query.programme)
    period = _period(programme, query)
    context = _envelope(programme, OPEN, period)
    measure = Measure(query.measure)
    rows: list[RankRowOut] = []
    if context["computed_at"] is not None:
        ranked = selectors.ranking(programme=programme, period=period, scope=OPEN, by=query.by, measure=measure)
        keys = _row_keys(programme, query.by, [row.key for row in ranked])
        rows = [
            RankRowOut(
                rank=row.rank,
                key=keys[row.key],
                label=row.label,
                current=_cell(row.current),
                previous=_cell(row.previous),
                previous_rank=row.previous_rank,
            )
            for row in ranked
        ]
    response["Cache-Control"] = OPEN_CACHE
    return RankingOut(**context, by=query.by, measure=KeyLabel(key=measure.value, label=str(measure.label)), rows=rows)


@router.get("/open/trend", response={200: TrendOut, **OPEN_ERRORS}, **PUBLIC)
def insights_open_trend(request: HttpRequest, response: HttpResponse, query: Query[TrendQuery]) -> TrendOut:
    """Month by month over the period, the count of each measure asked for."""
    _language(request, query.lang)
    names = list(dict.fromkeys(name.strip() for name in query.measures.split(",") if name.strip()))
    unknown = [name for name in names if name not in Measure.values]
    if unknown or not names:
        raise Invalid(
            _("Unknown measure “%(measure)s”. The measures are: %(measures)s.")
            % {"measure": (unknown or [""])[0][:40], "measures": ", ".join(Measure.values)}
        )
    programme = _programme(query.programme)
    period = _period(programme, query)
    context = _envelope(programme, OPEN, period)
    measures = [Measure(name) for name in names]
    points: list[TrendPointOut] = []
    if context["computed_at"] is not None:
        points = [
            TrendPointOut(
                month=f"{point.month:%Y-%m}",
                label=date_format(point.month, "YEAR_MONTH_FORMAT"),
                values={name: _cell(cell) for name, cell in point.values.items()},
            )
            for point in selectors.trend(programme=programme, period=period, scope=OPEN, measures=measures)
        ]
    response["Cache-Control"] = OPEN_CACHE
    return TrendOut(
        **context,
        measures=[KeyLabel(key=measure.value, label=str(measure.label)) for measure in measures],
        points=points,
    )


# --- an institution's exact figures -------------------------------------------------------------------------


@router.get("/institutions/{code}/figures", response={200: FiguresOut, **INSTITUTION_ERRORS})
def insights_institution_figures(
    request: HttpRequest, response: HttpResponse, code: str, query: Query[PeriodQuery]
) -> FiguresOut:
    """One institution's headline figures and funnel, exact (its coordinators and national admins)."""
    _language(request, query.lang)
    institution = _institution(request, code)
    result = _figures(query, Scope(institution_id=institution.pk))
    response["Cache-Control"] = PRIVATE_CACHE
    return result


@router.get("/institutions/{code}/breakdown", response={200: BreakdownOut, **INSTITUTION_ERRORS})
def insights_institution_breakdown(
    request: HttpRequest, response: HttpResponse, code: str, query: Query[BreakdownQuery]
) -> BreakdownOut:
    """One institution's figures broken down, exact (its coordinators and national admins)."""
    _language(request, query.lang)
    institution = _institution(request, code)
    result = _breakdown(query, Scope(institution_id=institution.pk))
    response["Cache-Control"] = PRIVATE_CACHE
    return result
