"""Background job status, for the person who started the job."""

import datetime
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from erdem.access.policy import Action, can
from erdem.api.auth import caller
from erdem.api.errors import NotFound
from erdem.api.schemas import ErrorOut, inline_choices
from erdem.jobs.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: UUID
    kind: str
    status: Annotated[Job.Status, inline_choices(Job.Status)]
    status_label: str
    percent: int
    done: int
    total: int
    finished: bool
    result: dict[str, Any]
    error: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj: Job) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_done(obj: Job) -> int:
        return obj.progress_done

    @staticmethod
    def resolve_total(obj: Job) -> int:
        return obj.progress_total

    @staticmethod
    def resolve_finished(obj: Job) -> bool:
        return obj.is_finished


@router.get("/{job_id}", response={200: JobOut, 401: ErrorOut, 404: ErrorOut})
def job_detail(request: HttpRequest, job_id: UUID) -> Job:
    """Status, progress, and the result or error of a job you started. Others' jobs are not found."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not can(caller(request), Action.JOB_VIEW, job):
        raise NotFound()
    return job
