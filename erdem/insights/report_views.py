"""The national reports: the list with a form to ask for one, and the PDFs.

For national admins and ministry viewers (AGGREGATES_VIEW on the programme): the report is an aggregate,
so the ministry may ask for one too. Who asked is named to national admins only; a ministry viewer sees
"scheduled", "you" or "the national centre".
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.policy import Action, can, require
from erdem.access.selectors import programme_required
from erdem.core.uploads import file_response
from erdem.insights.forms import month_input
from erdem.insights.models import Report
from erdem.insights.periods import MAX_MONTHS, Period, months_between, parse_month
from erdem.insights.reports import (
    REPORT_LANGUAGES,
    REPORTS_LISTED,
    preset_period,
    report_file,
    report_request,
    reports_for,
    requestable,
)

PRESETS = {
    "last_quarter": gettext_lazy("Last quarter"),
    "last_month": gettext_lazy("Last month"),
    "year_to_date": gettext_lazy("Year to date"),
}


class ReportRequestForm(forms.Form):
    """The months of a report, or a preset (a button named `preset`)."""

    first = forms.CharField(
        label=gettext_lazy("From (year-month)"),
        required=False,
        max_length=7,
        widget=month_input("2025-01"),
    )
    last = forms.CharField(
        label=gettext_lazy("To (year-month)"),
        required=False,
        max_length=7,
        widget=month_input("2025-03"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        preset = self.data.get("preset", "")
        if preset:
            period = preset_period(preset, timezone.localdate())
            if period is None:
                raise forms.ValidationError(_("Choose one of the periods offered."))
            cleaned["period"] = (period.first, period.last)
            return cleaned
        months: dict[str, dt.date] = {}
        for name in ("first", "last"):
            raw = (cleaned.get(name) or "").strip()
            month = parse_month(raw)
            if not raw:
                self.add_error(name, _("Give a month, for example 2025-03."))
            elif month is None:
                self.add_error(name, _("Months are written as year-month, for example 2025-03."))
            else:
                months[name] = month
        if len(months) < 2:
            return cleaned
        first, last = months["first"], months["last"]
        if last < first:
            self.add_error("last", _("The period ends before it starts."))
        elif months_between(first, last) > MAX_MONTHS:
            self.add_error("last", _("A period can cover at most 20 years."))
        elif reason := requestable(first):
            self.add_error("first", reason)
        else:
            cleaned["period"] = (first, last)
        return cleaned


def _requested_by(report: Report, *, person: Any, admin: bool) -> str:
    if report.scheduled:
        return _("scheduled")
    if report.created_by_id == person.pk:
        return _("you")
    if admin and report.created_by is not None:
        return report.created_by.full_name
    return _("the national centre")


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.AGGREGATES_VIEW)
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        first, last = form.cleaned_data["period"]
        report = report_request(programme=programme, first_month=first, last_month=last, actor=request.user)
        if (
            report.status == Report.Status.QUEUED
            and report.job is not None
            and can(request.user, Action.JOB_VIEW, report.job)
        ):
            return redirect("jobs:detail", pk=report.job.pk)
        if report.status == Report.Status.QUEUED:
            messages.info(request, _("A report of this period is being prepared already; it appears here when ready."))
        else:
            messages.success(request, _("The report is ready."))
        return redirect("insights:reports")
    admin = can(request.user, Action.PROGRAMME_MANAGE, programme)
    rows = [
        {
            "report": report,
            "period": Period(report.first_month, report.last_month).label(),
            "by": _requested_by(report, person=request.user, admin=admin),
            "job": report.job if report.job and can(request.user, Action.JOB_VIEW, report.job) else None,
        }
        for report in reports_for(programme)[:REPORTS_LISTED]
    ]
    return render(
        request,
        "insights/reports.html",
        {"programme": programme, "form": form, "presets": PRESETS, "rows": rows, "languages": REPORT_LANGUAGES},
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int, language: str) -> HttpResponseBase:
    report = get_object_or_404(Report.objects.select_related("programme"), pk=pk)
    require(request.user, Action.AGGREGATES_VIEW, report.programme)
    if language not in REPORT_LANGUAGES:
        raise Http404
    stored = report_file(report, language)
    if stored is None:
        messages.warning(request, _("That report is not ready: it is being prepared, or it failed."))
        return redirect("insights:reports")
    filename = f"{report.programme.slug}-report-{report.first_month:%Y-%m}-{report.last_month:%Y-%m}-{language}.pdf"
    return file_response(request, stored, filename=filename, content_type="application/pdf")
