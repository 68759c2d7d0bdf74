import pytest

from erdem.api.tests.helpers import cast
from erdem.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_job_status_for_the_person_who_started_it() -> None:
    people = cast()
    job = Job.objects.create(kind="people.import", started_by=people.coordinator, progress_done=25, progress_total=100)

    response = people.client("coordinator").get(f"/api/v1/jobs/{job.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "queued"
    assert body["percent"] == 25
    assert (body["done"], body["total"]) == (25, 100)
    assert body["finished"] is False
    assert body["result"] == {}
    assert body["error"] == ""


def test_finished_job_shows_its_result() -> None:
    people = cast()
    job = Job.objects.create(
        kind="people.import", started_by=people.educator, status=Job.Status.SUCCEEDED, result={"created": 3}
    )

    body = people.client("educator").get(f"/api/v1/jobs/{job.pk}").json()

    assert body["percent"] == 100
    assert body["finished"] is True
    assert body["result"] == {"created": 3}


@pytest.mark.parametrize("who", ["educator", "admin", "viewer", "stranger"])
def test_other_peoples_jobs_are_not_found(who: str) -> None:
    people = cast()
    job = Job.objects.create(kind="people.import", started_by=people.coordinator)

    assert people.client(who).get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_job_status_needs_authentication() -> None:
    people = cast()
    job = Job.objects.create(kind="people.import", started_by=people.coordinator)

    response = people.client("anonymous").get(f"/api/v1/jobs/{job.pk}")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_malformed_job_id_is_a_client_error() -> None:
    people = cast()

    response = people.client("coordinator").get("/api/v1/jobs/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "job_id"
