"""Prepare the national report of every active programme on schedule; to run from cron or a systemd
timer, for example on the first days of each quarter. By default the report of the previous calendar
quarter; `--month YYYY-MM` for one month, `--from YYYY-MM --to YYYY-MM` for any period. Each period gets
one scheduled report: running again does not make a second."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from erdem.insights.periods import Period, parse_month
from erdem.insights.reports import previous_quarter, report_request
from erdem.programmes.models import Programme


class Command(BaseCommand):
    help = "Prepare the national report (PDF in each language) of the previous quarter or of the months given."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--programme", help="the programme's code (slug); every active programme by default")
        parser.add_argument("--month", help="one month, YYYY-MM")
        parser.add_argument("--from", dest="first", help="the first month, YYYY-MM")
        parser.add_argument("--to", dest="last", help="the last month, YYYY-MM")

    def _period(self, options: dict[str, Any]) -> Period:
        if options["month"]:
            month = parse_month(options["month"])
            if month is None:
                raise CommandError("--month is written as YYYY-MM.")
            return Period(month, month)
        if options["first"] or options["last"]:
            first, last = parse_month(options["first"] or ""), parse_month(options["last"] or "")
            if first is None or last is None:
                raise CommandError("--from and --to are both needed, written as YYYY-MM.")
            if last < first:
                raise CommandError("--to is before --from.")
            return Period(first, last)
        return previous_quarter(timezone.localdate())

    def handle(self, *args: Any, **options: Any) -> None:
        period = self._period(options)
        programmes = Programme.objects.filter(is_active=True).order_by("pk")
        if options["programme"]:
            programmes = Programme.objects.filter(slug=options["programme"])
            if not programmes.exists():
                raise CommandError(f"No programme with the code {options['programme']!r}.")
        for programme in programmes:
            started = timezone.now()
            report = report_request(
                programme=programme, first_month=period.first, last_month=period.last, actor=None, scheduled=True
            )
            made = report.created_at >= started
            state = "queued" if made else f"already {report.status}"
            self.stdout.write(
                f"{programme.slug} {period.first:%Y-%m}..{period.last:%Y-%m}: report {report.pk} {state}."
            )
