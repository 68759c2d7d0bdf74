from typing import Any

from django.db.models import QuerySet

from erdem.jobs.models import Job


def jobs_of(person: Any) -> QuerySet[Job]:
    """A person's own jobs, newest first."""
    return Job.objects.filter(started_by=person).order_by("-created_at")


def job_status(job: Job) -> dict[str, Any]:
    """What the progress bar and the API show of a job."""
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "status_label": job.get_status_display(),
        "percent": job.percent,
        "done": job.progress_done,
        "total": job.progress_total,
        "finished": job.is_finished,
        "result": job.result,
        "error": job.error,
    }
