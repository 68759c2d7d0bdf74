"""Periods of whole months, as the dashboards, exports, reports and the open-data API read them.

A period runs from the first day of `first` to the end of `last` (both first days of months,
Ulaanbaatar time). It is read from `?from=YYYY-MM&to=YYYY-MM` or a preset (`?period=all|year|
quarter|month`); anything unreadable falls back to the whole programme and says so. The previous
period is as many months, just before.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erdem.programmes.models import Programme

PRESETS = {
    "all": gettext_lazy("whole programme"),
    "year": gettext_lazy("last 12 months"),
    "quarter": gettext_lazy("last 3 months"),
    "month": gettext_lazy("this month"),
}
MAX_MONTHS = 240


def month_add(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    preset: str = ""

    @property
    def months(self) -> int:
        return months_between(self.first, self.last)

    def month_list(self) -> list[dt.date]:
        return [month_add(self.first, number) for number in range(self.months)]

    def previous(self) -> "Period":
        return Period(month_add(self.first, -self.months), month_add(self.first, -1))

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return month_add(self.last, 1) - dt.timedelta(days=1)

    def label(self) -> str:
        first, last = date_format(self.first, "YEAR_MONTH_FORMAT"), date_format(self.last, "YEAR_MONTH_FORMAT")
        return first if self.first == self.last else _("%(first)s – %(last)s") % {"first": first, "last": last}

    def query(self) -> str:
        """The query string that selects this period."""
        return f"from={self.first:%Y-%m}&to={self.last:%Y-%m}"


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def programme_months(programme: Programme) -> Period:
    """From the programme's first month to the current month (or its last, if it ended earlier)."""
    first = programme.starts_on.replace(day=1)
    last = current_month()
    if programme.ends_on is not None and programme.ends_on.replace(day=1) < last:
        last = programme.ends_on.replace(day=1)
    return Period(first, max(first, last), "all")


def preset_period(programme: Programme, preset: str) -> Period:
    month = current_month()
    if preset == "year":
        return Period(month_add(month, -11), month, preset)
    if preset == "quarter":
        return Period(month_add(month, -2), month, preset)
    if preset == "month":
        return Period(month, month, preset)
    return programme_months(programme)


def parse_month(value: str) -> dt.date | None:
    """`YYYY-MM` as the first day of that month; None when it is not one."""
    if len(value) != 7 or value[4] != "-" or not (value[:4].isdigit() and value[5:].isdigit()):
        return None
    year, month = int(value[:4]), int(value[5:])
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class PeriodChoice:
    period: Period
    error: str = ""


def period_from_params(programme: Programme, params: Any) -> PeriodChoice:
    """The period a request asks for, with a sentence saying what was wrong when it could not be read."""
    raw_first, raw_last = params.get("from", ""), params.get("to", "")
    if raw_first or raw_last:
        first, last = parse_month(raw_first or raw_last), parse_month(raw_last or raw_first)
        if first is None or last is None:
            return PeriodChoice(
                programme_months(programme), _("Months are written as year-month, for example 2025-03.")
            )
        if last < first:
            return PeriodChoice(programme_months(programme), _("The period ends before it starts."))
        if months_between(first, last) > MAX_MONTHS:
            return PeriodChoice(programme_months(programme), _("A period can cover at most 20 years."))
        return PeriodChoice(Period(first, last))
    preset = params.get("period", "all")
    if preset not in PRESETS:
        return PeriodChoice(programme_months(programme), _("Unknown period; the whole programme is shown."))
    return PeriodChoice(preset_period(programme, preset))
