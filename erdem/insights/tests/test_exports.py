"""The dashboards' tables as files: who gets which table, what the file holds (header, rows, total, the
definitions sheet), small counts hidden for the ministry, names only for those who may see them, and a very
large staff table streamed with a bounded number of queries."""

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from erdem.access.models import Role, RoleAssignment
from erdem.insights import rollups
from erdem.insights.tests.test_staff import moment
from erdem.insights.tests.test_trainer import client_for, trainer_world
from erdem.people.models import Person
from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2025-03", "to": "2025-04"}


@pytest.fixture
def world() -> SimpleNamespace:
    world = trainer_world()
    rollups.rollup_refresh(programme=world.programme)
    return world


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(body(response)), read_only=True)


def sheet_rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def get(person: Person | None, name: str, args: list[Any], **params: str) -> Any:
    return client_for(person).get(reverse(name, args=args), params)


# --- the breakdown table --------------------------------------------------------------------------------------


def test_the_national_admin_gets_the_exact_table_with_a_total_row(world: SimpleNamespace) -> None:
    rows = csv_rows(get(world.admin, "insights:table_export", ["csv"], by="institution", **PERIOD))

    header, *body_rows, total = rows
    assert header[:3] == ["institution", "New registrations", "Enrolments"]
    assert [row[0] for row in body_rows] == ["Alpha University", "Beta College"]
    registered = header.index("New registrations")
    assert [row[registered] for row in body_rows] == ["3", "1"]
    assert total[0] == "Total" and total[registered] == "4"


def test_the_ministry_sees_small_counts_hidden_and_never_an_institutions_table(world: SimpleNamespace) -> None:
    header, *body_rows, _total = csv_rows(get(world.ministry, "insights:table_export", ["csv"], **PERIOD))

    registered = header.index("New registrations")
    assert [row[registered] for row in body_rows] == ["<5", "<5"]
    assert not any("Бат" in cell for row in body_rows for cell in row)
    refused = get(world.ministry, "insights:table_export", ["csv"], institution=str(world.inst_a.pk))
    assert refused.status_code == 403


def test_the_funnel_exports_as_a_table_of_stages(world: SimpleNamespace) -> None:
    header, *stages = csv_rows(get(world.admin, "insights:table_export", ["csv"], by="funnel", **PERIOD))

    assert header == ["Stage", "People", "Share of the previous stage", "Drop"]
    assert stages[0][:2] == ["Registered", "4"] and stages[-1][0] == "Certified"
    hidden = csv_rows(get(world.ministry, "insights:table_export", ["csv"], by="funnel", **PERIOD))
    assert hidden[1][:2] == ["Registered", "<5"]


def test_a_coordinator_exports_their_own_institutions_table_only(world: SimpleNamespace) -> None:
    own = csv_rows(get(world.coordinator, "insights:table_export", ["csv"], institution=str(world.inst_a.pk), **PERIOD))
    assert [row[0] for row in own[1:]] == ["Alpha University", "Total"]
    assert own[1][own[0].index("New registrations")] == "3"  # exact for them

    assert get(world.coordinator, "insights:table_export", ["csv"], institution=str(world.inst_b.pk)).status_code == 403
    assert get(world.coordinator, "insights:table_export", ["csv"]).status_code == 403
    assert get(world.coordinator, "insights:table_export", ["csv"], institution="x").status_code == 404
    assert get(world.coordinator, "insights:table_export", ["csv"], institution="999999").status_code == 404


def test_the_excel_table_has_its_definitions_on_a_second_sheet(world: SimpleNamespace) -> None:
    book = workbook(get(world.admin, "insights:table_export", ["xlsx"], by="gender", **PERIOD))

    table, about = book.worksheets
    rows = sheet_rows(table)
    assert rows[0][0] == "gender" and rows[-1][0] == "Total"
    assert rows[-1][rows[0].index("New registrations")] == 4  # a number, not text
    notes = {row[0]: row[1] for row in sheet_rows(about) if row and row[0]}
    assert notes["Programme"] == world.programme.name
    assert notes["Period"] == "March 2025 – April 2025"
    assert notes["New registrations"].startswith("People who hold the programme's educator role")
    assert "Small counts" not in notes
    ministry = workbook(get(world.ministry, "insights:table_export", ["xlsx"], by="gender", **PERIOD))
    assert "Small counts" in {row[0] for row in sheet_rows(ministry.worksheets[1]) if row}


def test_unknown_formats_and_breakdowns_are_not_found_and_visitors_log_in(world: SimpleNamespace) -> None:
    assert get(world.admin, "insights:table_export", ["pdf"]).status_code == 404
    assert get(world.admin, "insights:table_export", ["csv"], by="shoe-size").status_code == 404
    response = get(None, "insights:table_export", ["csv"])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_empty_period_gives_a_table_with_a_zero_total(world: SimpleNamespace) -> None:
    header, total = csv_rows(get(world.admin, "insights:table_export", ["csv"], **{"from": "2030-01", "to": "2030-02"}))
    assert total[0] == "Total" and total[header.index("New registrations")] == "0"


# --- rankings -------------------------------------------------------------------------------------------------


