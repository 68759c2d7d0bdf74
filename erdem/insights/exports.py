"""The dashboards' tables as CSV and Excel files (written by `core.tables`: CSV streamed, Excel row by
row, formulas defused).

- `table.<fmt>`: the breakdown table of the national dashboard, read with the dashboard's parameters
  (`period` or `from`/`to`, `by`), for national admins (exact) and ministry viewers (counts under 5
  hidden); with `institution=<id>`, that institution's table for its coordinators and national admins.
- `rankings.<fmt>`: institutions or regions ranked by a measure (`by`, `measure`), as on the rankings page.
- `institutions/<pk>/staff.<fmt>`: the institution's staff with names and progress (`q` narrows it as on
  the page), for its coordinators and national admins; ministry viewers never get it.
- `trainer/cohorts.<fmt>`: the members of the cohorts the reader trains.

A file holds one clean table: the header row, the rows, and for breakdowns the total row. The Excel
file has a second sheet saying the programme, the period, when the figures were computed and what
each column counts; the CSV file holds the table only (so that it imports cleanly) and its name says
the period.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from erdem.access.policy import Action, can, require
from erdem.access.selectors import programme_required
from erdem.audit.services import audit_export
from erdem.cascade.trainer_views import programme_for
from erdem.core.tables import FORMATS, Sheet, id_param, table_response
from erdem.insights import staff
from erdem.insights.measures import DEFINITIONS, FUNNEL_DEFINITION, SUPPRESSION_NOTE, Dimension, Measure
from erdem.insights.periods import Period, period_from_params
from erdem.insights.selectors import Scope, breakdown, funnel, ranking, refreshed_at
from erdem.learning.selectors import cohorts_trained_by
from erdem.organisations.models import Institution
from erdem.programmes.models import Programme

RANKED_BY = (Dimension.INSTITUTION, Dimension.REGION)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _number(text: str) -> int | float | str:
    """A cell of `Cell.export` ("12", "45.3", "<5" or "") as a number where it is one."""
    if text.isdigit():
        return int(text)
    whole, dot, tenths = text.partition(".")
    if dot and whole.isdigit() and tenths.isdigit():
        return float(text)
    return text


def _numbers(rows: Iterable[list[str]]) -> Iterator[list[Any]]:
    for label, *cells in rows:
        yield [label, *(_number(cell) for cell in cells)]


def _choice(request: HttpRequest, name: str, allowed: Iterable[str], default: str) -> str:
    value = request.GET.get(name, "") or default
    if value not in allowed:
        raise Http404
    return value


def _about(
    *, programme: Programme, period: Period, scope: Scope, definitions: Iterable[tuple[str, str]], subject: str = ""
) -> Sheet:
    """The second sheet of an Excel file: what the table is about and what each column counts."""
    computed = refreshed_at(programme=programme)
    rows: list[list[Any]] = [
        [_("Programme"), programme.name],
        *([[_("Institution"), subject]] if subject else []),
        [_("Period"), period.label()],
        [_("Previous period"), period.previous().label()],
        [_("Figures computed at"), computed if computed else ""],
    ]
    if scope.suppress:
        rows.append([_("Small counts"), str(SUPPRESSION_NOTE)])
    rows += [[], [_("Column"), _("Definition")], *([label, text] for label, text in definitions)]
    return (_("About this table"), rows)


def _stamp(period: Period) -> str:
    return f"{period.first:%Y-%m}-{period.last:%Y-%m}"


@login_required
@require_GET
def table_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    person = request.user
    institution_id = id_param(request, "institution")
    subject = ""
    if institution_id is None:
        programme = programme_required(person, Action.AGGREGATES_VIEW)
        scope = Scope(suppress=not can(person, Action.PROGRAMME_MANAGE, programme))
        name = "national"
    else:
        institution = get_object_or_404(Institution, pk=institution_id)
        require(person, Action.INSTITUTION_PEOPLE_VIEW, institution)
        found = programme_for(person)
        if found is None:
            raise Http404
        programme, scope, name, subject = (
            found,
            Scope(institution_id=institution.pk),
            institution.code,
            institution.name,
        )
    period = period_from_params(programme, request.GET).period
    if request.GET.get("by") == FUNNEL:
        return _funnel_export(programme=programme, period=period, scope=scope, name=name, subject=subject, fmt=fmt)
    by = _choice(request, "by", Dimension.values, Dimension.INSTITUTION)
    table = breakdown(programme=programme, period=period, scope=scope, by=by)
    definitions = [(column.label, str(DEFINITIONS[Measure(column.measure)])) for column in table.columns]
    return table_response(
        header=table.header(),
        rows=_numbers(table.export_rows()),
        fmt=fmt,
        filename=f"{programme.slug}-{name}-by-{by}-{_stamp(period)}",
        sheet_title=_("Figures"),
        sheets=[_about(programme=programme, period=period, scope=scope, definitions=definitions, subject=subject)],
    )


FUNNEL = "funnel"


def _funnel_export(
    *, programme: Programme, period: Period, scope: Scope, name: str, subject: str, fmt: str
) -> HttpResponseBase:
    """The dashboard's funnel as a table: each stage, its people and the share of the previous stage."""
    header = [_("Stage"), _("People"), _("Share of the previous stage"), _("Drop")]
    lines = (
        [stage.label, _number(stage.people.export), _number(stage.of_previous.export), _number(stage.drop.export)]
        for stage in funnel(programme=programme, period=period, scope=scope)
    )
    return table_response(
        header=header,
        rows=lines,
        fmt=fmt,
        filename=f"{programme.slug}-{name}-funnel-{_stamp(period)}",
        sheet_title=_("Funnel"),
        sheets=[
            _about(
                programme=programme,
                period=period,
                scope=scope,
                definitions=[(_("Funnel"), str(FUNNEL_DEFINITION))],
                subject=subject,
            )
        ],
    )


