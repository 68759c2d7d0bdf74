"""Queue the sending of follow-up surveys for every active programme that has a survey being sent; to run
daily from cron or a systemd timer. Each job invites the people now due, sends their first e-mail and the
reminders due; running it twice sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from erdem.insights.models import Survey
from erdem.insights.tasks import survey_sending_task
from erdem.jobs.models import Job
from erdem.jobs.services import job_enqueue
from erdem.programmes.models import Programme


class Command(BaseCommand):
    help = "Queue one job per active programme sending the follow-up survey invitations and reminders now due."

    def handle(self, *args: Any, **options: Any) -> None:
        programmes = (
            Programme.objects.filter(is_active=True, surveys__status=Survey.Status.ACTIVE).distinct().order_by("pk")
        )
        for programme in programmes:
            with transaction.atomic():
                job = job_enqueue(
                    task=survey_sending_task,
                    kind=Job.Kind.SURVEY_SENDING,
                    started_by=None,
                    programme_id=programme.pk,
                )
            self.stdout.write(f"{programme.slug}: job {job.pk} queued.")
