"""Tasks left running by a worker that died go back to the queue (docs/decisions/0019)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from erdem.jobs.models import Job, WorkerHeartbeat
from erdem.jobs.services import MAX_CLAIMS, jobs_recover_stale, worker_beat
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _running(*, worker_ids: list[str], started: dt.datetime) -> tuple[DBTaskResult, Job]:
    result = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="erdem.credentials.tasks.issuance_run_task",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=worker_ids,
        started_at=started,
    )
    job = Job.objects.create(
        kind=Job.Kind.CREDENTIAL_ISSUANCE,
        started_by=PersonFactory(),
        status=Job.Status.RUNNING,
        task_result_id=str(result.pk),
    )
    return result, job


def test_a_dead_worker_s_task_goes_back_to_the_queue(settings: Any) -> None:
    settings.ERDEM_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="dead", started_at=long_ago, seen_at=long_ago)
    result, job = _running(worker_ids=["dead"], started=long_ago)

    assert jobs_recover_stale() == {"requeued": 1, "failed": 0}
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=result.pk).exists()
    assert job.status == Job.Status.QUEUED
    assert jobs_recover_stale() == {"requeued": 0, "failed": 0}


def test_a_live_worker_s_task_and_a_fresh_claim_are_left_alone(settings: Any) -> None:
    settings.ERDEM_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    worker_beat(worker_id="alive", started_at=long_ago)
    busy, _ = _running(worker_ids=["alive"], started=long_ago)
    just_taken, _ = _running(worker_ids=["new"], started=timezone.now())

    assert jobs_recover_stale() == {"requeued": 0, "failed": 0}
    assert set(DBTaskResult.objects.running().values_list("pk", flat=True)) == {busy.pk, just_taken.pk}


def test_a_task_that_outlived_several_workers_is_given_up(settings: Any) -> None:
    settings.ERDEM_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    result, job = _running(worker_ids=[f"w{i}" for i in range(MAX_CLAIMS)], started=long_ago)

    assert jobs_recover_stale() == {"requeued": 0, "failed": 1}
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert job.status == Job.Status.FAILED
    assert job.error == "The job stopped because of an unexpected error."


def test_old_heartbeats_are_forgotten() -> None:
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    WorkerHeartbeat.objects.create(worker_id="gone", started_at=two_days_ago, seen_at=two_days_ago)
    jobs_recover_stale()
    assert not WorkerHeartbeat.objects.exists()
