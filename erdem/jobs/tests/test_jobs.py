import uuid
from typing import Any

import pytest
from django.urls import reverse

from erdem.jobs.models import Job
from erdem.jobs.services import JobError, job_enqueue, job_progress, job_task
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

RUNS: list[str] = []


@job_task
def count_to(*, job: Job, upto: int) -> dict[str, Any]:
    RUNS.append(str(job.pk))
    for done in range(1, upto + 1):
        job_progress(job=job, done=done, total=upto)
    return {"summary": f"counted to {upto}"}


@job_task
def refuse(*, job: Job) -> dict[str, Any]:
    raise JobError("The list was empty.")


@job_task
def crash(*, job: Job) -> dict[str, Any]:
    raise RuntimeError("secret internal detail")


def test_job_runs_after_commit_and_reports_progress(django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_enqueue(task=count_to, kind=Job.Kind.STAFF_INVITATION, started_by=person, upto=4)
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.result == {"summary": "counted to 4"}
    assert job.task_result_id
    assert job.finished_at is not None


def test_finished_job_delivered_again_does_nothing(django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(task=count_to, kind=Job.Kind.STAFF_INVITATION, started_by=person, upto=2)
    runs_before = RUNS.count(str(job.pk))
    count_to.call(job_id=str(job.pk), upto=2)
    assert RUNS.count(str(job.pk)) == runs_before == 1


def test_expected_failure_shows_its_message(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(task=refuse, kind=Job.Kind.STAFF_INVITATION, started_by=PersonFactory())
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "The list was empty."


def test_unexpected_failure_hides_internals(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(task=crash, kind=Job.Kind.STAFF_INVITATION, started_by=PersonFactory())
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "secret" not in job.error
    assert job.error


def test_job_pages_only_for_the_person_who_started_it(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    owner, other = PersonFactory(), PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(task=count_to, kind=Job.Kind.STAFF_INVITATION, started_by=owner, upto=3)

    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert b'value="100"' in page.content
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["finished"] is True
    assert status["percent"] == 100
    assert client.get(reverse("jobs:list")).status_code == 200

    client.force_login(other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:status", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[uuid.uuid4()])).status_code == 404


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]


def test_running_job_page_refreshes_without_javascript(client: Any) -> None:
    owner = PersonFactory()
    job = Job.objects.create(kind=Job.Kind.STAFF_INVITATION, started_by=owner, progress_total=10, progress_done=3)
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert b'<noscript><meta http-equiv="refresh"' in page.content
    assert b'value="30"' in page.content


@pytest.mark.django_db(transaction=True)
def test_database_queue_and_worker_run_the_job(settings: Any) -> None:
    """The production path: the row waits in the database queue until a worker takes it."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = job_enqueue(task=count_to, kind=Job.Kind.STAFF_INVITATION, started_by=PersonFactory(), upto=5)
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    call_command("db_worker", "--batch", "--no-startup-delay", "--verbosity", "0")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress_done == 5


def test_result_is_described_in_the_readers_language(client: Any) -> None:
    """The stored result holds figures; the sentence is written when the page is read."""
    owner = PersonFactory.create(preferred_language="en")
    job = Job.objects.create(
        kind=Job.Kind.STAFF_INVITATION,
        started_by=owner,
        status=Job.Status.SUCCEEDED,
        result={"invited": 3, "skipped": 1},
    )
    client.force_login(owner)
    assert "3 people invited. 1 row skipped." in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    owner.preferred_language = "mn"
    owner.save(update_fields=["preferred_language"])
    mongolian = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "people invited" not in mongolian
    assert "3" in mongolian
