"""Writes to the user-facing job record. Tasks call these; views only read.

A background job is a django-tasks task wrapped with `job_task`: it receives the
Job row, reports progress with `job_progress`, and returns a JSON-serialisable
result. Expected failures raise JobError with a message for the person who
started the job; anything else is logged and shown as a generic failure.
"""

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from erdem.jobs.models import Job, WorkerHeartbeat

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


# --- workers that died -------------------------------------------------------------------------------------------

# A task whose worker died this many times is not tried again: it may be what kills them.
MAX_CLAIMS = 3


def worker_beat(*, worker_id: str, started_at: dt.datetime) -> None:
    """Record that the worker `worker_id` is alive."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now(), "started_at": started_at}
    )


def jobs_recover_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put back in the queue the tasks left running by workers that stopped beating; {"requeued", "failed"}.

    Safe from any number of workers at once: each task moves only if it is still running. The
    task runs again from the start, which jobs allow (they are idempotent), and its Job shows
    "queued" until a worker takes it.
    """
    now = now or timezone.now()
    silent_since = now - dt.timedelta(seconds=settings.ERDEM_JOB_STALE_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=silent_since).values_list("worker_id", flat=True))
    counts = {"requeued": 0, "failed": 0}
    for result in DBTaskResult.objects.running().filter(started_at__lt=silent_since).only("id", "worker_ids"):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        jobs = Job.objects.filter(task_result_id__in=[str(result.id), result.id.hex], status=Job.Status.RUNNING)
        still_running = DBTaskResult.objects.running().filter(pk=result.pk)
        if len(result.worker_ids) >= MAX_CLAIMS:
            moved = still_running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="erdem.jobs.services.WorkerLost",
                traceback=f"The worker running this task stopped {len(result.worker_ids)} times.",
            )
            jobs.update(
                status=Job.Status.FAILED,
                finished_at=now,
                error=_("The job stopped because of an unexpected error."),
            )
            key = "failed"
        else:
            moved = still_running.update(status=TaskResultStatus.READY, started_at=None)
            jobs.update(status=Job.Status.QUEUED)
            key = "requeued"
        if moved:
            counts[key] += 1
            logger.warning("task %s %s: its worker %s stopped", result.pk, key, result.worker_ids[-1:])
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return counts
