"""Resume bulk issuances whose worker was killed or which failed half-way.

Run it after restarting workers (or any time: a run that is still going is not disturbed, and nobody is
issued twice). Without ids it resumes every unfinished or failed run of the last seven days."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from erdem.credentials.models import IssuanceRun
from erdem.credentials.services import issuance_run_resume
from erdem.jobs.models import Job


class Command(BaseCommand):
    help = "Queue unfinished or failed bulk credential issuances again (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("run_ids", nargs="*", type=int, help="bulk issuance ids (default: all unfinished)")

    def handle(self, *args: Any, run_ids: list[int], **options: Any) -> None:
        runs = IssuanceRun.objects.exclude(job__status=Job.Status.SUCCEEDED).filter(job__isnull=False)
        if run_ids:
            runs = runs.filter(pk__in=run_ids)
        else:
            runs = runs.filter(created_at__gte=timezone.now() - dt.timedelta(days=7))
        count = 0
        for run in runs:
            with transaction.atomic():
                issuance_run_resume(run=run)
            count += 1
        self.stdout.write(f"{count} bulk issuance(s) queued again.")
