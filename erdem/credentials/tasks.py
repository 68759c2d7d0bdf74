"""Background jobs of the credentials app."""

from typing import Any

from django_tasks import task

from erdem.credentials.services import achievement_award_execute, credentials_award_due, issuance_run_execute
from erdem.jobs.models import Job
from erdem.jobs.services import job_task


@task()
def credentials_check(*, person_id: int) -> int:
    """Issue what a learner has just earned; idempotent, so a duplicate delivery issues nothing twice."""
    return len(credentials_award_due(person_id=person_id))


@job_task
def issuance_run_task(*, job: Job, issuance_run_id: int) -> dict[str, Any]:
    return issuance_run_execute(issuance_run_id=issuance_run_id, job=job)


@job_task
def certificate_archive_task(*, job: Job, achievement_id: int, cohort_id: int) -> dict[str, Any]:
    """A cohort's certificate PDFs in one ZIP in default storage (erdem.credentials.archives)."""
    from erdem.credentials.archives import certificate_archive_build  # archives queues this task

    return certificate_archive_build(job=job, achievement_id=achievement_id, cohort_id=cohort_id)


@task()
def achievement_award_task(*, achievement_id: int) -> dict[str, int]:
    """Issue a newly activated (or changed) automatic achievement to those who already qualify."""
    return achievement_award_execute(achievement_id=achievement_id)
