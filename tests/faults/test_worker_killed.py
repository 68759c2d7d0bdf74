"""A job worker killed (SIGKILL) in the middle of a bulk issuance, then a worker started again:
the run finishes, and every person holds exactly one credential (docs/decisions/0019)."""

import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.credentials.models import Credential, CredentialEvent
from erdem.credentials.services import issuance_run_create
from erdem.credentials.tests.factories import achievement_create
from erdem.jobs.models import Job
from erdem.learning.models import Enrolment
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.faults.support import child_database_url, child_environment, manage, stop, wait_until

PEOPLE = 60


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return manage("db_worker", "--queue-name", "*", "--interval", "0.2", "--no-startup-delay", env=env, log=log)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_bulk_issuance_is_finished_once_by_the_next(settings: Any, record_property: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    achievement = achievement_create(programme=programme, course=course)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    people = [make_person() for _ in range(PEOPLE)]
    Enrolment.objects.bulk_create(Enrolment(person=p, course=course, completed_at=timezone.now()) for p in people)
    run = issuance_run_create(achievement=achievement, person_ids=[p.pk for p in people], actor=admin)
    assert run.job_id is not None
    job_id = run.job_id
    issued = Credential.objects.filter(achievement=achievement)

    env = child_environment(
        DATABASE_URL=child_database_url(), ERDEM_JOB_HEARTBEAT_SECONDS="0.5", ERDEM_JOB_STALE_SECONDS="3"
    )
    log = Path(tempfile.mkdtemp()) / "worker.log"
    first = _worker(env, log)
    try:
        wait_until(lambda: issued.exists() or first.poll() is not None, what="the first credentials", every=0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        stop(first)

    # What the dead worker left: a part of the credentials, its task and job still "running".
    at_the_kill = issued.count()
    assert 0 < at_the_kill < PEOPLE, log.read_text()
    task_row = DBTaskResult.objects.get(task_path__endswith="issuance_run_task")
    assert task_row.status == TaskResultStatus.RUNNING
    assert Job.objects.get(pk=job_id).status == Job.Status.RUNNING

    restarted_at = time.monotonic()
    second = _worker(env, log)
    try:
        wait_until(
            lambda: Job.objects.get(pk=job_id).is_finished or second.poll() is not None,
            what="the bulk issuance to finish",
            every=0.2,
        )
    finally:
        stop(second)
    record_property("credentials_before_the_kill", at_the_kill)
    record_property("seconds_from_new_worker_to_run_finished", round(time.monotonic() - restarted_at, 1))

    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.SUCCEEDED, (job.error, log.read_text())
    assert job.result["issued"] == PEOPLE - at_the_kill
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.SUCCESSFUL
    assert len(task_row.worker_ids) == 2  # taken by the killed worker, then again by the next one
    run.refresh_from_db()
    assert run.issued == PEOPLE - at_the_kill

    holders = Counter(issued.values_list("person_id", flat=True))
    assert set(holders) == {p.pk for p in people}
    assert set(holders.values()) == {1}
    entries = list(issued.values_list("status_list_id", "status_index"))
    assert len(set(entries)) == len(entries) == PEOPLE
    issue_events = Counter(
        CredentialEvent.objects.filter(
            credential__achievement=achievement, action=CredentialEvent.Action.ISSUE
        ).values_list("credential_id", flat=True)
    )
    assert issue_events == Counter({credential_id: 1 for credential_id in issued.values_list("pk", flat=True)})
