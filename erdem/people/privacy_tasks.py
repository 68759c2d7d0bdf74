"""Background jobs for personal-data rights."""

from typing import Any

from erdem.jobs.models import Job
from erdem.jobs.services import job_task
from erdem.people.privacy_services import data_export_build


@job_task
def data_export_task(*, job: Job, export_id: str) -> dict[str, Any]:
    """Build a person's copy of their data."""
    return data_export_build(job=job, export_id=export_id)
