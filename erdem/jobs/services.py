"""Writes to the user-facing job record. Tasks call these; views only read.

A background job is a django-tasks task wrapped with `job_task`: it receives the
Job row, reports progress with `job_progress`, and returns a JSON-serialisable
result. Expected failures raise JobError with a message for the person who
started the job; anything else is logged and shown as a generic failure.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from erdem.jobs.models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure to show to the person who started the job, in their language."""


def job_enqueue(*, task: Any, kind: str, started_by: Any, total: int = 0, **task_kwargs: Any) -> Job:
    """Create the job record and queue its task once the surrounding transaction commits."""
    job = Job.objects.create(kind=kind, started_by=started_by, progress_total=total)

    def enqueue() -> None:
        result = task.enqueue(job_id=str(job.pk), **task_kwargs)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return job


def job_progress(*, job: Job, done: int, total: int | None = None) -> None:
    """Record progress; one UPDATE, so it is cheap to call every few rows."""
    fields: dict[str, Any] = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
        job.progress_total = total
    job.progress_done = done
    Job.objects.filter(pk=job.pk).update(**fields)


def _job_claim(job_id: str) -> Job | None:
    """Mark a queued (or interrupted) job running; None when it already finished."""
    claimed = (
        Job.objects.filter(pk=job_id)
        .filter(Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING))
        .update(status=Job.Status.RUNNING, started_at=timezone.now())
    )
    if not claimed:
        return None
    return Job.objects.select_related("started_by").get(pk=job_id)


def _job_finish(job: Job, *, status: str, result: dict[str, Any] | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(status=status, result=result or {}, error=error, finished_at=timezone.now())


def job_task(func: Callable[..., dict[str, Any]]) -> Any:
    """Turn `func(*, job, **kwargs) -> dict` into a django-tasks task that keeps its Job row up to date.

    Running a job a second time after it finished does nothing, so a task
    delivered twice is harmless; the work itself must also be idempotent.
    """

    @functools.wraps(func)
    def run(*, job_id: str, **kwargs: Any) -> dict[str, Any]:
        job = _job_claim(job_id)
        if job is None:
            return {}
        language = getattr(job.started_by, "preferred_language", None)
        try:
            with translation.override(language):
                result = func(job=job, **kwargs)
        except JobError as exc:
            _job_finish(job, status=Job.Status.FAILED, error=str(exc))
            return {}
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _job_finish(job, status=Job.Status.FAILED, error=_("The job stopped because of an unexpected error."))
            raise
        _job_finish(job, status=Job.Status.SUCCEEDED, result=result)
        return result

    return task()(run)