def test_rankings_export_ranks_institutions_for_the_period(world: SimpleNamespace) -> None:
    header, *rows = csv_rows(get(world.admin, "insights:ranking_export", ["csv"], by="institution", **PERIOD))

    assert header[0] == "Rank" and "March 2025 – April 2025" in header[2]
    assert [row[:3] for row in rows] == [["1", "Alpha University", "3"], ["2", "Beta College", "1"]]
    hidden = csv_rows(get(world.ministry, "insights:ranking_export", ["csv"], by="region", **PERIOD))
    assert all(row[0] == "" and row[2] == "<5" for row in hidden[1:])
    assert get(world.coordinator, "insights:ranking_export", ["csv"]).status_code == 403
    assert get(world.admin, "insights:ranking_export", ["csv"], measure="nonsense").status_code == 404
    assert get(world.admin, "insights:ranking_export", ["csv"], by="gender").status_code == 404
    assert len(sheet_rows(workbook(get(world.admin, "insights:ranking_export", ["xlsx"], **PERIOD)).worksheets[0])) == 3


# --- the staff table ------------------------------------------------------------------------------------------


def test_the_coordinator_exports_their_staff_with_names(world: SimpleNamespace) -> None:
    header, *rows = csv_rows(get(world.coordinator, "insights:staff_export", [world.inst_a.pk, "csv"]))

    assert header[:2] == ["Name", "E-mail"] and header[-1] == "Follow-up survey answered"
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Бат Болд", "Дорж Дулмаа", "Ганбат Энх"}
    assert by_name["Бат Болд"][1:] == [
        "bold@a.mn",
        "information and communication technologies",
        by_name["Бат Болд"][3],
        "2025-03-10",
        "3",
        "3",
        "2",
        "2025-05-03",
        "2",  # present at a workshop, late at his cohort's
        "2025-11-09",
    ]
    narrowed = csv_rows(get(world.coordinator, "insights:staff_export", [world.inst_a.pk, "csv"], q="Энх"))
    assert [row[0] for row in narrowed[1:]] == ["Ганбат Энх"]


@pytest.mark.parametrize("who", ["other_coordinator", "ministry", "trainer", "enkh"])
def test_others_never_get_the_staff_table(world: SimpleNamespace, who: str) -> None:
    for fmt in ("csv", "xlsx"):
        assert get(getattr(world, who), "insights:staff_export", [world.inst_a.pk, fmt]).status_code == 403
    assert get(world.admin, "insights:staff_export", [world.inst_a.pk, "csv"]).status_code == 200
    assert get(world.admin, "insights:staff_export", [999999, "csv"]).status_code == 404


def test_names_are_never_run_as_formulas(world: SimpleNamespace) -> None:
    sneaky = make_person(
        institution=world.inst_a,
        family_name='=HYPERLINK("http://x")',
        given_name="Зөв",
        email_confirmed_at=moment(2025, 3),
    )
    RoleAssignment.objects.create(person=sneaky, role=Role.EDUCATOR, programme=world.programme)

    names = [row[0] for row in csv_rows(get(world.coordinator, "insights:staff_export", [world.inst_a.pk, "csv"]))]
    assert '\'=HYPERLINK("http://x") Зөв' in names
    cells = [
        row[0]
        for row in sheet_rows(workbook(get(world.admin, "insights:staff_export", [world.inst_a.pk, "xlsx"])).active)
    ]
    assert '\'=HYPERLINK("http://x") Зөв' in cells


def test_a_very_large_staff_table_is_streamed_with_a_bounded_number_of_queries(
    world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"many{n}@a.mn",
                family_name="Олон",
                given_name=f"{n:05}",
                institution=world.inst_a,
                email_confirmed_at=moment(2025, 6),
            )
            for n in range(3000)
        ]
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(person=person, role=Role.EDUCATOR, programme=world.programme) for person in people]
    )
    client = client_for(world.coordinator)
    url = reverse("insights:staff_export", args=[world.inst_a.pk, "csv"])

    with django_assert_max_num_queries(12):
        response = client.get(url)
        assert isinstance(response, StreamingHttpResponse)
        rows = csv_rows(response)

    assert len(rows) == 1 + 3003
    assert rows[1][0] == "Бат Болд" and rows[-1][0] == "Олон 02999"

    with django_assert_max_num_queries(12):
        book = workbook(client.get(reverse("insights:staff_export", args=[world.inst_a.pk, "xlsx"])))
    rows = sheet_rows(book.active)
    assert len(rows) == 1 + 3003 and rows[-1][0] == "Олон 02999"
    assert rows[-1][4].date().isoformat() == "2025-06-10"  # a date, not text


# --- the trainer's cohorts ------------------------------------------------------------------------------------


def test_the_trainer_exports_the_members_of_their_cohorts_only(world: SimpleNamespace) -> None:
    header, *rows = csv_rows(get(world.trainer, "insights:cohorts_export", ["csv"]))

    assert header[:2] == ["Cohort", "Name"]
    assert sorted((row[0], row[1]) for row in rows) == [
        ("Alpha spring", "Бат Болд"),
        ("Alpha spring", "Ганбат Энх"),
        ("Alpha spring", "Дорж Дулмаа"),
    ]
    bold = next(row for row in rows if row[1] == "Бат Болд")
    assert bold[header.index("Rating of the course")] == "5"
    assert bold[header.index("Workshops attended")] == "1"
    other = csv_rows(get(world.other_trainer, "insights:cohorts_export", ["csv"]))
    assert [row[1] for row in other[1:]] == ["Гадны Хүн"]
    assert csv_rows(get(world.coordinator, "insights:cohorts_export", ["csv"])) == [header]
    assert get(world.enkh, "insights:cohorts_export", ["csv"]).status_code == 403
    assert get(world.ministry, "insights:cohorts_export", ["xlsx"]).status_code == 403
    assert len(sheet_rows(workbook(get(world.trainer, "insights:cohorts_export", ["xlsx"])).active)) == 4
