"""Paper sign-in sheets: preview, per-row problems, atomic commit, re-upload, hostile files."""

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop
from erdem.workshops.paper import problem_message, sheet_commit, sheet_preview
from erdem.workshops.services import AttendanceRefused
from erdem.workshops.tests.factories import register


@pytest.fixture
def people(workshop: Workshop, educator: Person) -> dict[str, Person]:
    named = make_person(family_name="Дорж", given_name="Сарангэрэл", email="sara@example.mn")
    other = make_person(email="late.one@example.mn")
    register(workshop, named, other)
    return {"educator": educator, "named": named, "other": other}


def _codes(row: Any) -> list[str]:
    return [problem["code"] for problem in row.problems]


def test_a_good_sheet_is_previewed_then_recorded_once(
    workshop: Workshop, people: dict[str, Person], trainer: Person
) -> None:
    start = timezone.localtime(workshop.starts_at)
    sheet = (
        "email;status;time\n"
        f"{people['educator'].email.upper()};present;\n"
        f"late.one@example.mn;хоцорсон;{(start + dt.timedelta(minutes=5)):%H:%M}\n"
        "sara@example.mn;Ирээгүй;\n"
    ).encode()
    preview = sheet_preview(workshop=workshop, data=sheet, file_name="sheet.csv")
    assert [_codes(row) for row in preview.rows] == [[], [], []]
    assert [row.status for row in preview.rows] == ["present", "late", "absent"]
    assert not AttendanceMark.objects.exists()  # a preview writes nothing

    report = sheet_commit(workshop=workshop, preview=preview, marked_by=trainer)
    assert (report.applied, report.duplicate, report.skipped) == (3, 0, 0)
    statuses = dict(Attendance.objects.values_list("person_id", "status"))
    assert statuses == {people["educator"].pk: "present", people["other"].pk: "late", people["named"].pk: "absent"}
    assert set(AttendanceMark.objects.values_list("source", flat=True)) == {"paper"}

    again = sheet_commit(
        workshop=workshop, preview=sheet_preview(workshop=workshop, data=sheet, file_name="copy.csv"), marked_by=trainer
    )
    assert (again.applied, again.duplicate) == (0, 3)
    assert AttendanceMark.objects.count() == 3


def test_rows_with_problems_are_reported_and_skipped(
    workshop: Workshop, people: dict[str, Person], trainer: Person
) -> None:
    stranger = make_person(email="not.registered@example.mn")
    sheet = (
        "e-mail,нэр,ирц,цаг\n"
        "nobody@example.mn,,present,\n"  # 2 unknown e-mail
        f"{stranger.email},,present,\n"  # 3 not on the roster
        ",Дорж Сарангэрэл,ирсэн,\n"  # 4 good, by name
        ",Сарангэрэл Дорж,present,\n"  # 5 the same person again
        f"{people['educator'].email},,asleep,\n"  # 6 bad status
        f"{people['other'].email},,,\n"  # 7 missing status
        ",Хэн Нэгэн,present,\n"  # 8 unknown name
        ",,present,\n"  # 9 nobody named
        f"{people['educator'].email},,late,25:99\n"  # 10 bad time
    ).encode()
    preview = sheet_preview(workshop=workshop, data=sheet, file_name="sheet.csv")
    assert [(_codes(row)) for row in preview.rows] == [
        ["unknown_email"],
        ["not_on_roster"],
        [],
        ["duplicate"],
        ["status_unknown"],
        ["status_missing"],
        ["unknown_name"],
        ["person_missing"],
        ["duplicate", "time_invalid"],
    ]
    assert "line 4" in problem_message(preview.rows[3].problems[0])
    report = sheet_commit(workshop=workshop, preview=preview, marked_by=trainer)
    assert (report.applied, report.skipped) == (1, 8)
    assert Attendance.objects.get().person_id == people["named"].pk


def test_an_xlsx_sheet_is_read(workshop: Workshop, people: dict[str, Person]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Email", "Status"])
    sheet.append([people["named"].email, "late"])
    data = io.BytesIO()
    book.save(data)
    preview = sheet_preview(workshop=workshop, data=data.getvalue(), file_name="sheet.xlsx")
    assert [(row.person_id, row.status) for row in preview.rows] == [(people["named"].pk, "late")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"email;status\n", "no people"),
        (b"who;what\nx;y\n", "must name the columns"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "neither CSV nor Excel"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old Excel"),
        (b"PK\x03\x04not really a zip", "neither CSV nor Excel"),
    ],
)
def test_hostile_or_broken_files_are_refused_clearly(workshop: Workshop, data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        sheet_preview(workshop=workshop, data=data, file_name="sheet.csv")


def test_a_zip_bomb_is_refused(workshop: Workshop) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (80 * 1024 * 1024))
    with pytest.raises(ValidationError, match="too large once unpacked"):
        sheet_preview(workshop=workshop, data=data.getvalue(), file_name="bomb.xlsx")


def test_the_commit_is_all_or_nothing(workshop: Workshop, people: dict[str, Person], trainer: Person) -> None:
    sheet = f"email;status\n{people['educator'].email};present\n{people['other'].email};present\n".encode()
    preview = sheet_preview(workshop=workshop, data=sheet, file_name="sheet.csv")
    Registration.objects.filter(person=people["other"]).update(status=Registration.Status.CANCELLED)
    with pytest.raises(AttendanceRefused):
        sheet_commit(workshop=workshop, preview=preview, marked_by=trainer)
    assert not Attendance.objects.exists() and not AttendanceMark.objects.exists()


def test_formula_like_cells_are_shown_as_text(workshop: Workshop, people: dict[str, Person], trainer: Person) -> None:
    client = Client()
    client.force_login(trainer)
    sheet = b'email;status\n=HYPERLINK("http://x");<script>alert(1)</script>\n'
    response = client.post(
        reverse("workshops:paper_upload", args=[workshop.pk]), {"file": SimpleUploadedFile("s.csv", sheet)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_the_pages_preview_then_commit(workshop: Workshop, people: dict[str, Person], trainer: Person) -> None:
    client = Client()
    client.force_login(trainer)
    sheet = f"email;status\n{people['named'].email};present\nnobody@example.mn;present\n".encode()
    upload = reverse("workshops:paper_upload", args=[workshop.pk])
    response = client.post(upload, {"file": SimpleUploadedFile("sheet.csv", sheet)})
    assert response.status_code == 200
    assert "nobody@example.mn" in response.content.decode()
    assert not Attendance.objects.exists()
    response = client.post(reverse("workshops:paper_commit", args=[workshop.pk]))
    assert response.status_code == 302
    assert Attendance.objects.get().person_id == people["named"].pk
    # The preview is used up: committing again asks for the file.
    response = client.post(reverse("workshops:paper_commit", args=[workshop.pk]))
    assert response.headers["Location"] == upload
