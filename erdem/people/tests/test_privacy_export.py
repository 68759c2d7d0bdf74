"""A copy of one's data: the ZIP's contents, who may download it, its expiry, the audit log, query bounds."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.audit.models import AuditAction, AuditEvent
from erdem.jobs.models import Job
from erdem.people.models import DataExport
from erdem.people.privacy import person_data
from erdem.people.privacy_services import PrivacyError, data_export_request
from erdem.people.tests.factories import make_person
from erdem.people.tests.privacy_world import EMAIL, NAMES, person_everywhere

pytestmark = pytest.mark.django_db


def export_built(person, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(person=person)
    export.refresh_from_db()
    return export


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_copy_holds_every_app_s_records_and_the_uploaded_files(client, django_capture_on_commit_callbacks):
    world = person_everywhere()
    client.force_login(world.person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export"))
    export = DataExport.objects.get(person=world.person)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[export.job_id])
    assert Job.objects.get(pk=export.job_id).status == Job.Status.SUCCEEDED

    page = client.get(reverse("privacy:page"))
    download = reverse("privacy:export_download", args=[export.pk])
    assert download in page.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zip_of(response)
    data = json.loads(archive.read("data.json"))

    assert data["people"]["profile"]["email"] == EMAIL
    assert data["people"]["profile"]["family_name"] == NAMES[0]
    assert [row["role"] for row in data["access"]["role_assignments"]] == [Role.EDUCATOR]
    assert len(data["learning"]["enrolments"]) == 1
    assert data["assessments"]["quiz_attempts"][0]["answers"] == {"1": "my own words"}
    assert data["assignments"]["submissions"][0]["text"].startswith("My plan")
    assert data["assignments"]["reviews"][0]["comment"].startswith("Good work")
    assert len(data["assignments"]["review_scores"]) == 3
    assert data["workshops"]["attendance"][0]["status"] == "present"
    credential = data["credentials"]["credentials"][0]
    assert credential["document"] == world.credential.document
    assert credential["jwt"] == world.credential.jwt
    assert data["cascade"]["mentoring_sessions"][0]["notes"].endswith("plans a class.")
    assert data["cascade"]["nominations_of_you"][0]["statement"].endswith("leads")
    assert data["recognition"]["credit_requests"][0]["message"].startswith("Please count it")
    assert len(data["portfolio"]["entries"]) == 2  # their own and the one a mentor is asked to endorse
    assert data["portfolio"]["career_reviews"][0]["summary"].endswith("is ready.")
    assert data["portfolio"]["endorsements_you_gave"][0]["comment"] == "Well done."
    assert [row["kind"] for row in data["people"]["consents"]] == ["career_review"]
    # What is secret never leaves: no password hash, and no other person's e-mail address.
    text = archive.read("data.json").decode()
    assert world.person.password not in text
    assert world.trainer.email not in text and world.mentor.email not in text

    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert len(files) == 2
    assert any(name.startswith("files/submissions/") and name.endswith("-plan.pdf") for name in files)
    assert any(name.startswith("files/portfolio/") for name in files)
    assert all(archive.read(name).startswith(b"%PDF") for name in files)

    event = AuditEvent.objects.get(action=AuditAction.DATA_EXPORT)
    assert (event.actor_id, event.subject_id, event.details["files"]) == (world.person.pk, world.person.pk, 2)


def test_only_the_person_downloads_their_copy(client, django_capture_on_commit_callbacks):
    owner = make_person()
    export = export_built(owner, django_capture_on_commit_callbacks)
    url = reverse("privacy:export_download", args=[export.pk])
    programme = person_with_role(Role.NATIONAL_ADMIN).role_assignments.get().programme
    others = [
        make_person(),
        person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        person_with_role(Role.COORDINATOR, programme=programme, institution=owner.institution),
        make_person(is_superuser=True, is_staff=True),
    ]
    for other in others:
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_an_expired_copy_is_gone(client, django_capture_on_commit_callbacks, settings):
    owner = make_person()
    export = export_built(owner, django_capture_on_commit_callbacks)
    assert export.ready_at is not None
    assert export.expires_at - export.ready_at == dt.timedelta(days=settings.ERDEM_DATA_EXPORT_DAYS)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    client.force_login(owner)
    assert client.get(reverse("privacy:export_download", args=[export.pk])).status_code == 404


def test_a_second_request_waits_for_the_first(client):
    person = make_person()
    data_export_request(person=person)  # its job is queued after the commit, which a test never reaches
    with pytest.raises(PrivacyError):
        data_export_request(person=person)
    client.force_login(person)
    response = client.post(reverse("privacy:export"), follow=True)
    assert response.status_code == 200
    assert DataExport.objects.filter(person=person).count() == 1


def test_the_data_takes_the_same_queries_whatever_the_number_of_records():
    small = person_everywhere(submissions=1, entries=1).person
    with CaptureQueriesContext(connection) as few:
        person_data(small)
    large = person_everywhere(submissions=3, entries=4, email="someone.else@example.mn").person
    with CaptureQueriesContext(connection) as many:
        data = person_data(large)
    assert len(data["assignments"]["submissions"]) == 3
    assert len(few) == len(many)
    assert len(many) <= 45
