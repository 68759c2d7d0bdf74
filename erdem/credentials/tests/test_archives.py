"""A cohort's certificates in one ZIP: who is in it, how members are named, memory, who downloads it."""

import io
import json
import tempfile
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.credentials import archives
from erdem.credentials.archives import ascii_name, member_name
from erdem.credentials.certificates import certificate_attachments
from erdem.credentials.models import Credential
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.jobs.models import Job
from erdem.learning.models import Cohort, Enrolment
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    achievement = achievement_create(programme=programme)
    cohort = Cohort.objects.create(programme=programme, name="Дархан 2026", course=course)
    people = {
        "nomin": make_person(
            family_name="Батбаяр", given_name="Номин", family_name_latin="Batbayar", given_name_latin="Nomin"
        ),
        "bold": make_person(family_name="Дорж", given_name="Болд", family_name_latin="", given_name_latin=""),
        "revoked": make_person(family_name_latin="Revoked", given_name_latin="Person"),
        "none": make_person(family_name_latin="Without", given_name_latin="Credential"),
    }
    for person in people.values():
        Enrolment.objects.create(person=person, course=course, cohort=cohort, source=Enrolment.Source.COHORT)
    credentials = {
        key: credential_create(achievement=achievement, person=people[key]) for key in ("nomin", "bold", "revoked")
    }
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")
    credential_revoke(credential=credentials["revoked"], actor=admin, reason="Issued by mistake.")
    outsider = make_person(family_name_latin="Outside", given_name_latin="Cohort")
    credential_create(achievement=achievement, person=outsider)  # holds it, but is not in the cohort
    return {
        "programme": programme,
        "achievement": achievement,
        "cohort": cohort,
        "people": people,
        "credentials": credentials,
        "admin": admin,
    }


def archive_url(world) -> str:
    return reverse("credentials:certificate_archive", args=[world["achievement"].public_id])


def start(client, world, django_capture_on_commit_callbacks) -> Job:
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(archive_url(world), {"cohort": world["cohort"].pk})
    job = Job.objects.get(kind=Job.Kind.CERTIFICATE_ARCHIVE)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    return job


def test_the_archive_holds_one_pdf_per_member_with_an_active_credential(
    client, world, django_capture_on_commit_callbacks, monkeypatch
):
    opened = []
    real = tempfile.TemporaryFile

    def temporary_file(*args, **kwargs):
        handle = real(*args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(archives.tempfile, "TemporaryFile", temporary_file)
    job = start(client, world, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert len(opened) == 1  # written to a temporary file, not built in memory
    assert job.result["path"] == f"certificate-archives/{job.pk}.zip"
    assert (job.result["certificates"], job.result["skipped"]) == (2, 0)
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result["download_url"] == f"{archive_url(world)}?download={job.pk}"
    assert "next_url" not in job.result  # the job page would label it "Continue"

    with default_storage.open(job.result["path"], "rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    assert sorted(archive.namelist()) == ["Batbayar_Nomin_AI-101-MC.pdf", "Dorj_Bold_AI-101-MC.pdf"]
    inside = certificate_attachments(archive.read("Batbayar_Nomin_AI-101-MC.pdf"))
    assert json.loads(inside["credential.json"]) == world["credentials"]["nomin"].document


def test_only_the_starter_downloads_the_archive(client, world, django_capture_on_commit_callbacks):
    job = start(client, world, django_capture_on_commit_callbacks)
    download = f"{archive_url(world)}?download={job.pk}"
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="AI-101-MC_Darkhan-2026.zip"')
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 2
    progress = client.get(reverse("jobs:detail", args=[job.pk]))
    page = progress.content.decode()
    assert f'href="{download}"' in page  # the job page leads to the download
    link = page[page.index(f'href="{download}"') :]
    assert link[: link.index("</a>")].endswith("Download the ZIP")
    assert "Continue" not in page
    assert "The ZIP file holds 2 certificates of the cohort “Дархан 2026”." in page
    assert str(job.pk) in client.get(archive_url(world)).content.decode()  # listed under "your archives"

    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=world["programme"])
    client.force_login(other_admin)
    assert client.get(download).status_code == 404
    assert client.get(f"{archive_url(world)}?download=not-a-job").status_code == 404
    client.force_login(world["people"]["nomin"])
    assert client.get(download).status_code == 403


def test_archive_page_is_for_national_admins(client, world):
    url = archive_url(world)
    assert client.get(url).status_code == 302
    client.force_login(world["people"]["nomin"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"cohort": world["cohort"].pk}).status_code == 403
    other_programme_admin = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory())
    client.force_login(other_programme_admin)
    assert client.get(url).status_code == 403
    client.force_login(world["admin"])
    response = client.get(url)
    assert response.status_code == 200
    [cohort] = response.context["cohorts"]
    assert (cohort.members, cohort.holders) == (4, 2)
    assert not Job.objects.exists()


def test_a_cohort_without_holders_is_refused(client, world):
    Credential.objects.filter(status=Credential.Status.ACTIVE).update(status=Credential.Status.SUSPENDED)
    client.force_login(world["admin"])
    response = client.post(archive_url(world), {"cohort": world["cohort"].pk})
    assert response.status_code == 200
    assert response.context["error"]
    response = client.post(archive_url(world), {"cohort": "999999"})
    assert response.status_code == 200 and response.context["error"]
    assert not Job.objects.exists()


def test_member_names_are_ascii_and_unique(world):
    credential = world["credentials"]["nomin"]
    taken: set[str] = set()
    assert member_name(credential, taken) == "Batbayar_Nomin_AI-101-MC.pdf"
    assert member_name(credential, taken) == "Batbayar_Nomin_AI-101-MC-2.pdf"
    assert ascii_name("Бат-Эрдэнэ Өлзий") == "Bat-Erdene-Ulzii"
    assert ascii_name("Жаргалсайхан") == "Jargalsaikhan"
    assert ascii_name("O'Neil / Zoë") == "O-Neil-Zoe"
