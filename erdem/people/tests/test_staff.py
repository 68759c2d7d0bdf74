import io
import re
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import person_with_role
from erdem.jobs.models import Job
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people import services
from erdem.people.models import Person, StaffImport
from erdem.people.tests.factories import PersonFactory, make_person
from erdem.programmes.models import Programme

pytestmark = pytest.mark.django_db

CSV = (
    "email;family_name;given_name;family_name_latin;given_name_latin;department;discipline;academic_position;gender\n"
    "tuya@num.edu.mn;Бат;Туяа;Bat;Tuya;Математик;education;teacher;female\n"
    "DORJ@num.edu.mn;Сүх;Дорж;Sukh;Dorj;Физик;natural_sciences;professor;\n"
    "bad-address;Сүх;Дорж;;;;;;\n"
)


def upload(client: Client, institution: Institution, content: bytes, name: str = "staff.csv") -> Any:
    return client.post(
        reverse("people:institution_invite", args=[institution.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def latest_import() -> StaffImport:
    return StaffImport.objects.latest("created_at")


# Access -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["people:institution_people", "people:institution_invite"])
def test_institution_pages_per_role(
    client: Client, institution: Institution, programme: Programme, coordinator: Person, url_name: str
) -> None:
    url = reverse(url_name, args=[institution.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("people:login"))

    educator = person_with_role(Role.EDUCATOR, programme=programme, institution=institution)
    other_coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    for person, status in ((educator, 403), (other_coordinator, 403), (coordinator, 200), (admin, 200)):
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_import_pages_refuse_other_coordinators(
    client: Client, institution: Institution, programme: Programme, coordinator: Person
) -> None:
    client.force_login(coordinator)
    upload(client, institution, CSV.encode())
    staff_import = latest_import()
    client.force_login(person_with_role(Role.COORDINATOR, programme=programme))
    assert client.get(reverse("people:staff_import_detail", args=[staff_import.pk])).status_code == 403
    assert client.post(reverse("people:staff_import_commit", args=[staff_import.pk])).status_code == 403
    assert StaffImport.objects.get().status == StaffImport.Status.PREVIEW


# Staff list --------------------------------------------------------------------------------------------------


def test_staff_list_columns_search_and_paging(en_client: Client, institution: Institution, coordinator: Person) -> None:
    make_person(
        institution=institution,
        email="zaya@num.edu.mn",
        family_name="Ганбат",
        given_name="Заяа",
        family_name_latin="Ganbat",
        given_name_latin="Zaya",
        department="Хими",
        discipline="ict",
        academic_position="professor",
    )
    make_person(institution=institution, email="invited@num.edu.mn", email_confirmed_at=None, password="!x")
    make_person(email="elsewhere@other.mn")
    en_client.force_login(coordinator)
    page = en_client.get(reverse("people:institution_people", args=[institution.pk])).content.decode()
    assert "Ганбат Заяа" in page and "Zaya Ganbat" in page and "information and communication technologies" in page
    assert "invited" in page and "confirmed" in page
    assert "elsewhere@other.mn" not in page

    found = en_client.get(reverse("people:institution_people", args=[institution.pk]), {"q": "ZAYA"})
    assert found.context["page"].paginator.count == 1
    found = en_client.get(reverse("people:institution_people", args=[institution.pk]), {"q": "invited@"})
    assert [person.email for person in found.context["page"]] == ["invited@num.edu.mn"]

    PersonFactory.create_batch(60, institution=institution)
    second = en_client.get(reverse("people:institution_people", args=[institution.pk]), {"page": 2})
    assert len(second.context["page"].object_list) == 63 - 50
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("extra_people", [3, 80])
def test_staff_list_query_count_is_bounded(
    client: Client, institution: Institution, coordinator: Person, django_assert_max_num_queries, extra_people: int
) -> None:
    PersonFactory.create_batch(extra_people, institution=institution)
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people:institution_people", args=[institution.pk]))
    assert response.status_code == 200


def test_staff_list_in_mongolian(client: Client, institution: Institution, coordinator: Person) -> None:
    coordinator.preferred_language = "mn"
    coordinator.save(update_fields=["preferred_language"])
    client.force_login(coordinator)
    page = client.get(reverse("people:institution_people", args=[institution.pk])).content.decode()
    assert "Нэр эсвэл и-мэйлээр хайх" in page


# Upload and preview ----------------------------------------------------------------------------------------


def test_upload_shows_every_row_with_its_fate(en_client: Client, institution: Institution, coordinator: Person) -> None:
    make_person(email="member@num.edu.mn", institution=institution)
    make_person(email="stranger@other.mn")
    content = (
        CSV + "member@num.edu.mn;Бат;Туяа;;;;;;\nstranger@other.mn;Бат;Туяа;;;;;;\ntuya@num.edu.mn;Бат;Туяа;;;;;;\n"
    )
    en_client.force_login(coordinator)
    response = upload(en_client, institution, content.encode())
    staff_import = latest_import()
    assert response["Location"] == reverse("people:staff_import_detail", args=[staff_import.pk])
    assert (staff_import.invite_count, staff_import.member_count, staff_import.error_count) == (2, 1, 3)
    assert staff_import.uploaded_by == coordinator and staff_import.file_format == "csv"
    assert len(staff_import.rows) == 6

    page = en_client.get(response["Location"]).content.decode()
    assert "Invite 2 people" in page
    assert "3 rows have errors and will be skipped; only the valid rows are invited." in page
    assert "“bad-address” is not a valid e-mail address." in page
    assert "This e-mail address belongs to a person of another institution." in page
    assert "The same e-mail address is already on line 2 of this file" in page
    assert "already a member of this institution, skipped" in page
    assert page.count('class="row-error"') == 3
    assert not Person.objects.filter(email="tuya@num.edu.mn").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "staff.csv", "The file is empty."),
        (
            b"email,name_of_person\nb@x.mn,Dorj\n",
            "staff.csv",
            "The required columns family_name, given_name are missing.",
        ),
        (b"%PDF-1.4\n\x00\x01\x02binary", "staff.xlsx", "This file is a PDF document, neither CSV nor Excel (.xlsx)."),
        # A PDF of plain text would decode as a table with the wrong columns: its content says what it is.
        (b"%PDF-1.4\nemail,name\n1 0 obj << /Type /Catalog >>\n", "staff.pdf", "This file is a PDF document"),
        (b"email,family_name,given_name\nb@x.mn,D,B\n", "staff.txt", "staff.txt is not a file of a kind accepted"),
        (b"PK\x03\x04 not really a zip", "staff.xlsx", "This file is neither CSV nor Excel (.xlsx)."),
    ],
)
def test_bad_files_write_nothing(
    en_client: Client, institution: Institution, coordinator: Person, content: bytes, name: str, message: str
) -> None:
    en_client.force_login(coordinator)
    response = upload(en_client, institution, content, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page.replace("&quot;", '"')
    assert not StaffImport.objects.exists()


def test_too_many_rows_refused_quickly(en_client: Client, institution: Institution, coordinator: Person) -> None:
    content = b"email,family_name,given_name\n" + b"".join(b"p%d@x.mn,A,B\n" % i for i in range(100_000))
    en_client.force_login(coordinator)
    response = upload(en_client, institution, content)
    assert "The file has 100,000 rows; one upload may hold at most 5,000." in response.content.decode()
    assert not StaffImport.objects.exists()


def test_too_large_file_refused(en_client: Client, institution: Institution, coordinator: Person, settings) -> None:
    settings.ERDEM_IMPORT_MAX_BYTES = 100
    en_client.force_login(coordinator)
    response = upload(en_client, institution, CSV.encode())
    assert "one upload may be at most 100" in response.content.decode()
    assert not StaffImport.objects.exists()


def test_cp1251_file_with_mongolian_headers(en_client: Client, institution: Institution, coordinator: Person) -> None:
    content = "Имэйл;Овог;Нэр;Тэнхим\nb@x.mn;Дорж;Болд;Хими\n"
    en_client.force_login(coordinator)
    upload(en_client, institution, content.encode("cp1251"))
    row = latest_import().report[0]
    assert row["status"] == "invite"
    expected = {"email": "b@x.mn", "family_name": "Дорж", "given_name": "Болд", "department": "Хими"}
    assert expected.items() <= row["values"].items()


def test_xlsx_upload(en_client: Client, institution: Institution, coordinator: Person) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["E-mail", "Family name", "Given name", "Academic position"])
    sheet.append(["b@x.mn", "Дорж", "Болд", "Professor"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    en_client.force_login(coordinator)
    upload(en_client, institution, buffer.getvalue(), "staff.xlsx")
    staff_import = latest_import()
    assert staff_import.file_format == "xlsx"
    assert staff_import.report[0]["values"]["academic_position"] == "professor"


# Commit: the background job ----------------------------------------------------------------------------------


def test_commit_creates_people_roles_and_invitations(
    en_client: Client,
    institution: Institution,
    programme: Programme,
    coordinator: Person,
    django_capture_on_commit_callbacks,
) -> None:
    en_client.force_login(coordinator)
    upload(en_client, institution, CSV.encode())
    staff_import = latest_import()
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(reverse("people:staff_import_commit", args=[staff_import.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.kind == Job.Kind.STAFF_INVITATION and job.started_by == coordinator
    assert job.result["invited"] == 2 and job.result["skipped"] == 1
    assert (job.progress_done, job.progress_total) == (2, 2)  # invitations sent

    invited = Person.objects.filter(institution=institution).exclude(pk=coordinator.pk).order_by("email")
    assert [person.email for person in invited] == ["dorj@num.edu.mn", "tuya@num.edu.mn"]
    tuya = invited[1]
    assert (tuya.family_name_latin, tuya.discipline, tuya.gender) == ("Bat", "education", "female")
    assert not tuya.has_usable_password() and tuya.email_confirmed_at is None and tuya.consent_at is None
    assert set(RoleAssignment.objects.filter(person__in=invited).values_list("role", "programme", "granted_by")) == {
        (Role.EDUCATOR, programme.pk, coordinator.pk)
    }
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.DONE and staff_import.job == job

    assert sorted(message.to[0] for message in mail.outbox) == ["dorj@num.edu.mn", "tuya@num.edu.mn"]
    invitation = next(message for message in mail.outbox if message.to == ["tuya@num.edu.mn"])
    assert "Монгол Улсын Их Сургууль" in invitation.subject  # the invitee's language: Mongolian by default

    # The invitation link lets them choose a password, give consent, and confirms the address.
    link = next(line for line in invitation.body.splitlines() if line.startswith("http"))
    page = en_client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert "consent" in page.content.decode()
    set_password_url = page.redirect_chain[-1][0]
    refused = en_client.post(
        set_password_url, {"new_password1": "new-steppe-99-red", "new_password2": "new-steppe-99-red"}
    )
    assert refused.status_code == 200
    done = en_client.post(
        set_password_url, {"new_password1": "new-steppe-99-red", "new_password2": "new-steppe-99-red", "consent": "on"}
    )
    assert done["Location"] == reverse("people:password_reset_complete")
    tuya.refresh_from_db()
    assert tuya.check_password("new-steppe-99-red")
    assert tuya.email_confirmed_at is not None and tuya.consent_version == settings.ERDEM_CONSENT_VERSION


def test_commit_twice_and_reupload_create_no_duplicates(
    en_client: Client,
    institution: Institution,
    programme: Programme,
    coordinator: Person,
    django_capture_on_commit_callbacks,
) -> None:
    en_client.force_login(coordinator)
    upload(en_client, institution, CSV.encode())
    first = latest_import()
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:staff_import_commit", args=[first.pk]))
        en_client.post(reverse("people:staff_import_commit", args=[first.pk]))
    assert Job.objects.count() == 1
    assert Person.objects.count() == 3

    upload(en_client, institution, CSV.encode())
    second = latest_import()
    assert second.pk != first.pk
    assert (second.invite_count, second.member_count, second.error_count) == (0, 2, 1)
    page = en_client.get(reverse("people:staff_import_detail", args=[second.pk])).content.decode()
    assert "There is nobody to invite in this file." in page
    assert en_client.post(reverse("people:staff_import_commit", args=[second.pk])).status_code == 302
    assert Person.objects.count() == 3 and Job.objects.count() == 1


def test_people_registered_after_the_preview_are_skipped(
    en_client: Client,
    institution: Institution,
    programme: Programme,
    coordinator: Person,
    django_capture_on_commit_callbacks,
) -> None:
    en_client.force_login(coordinator)
    upload(en_client, institution, CSV.encode())
    make_person(email="tuya@num.edu.mn", institution=InstitutionFactory())
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:staff_import_commit", args=[latest_import().pk]))
    assert Job.objects.get().result["invited"] == 1
    assert Person.objects.filter(email__iexact="tuya@num.edu.mn").count() == 1


def test_failure_mid_job_creates_nobody(
    en_client: Client,
    institution: Institution,
    programme: Programme,
    coordinator: Person,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ("Туяа", "Болд", "Дорж", "Сараа", "Заяа", "Ганаа", "Өлзий")
    rows = "".join(f"p{number}@num.edu.mn;Бат;{name}\n" for number, name in enumerate(names))
    en_client.force_login(coordinator)
    upload(en_client, institution, ("email;family_name;given_name\n" + rows).encode())
    staff_import = latest_import()
    monkeypatch.setattr(services, "INVITE_BATCH_SIZE", 3)
    real_bulk_create = Person.objects.bulk_create
    batches: list[int] = []

    def failing_bulk_create(objs: Any, *args: Any, **kwargs: Any) -> Any:
        batches.append(len(objs))
        if len(batches) == 2:
            raise RuntimeError("the database went away")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Person.objects, "bulk_create", failing_bulk_create)
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:staff_import_commit", args=[staff_import.pk]))
    assert batches == [3, 3]
    assert Person.objects.count() == 1  # only the coordinator
    assert not RoleAssignment.objects.filter(role=Role.EDUCATOR).exists()
    assert not mail.outbox
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.progress_done == 0  # progress counts invitations sent: none
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.FAILED

    # Once the cause is gone, the same import can be confirmed again.
    monkeypatch.setattr(Person.objects, "bulk_create", real_bulk_create)
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:staff_import_commit", args=[staff_import.pk]))
    assert Person.objects.count() == 8
    assert len(mail.outbox) == 7


# Names lost to the file's encoding, recounting, wording ---------------------------------------------------------


def test_rows_with_lost_letters_get_one_notice(
    en_client: Client, institution: Institution, coordinator: Person
) -> None:
    # What Excel writes for "Өлзий Түмэн" and "Үүрцайх" in Windows-1251.
    content = "email;family_name;given_name\na@x.mn;?лзий;Т?мэн\nb@x.mn;Бат;??рцайх\nc@x.mn;Бат;Туяа\n"
    en_client.force_login(coordinator)
    upload(en_client, institution, content.encode("cp1251"))
    staff_import = latest_import()
    assert (staff_import.invite_count, staff_import.error_count) == (1, 2)
    page = en_client.get(reverse("people:staff_import_detail", args=[staff_import.pk])).content.decode()
    assert page.count("The name contains “?”, which usually means the file lost the letters Ө or Ү.") == 2
    assert "2 rows have “?” in a name: the file has most likely lost the letters Ө and Ү" in page

    upload(en_client, institution, "email;family_name;given_name\na@x.mn;?лзий;Туяа\n".encode("cp1251"))
    page = en_client.get(reverse("people:staff_import_detail", args=[latest_import().pk])).content.decode()
    assert "The name contains “?”" in page and "in a name: the file has most likely lost" not in page


def test_result_column_comes_right_after_the_line(
    en_client: Client, institution: Institution, coordinator: Person
) -> None:
    en_client.force_login(coordinator)
    upload(en_client, institution, CSV.encode())
    page = en_client.get(reverse("people:staff_import_detail", args=[latest_import().pk])).content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page)
    assert headers[:2] == ["Line", "Result"]


def test_preview_recounts_people_invited_by_a_later_upload(
    en_client: Client,
    institution: Institution,
    programme: Programme,
    coordinator: Person,
    django_capture_on_commit_callbacks,
) -> None:
    en_client.force_login(coordinator)
    upload(en_client, institution, CSV.encode())
    first = latest_import()
    assert first.get_status_display() == "not sent yet"
    assert first.invite_count == 2
    upload(en_client, institution, "email;family_name;given_name\ntuya@num.edu.mn;Бат;Туяа\n".encode())
    later = latest_import()
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:staff_import_commit", args=[later.pk]))
    assert Person.objects.filter(email="tuya@num.edu.mn", institution=institution).exists()

    page = en_client.get(reverse("people:staff_import_detail", args=[first.pk])).content.decode()
    first.refresh_from_db()
    assert (first.invite_count, first.member_count, first.error_count) == (1, 1, 1)
    assert "Invite 1 person" in page
    assert "not sent yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:staff_import_commit", args=[first.pk]))
    job = Job.objects.latest("created_at")
    assert job.result["invited"] == 1 and (job.progress_done, job.progress_total) == (1, 1)
    assert Person.objects.filter(email__iexact="tuya@num.edu.mn").count() == 1


def test_staff_list_tells_invited_from_joined(en_client: Client, institution: Institution, coordinator: Person) -> None:
    invited = make_person(institution=institution, email="invited@num.edu.mn", email_confirmed_at=None)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    en_client.force_login(coordinator)
    page = en_client.get(reverse("people:institution_people", args=[institution.pk])).content.decode()
    assert page.count("invited on ") == 1
    assert page.count("joined on ") == Person.objects.filter(institution=institution).count() - 1
