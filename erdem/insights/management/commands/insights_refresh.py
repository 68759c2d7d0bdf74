"""Rebuild the dashboards' rollup of every active programme; to run every few minutes from cron or a
systemd timer. Pages queue a refresh themselves when they find the figures stale, so a missed run only
delays figures by ERDEM_INSIGHTS_MAX_AGE."""

from typing import Any

from django.core.management.base import BaseCommand

from erdem.insights.rollups import rollup_refresh
from erdem.programmes.models import Programme


class Command(BaseCommand):
    help = "Rebuild the monthly rollup the national, institution and open-data figures are read from."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--programme", help="the programme's code (slug); every active programme by default")

    def handle(self, *args: Any, **options: Any) -> None:
        programmes = Programme.objects.filter(is_active=True).order_by("pk")
        if options["programme"]:
            programmes = Programme.objects.filter(slug=options["programme"])
            if not programmes.exists():
                self.stderr.write(f"No programme with the code {options['programme']!r}.")
                raise SystemExit(1)
        for programme in programmes:
            rows = rollup_refresh(programme=programme)
            self.stdout.write(f"{programme.slug}: {rows} rows.")
