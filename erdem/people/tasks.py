"""Background jobs of the people app."""

from typing import Any

from erdem.jobs.models import Job
from erdem.jobs.services import job_task
from erdem.people.services import staff_import_run


@job_task
def staff_import_invite(*, job: Job, staff_import_id: int) -> dict[str, Any]:
    """Create and invite the people of a reviewed staff import."""
    return staff_import_run(staff_import_id=staff_import_id, job=job)