@login_required
@require_GET
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    person = request.user
    programme = programme_required(person, Action.AGGREGATES_VIEW)
    scope = Scope(suppress=not can(person, Action.PROGRAMME_MANAGE, programme))
    period = period_from_params(programme, request.GET).period
    by = _choice(request, "by", RANKED_BY, Dimension.INSTITUTION)
    measure = _choice(request, "measure", Measure.values, Measure.REGISTERED)
    rows = ranking(programme=programme, period=period, scope=scope, by=by, measure=measure)
    header = [
        _("Rank"),
        str(Dimension(by).label).capitalize(),
        _("%(measure)s, %(period)s") % {"measure": Measure(measure).label, "period": period.label()},
        _("%(measure)s, %(period)s") % {"measure": Measure(measure).label, "period": period.previous().label()},
        _("Rank in the previous period"),
    ]
    lines = (
        [row.rank or "", row.label, _number(row.current.export), _number(row.previous.export), row.previous_rank or ""]
        for row in rows
    )
    definitions = [(str(Measure(measure).label), str(DEFINITIONS[Measure(measure)]))]
    return table_response(
        header=header,
        rows=lines,
        fmt=fmt,
        filename=f"{programme.slug}-ranking-{by}-{measure}-{_stamp(period)}",
        sheet_title=_("Ranking"),
        sheets=[_about(programme=programme, period=period, scope=scope, definitions=definitions)],
    )


@login_required
@require_GET
def staff_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    institution = get_object_or_404(Institution, pk=pk)
    require(request.user, Action.INSTITUTION_PEOPLE_VIEW, institution)
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    people = staff.institution_staff(programme=programme, institution=institution, search=staff.search_text(request))
    audit_export(request=request, table="institution staff", rows=people.count(), fmt=fmt, target=institution)
    return table_response(
        header=staff.staff_header(),
        rows=staff.staff_rows(people),
        fmt=fmt,
        filename=f"staff-{institution.code}-{timezone.localdate().isoformat()}",
        sheet_title=_("Staff"),
    )


@login_required
@require_GET
def cohorts_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    person = request.user
    require(person, Action.COHORT_LIST_VIEW)
    cohorts = [
        cohort
        for cohort in cohorts_trained_by(person=person).prefetch_related("trainers")
        if can(person, Action.COHORT_PROGRESS_VIEW, cohort)
    ]
    names = {cohort.pk: cohort.name for cohort in cohorts}
    members = staff.cohort_members(cohort_ids=list(names))
    audit_export(request=request, table="cohort members", rows=members.count(), fmt=fmt)
    return table_response(
        header=staff.member_header(),
        rows=staff.member_rows(members, cohort_names=names),
        fmt=fmt,
        filename=f"cohorts-{timezone.localdate().isoformat()}",
        sheet_title=_("Cohorts"),
    )
