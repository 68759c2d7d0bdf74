"""The pure parsing and checking of staff lists: no database needed except for choice labels."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from erdem.people import imports

HEADER = (
    "email,family_name,given_name,family_name_latin,given_name_latin,department,discipline,academic_position,gender"
)


def read(data: bytes, *, max_rows: int = 5000, max_bytes: int = 5 * 1024 * 1024) -> imports.Table:
    return imports.read_table(data=data, max_rows=max_rows, max_bytes=max_bytes)


def error_of(data: bytes, **limits: int) -> ValidationError:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        read(data, **limits)
    return caught.value


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_utf8_csv_with_comma() -> None:
    table = read(f"{HEADER}\nbold@num.edu.mn,Батболд,Сараа,Batbold,Saraa,Math,education,teacher,female\n".encode())
    assert table.file_format == "csv"
    assert table.headers[0] == "email"
    assert table.rows == [
        (2, ["bold@num.edu.mn", "Батболд", "Сараа", "Batbold", "Saraa", "Math", "education", "teacher", "female"])
    ]


def test_utf8_bom_is_removed_from_the_first_header() -> None:
    table = read("\ufeffemail;family_name;given_name\nb@x.mn;Дорж;Болд\n".encode())
    assert table.headers == ["email", "family_name", "given_name"]
    assert table.rows == [(2, ["b@x.mn", "Дорж", "Болд"])]


def test_windows_1251_cyrillic_is_decoded() -> None:
    table = read("email;овог;нэр\nb@x.mn;Дорж;Болд\nc@x.mn;Бат;Туяа\n".encode("cp1251"))
    assert table.headers == ["email", "овог", "нэр"]
    assert table.rows[1] == (3, ["c@x.mn", "Бат", "Туяа"])


def test_semicolon_and_quoted_fields() -> None:
    table = read('email;family_name;given_name;department\nb@x.mn;Дорж;Болд;"Math; Physics"\n'.encode())
    assert table.rows[0][1][3] == "Math; Physics"


def test_blank_lines_are_skipped_and_line_numbers_kept() -> None:
    table = read(b"email,family_name,given_name\n\n,,\nb@x.mn,D,B\n")
    assert table.rows == [(4, ["b@x.mn", "D", "B"])]


def test_xlsx_is_read_from_the_first_sheet() -> None:
    data = xlsx_bytes(
        [
            ["Email", "Family name", "Given name", "Gender"],
            ["b@x.mn", "Дорж", "Болд", None],
            [None, None, None, None],
            ["c@x.mn", "Бат", 42.0, "Эмэгтэй"],
        ]
    )
    table = read(data)
    assert table.file_format == "xlsx"
    assert table.headers == ["Email", "Family name", "Given name", "Gender"]
    assert table.rows == [(2, ["b@x.mn", "Дорж", "Болд", ""]), (4, ["c@x.mn", "Бат", "42", "Эмэгтэй"])]


def test_empty_file() -> None:
    assert error_of(b"").code == "empty"
    assert error_of(b"  \n\n ").code == "empty"
    assert "empty" in error_of(b"").messages[0]


def test_header_without_rows() -> None:
    assert error_of(b"email,family_name,given_name\n").code == "no_rows"


def test_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    error = error_of(buffer.getvalue())
    assert error.code == "format"
    assert "neither CSV nor Excel" in error.messages[0]


def test_xlsx_extension_on_text_is_read_by_content_not_name() -> None:
    # Content decides: a CSV renamed .xlsx is still a CSV.
    assert read(b"email,family_name,given_name\nb@x.mn,D,B\n").file_format == "csv"


def test_binary_file_is_refused() -> None:
    assert error_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4).code == "format"
    assert error_of(b"%PDF-1.7\n\x01\x02\x03\xff\xfe binary").code == "format"


def test_the_content_names_the_kind_of_a_file_that_is_not_a_table() -> None:
    error = error_of(b"%PDF-1.4\nemail,family_name,given_name\n1 0 obj << >>\n")
    assert error.code == "format" and "This file is a PDF document, neither CSV nor Excel" in error.messages[0]


def test_a_name_that_promises_another_kind_is_refused_by_the_shared_upload_check() -> None:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        imports.read_table(
            data=b"email,family_name,given_name\nb@x.mn,D,B\n", max_rows=10, max_bytes=1000, name="a.txt"
        )
    assert caught.value.code == "kind"
    table = imports.read_table(
        data=b"email,family_name,given_name\nb@x.mn,D,B\n", max_rows=10, max_bytes=1000, name="a.csv"
    )
    assert table.file_format == "csv"
    cyrillic = "email;Овог;Нэр\nb@x.mn;Бат;Дорж\n".encode("cp1251")
    assert imports.read_table(data=cyrillic, max_rows=10, max_bytes=1000, name="a.csv").rows


def test_old_excel_is_explained() -> None:
    assert error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100).code == "xls"


def test_too_large() -> None:
    error = error_of(b"email,family_name,given_name\n" + b"x" * 2000, max_bytes=1000)
    assert error.code == "too_large"
    assert "at most 1000" in error.messages[0]


def test_too_many_rows_refused_with_the_count() -> None:
    data = b"email,family_name,given_name\n" + b"".join(b"p%d@x.mn,A,B\n" % i for i in range(100_000))
    error = error_of(data)
    assert error.code == "too_many_rows"
    assert error.messages == [
        "The file has 100,000 rows; one upload may hold at most 5,000. Split the file and upload the parts."
    ]


def test_columns_in_english_and_mongolian_any_case() -> None:
    columns = imports.map_columns(["E-mail", "ОВОГ", "Нэр", "Family name (Latin)", "нэр латин", "No.", "Хүйс"])
    assert columns.positions == {
        "email": 0,
        "family_name": 1,
        "given_name": 2,
        "family_name_latin": 3,
        "given_name_latin": 4,
        "gender": 6,
    }
    assert columns.ignored == ["No."]


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        imports.map_columns(["email", "name_of_person", "department"])
    assert caught.value.code == "missing_columns"
    assert caught.value.messages[0].startswith("The required columns family_name, given_name are missing.")


def test_one_missing_column_is_singular() -> None:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        imports.map_columns(["email", "family_name"])
    assert caught.value.messages[0].startswith("The required column given_name is missing.")


def test_duplicate_column() -> None:
    with pytest.raises(ValidationError) as caught:
        imports.map_columns(["email", "e-mail", "family_name", "given_name"])
    assert caught.value.code == "duplicate_column"


def records(*rows: dict[str, str]) -> list[dict[str, object]]:
    return [
        {"line": number, "values": {column: row.get(column, "") for column in imports.COLUMNS}}
        for number, row in enumerate(rows, start=2)
    ]


def messages_of(row: dict[str, object]) -> list[str]:
    with translation.override("en"):
        return [imports.problem_message(problem) for problem in row["problems"]]  # type: ignore[attr-defined]


def test_validation_statuses_and_reasons() -> None:
    report = imports.validate_records(
        records(
            {
                "email": " New@X.mn ",
                "family_name": "Дорж",
                "given_name": "Болд",
                "discipline": "Education",
                "academic_position": "Профессор",
                "gender": "male",
            },
            {"email": "not-an-email", "family_name": "Дорж", "given_name": "Болд"},
            {"email": "b@x.mn", "family_name": "", "given_name": ""},
            {"email": "new@x.mn", "family_name": "Дорж", "given_name": "Болд"},
            {"email": "member@x.mn", "family_name": "Бат", "given_name": "Туяа"},
            {"email": "stranger@x.mn", "family_name": "Бат", "given_name": "Туяа"},
            {"email": "c@x.mn", "family_name": "Бат", "given_name": "Туяа", "discipline": "astrology"},
            {"email": "d@x.mn", "family_name": "Б" * 101, "given_name": "Туяа"},
        ),
        institution_id=1,
        existing={"member@x.mn": 1, "stranger@x.mn": 2},
    )
    assert [row["status"] for row in report] == [
        "invite",
        "error",
        "error",
        "error",
        "member",
        "error",
        "error",
        "error",
    ]
    assert report[0]["values"] | {} == {
        "email": "new@x.mn",
        "family_name": "Дорж",
        "given_name": "Болд",
        "family_name_latin": "",
        "given_name_latin": "",
        "department": "",
        "discipline": "education",
        "academic_position": "professor",
        "gender": "male",
    }
    assert messages_of(report[1]) == ["“not-an-email” is not a valid e-mail address."]
    assert messages_of(report[2]) == ["The family name is missing.", "The given name is missing."]
    assert messages_of(report[3]) == ["The same e-mail address is already on line 2 of this file; this row is skipped."]
    assert messages_of(report[5]) == ["This e-mail address belongs to a person of another institution."]
    assert messages_of(report[6])[0].startswith("“astrology” is not a known value for column “Discipline”.")
    assert messages_of(report[7]) == ["The value in column “Family name” is longer than 100 characters."]


def test_unknown_value_names_the_column_and_the_values_in_the_readers_language() -> None:
    report = imports.validate_records(
        records(
            {"email": "a@x.mn", "family_name": "Бат", "given_name": "Туяа", "gender": "unknown"},
            {"email": "b@x.mn", "family_name": "Бат", "given_name": "Туяа", "discipline": "astrology"},
            {"email": "c@x.mn", "family_name": "Бат", "given_name": "Туяа", "family_name_latin": "B" * 101},
        ),
        institution_id=1,
        existing={},
    )
    # The report keeps the column's key; labels are chosen when the report is shown.
    assert report[0]["problems"] == [{"code": "unknown_choice", "params": {"value": "unknown", "column": "gender"}}]
    assert messages_of(report[0]) == [
        "“unknown” is not a known value for column “Gender”. Use one of: “female”, “male”, “other”."
    ]
    assert messages_of(report[1]) == [
        "“astrology” is not a known value for column “Discipline”. Use one of: “education”, “humanities and arts”, "
        "“languages”, “social sciences”, “business, administration and law”, “natural sciences and mathematics”, "
        "“information and communication technologies”, “engineering and construction”, "
        "“agriculture and veterinary”, “health and welfare”, “services”."
    ]
    assert messages_of(report[2]) == ["The value in column “Family name (Latin)” is longer than 100 characters."]
    with translation.override("mn"):
        mongolian = [imports.problem_message(row["problems"][0]) for row in report]
    assert mongolian == [
        "“unknown” нь “Хүйс” баганын зөвшөөрөгдсөн утга биш. Эдгээрийн аль нэгийг ашиглана уу: "
        "“эмэгтэй”, “эрэгтэй”, “бусад”.",
        "“astrology” нь “Мэргэжлийн салбар” баганын зөвшөөрөгдсөн утга биш. Эдгээрийн аль нэгийг ашиглана уу: "
        "“боловсрол”, “хүмүүнлэг ба урлаг”, “хэл”, “нийгмийн шинжлэх ухаан”, “бизнес, удирдлага ба эрх зүй”, "
        "“байгалийн ухаан ба математик”, “мэдээлэл, харилцаа холбооны технологи”, “инженерчлэл ба барилга”, "
        "“хөдөө аж ахуй ба мал эмнэлэг”, “эрүүл мэнд ба нийгмийн халамж”, “үйлчилгээ”.",
        "“Овог (латинаар)” баганын утга 100 тэмдэгтээс урт байна.",
    ]
    for message in mongolian:
        assert "gender" not in message and "discipline" not in message and "female" not in message


def test_reports_stored_with_codes_are_shown_with_labels() -> None:
    """Reports saved before labels were used carried the allowed codes; they are shown as labels too."""
    problem = {
        "code": "unknown_choice",
        "params": {"value": "x", "column": "gender", "choices": "female, male, other"},
    }
    with translation.override("mn"):
        assert imports.problem_message(problem).endswith("ашиглана уу: “эмэгтэй”, “эрэгтэй”, “бусад”.")


def test_missing_email() -> None:
    report = imports.validate_records(
        records({"family_name": "Бат", "given_name": "Туяа"}), institution_id=1, existing={}
    )
    assert messages_of(report[0]) == ["The e-mail address is missing."]


def test_names_in_the_wrong_script_are_errors() -> None:
    report = imports.validate_records(
        records(
            {"email": "a@x.mn", "family_name": "Bat", "given_name": "Туяа"},
            {"email": "b@x.mn", "family_name": "Бат", "given_name": "Туяа", "given_name_latin": "Туяа"},
            {
                "email": "c@x.mn",
                "family_name": "Өлзий-Бат",
                "given_name": "Д. Үүрцайх",
                "given_name_latin": "Uurtsaikh",
            },
        ),
        institution_id=1,
        existing={},
    )
    assert [row["status"] for row in report] == ["error", "error", "invite"]
    assert messages_of(report[0]) == [
        "Write the family name in Cyrillic letters. Besides letters, only spaces, hyphens, apostrophes and dots "
        "may be used."
    ]
    assert messages_of(report[1])[0].startswith("Write the given name (Latin) in Latin letters A–Z")


def test_question_marks_in_a_name_mean_lost_letters() -> None:
    """Windows-1251 has no Ө or Ү: Excel writes "?" instead, once per row however many names have it."""
    report = imports.validate_records(
        records({"email": "a@x.mn", "family_name": "?лзий", "given_name": "Т?мэн"}), institution_id=1, existing={}
    )
    assert report[0]["status"] == "error"
    assert messages_of(report[0]) == [
        "The name contains “?”, which usually means the file lost the letters Ө or Ү. "
        "Save the file as CSV UTF-8 and upload it again."
    ]
    assert imports.has_lost_letters(report[0])


def test_recount_after_people_were_registered() -> None:
    report = imports.validate_records(
        records(
            {"email": "a@x.mn", "family_name": "Бат", "given_name": "Туяа"},
            {"email": "b@x.mn", "family_name": "Бат", "given_name": "Болд"},
            {"email": "c@x.mn", "family_name": "Бат", "given_name": "Дорж"},
        ),
        institution_id=1,
        existing={},
    )
    recounted = imports.report_recount(report, institution_id=1, existing={"a@x.mn": 1, "b@x.mn": 2})
    assert [row["status"] for row in recounted] == ["member", "error", "invite"]
    assert messages_of(recounted[1]) == ["This e-mail address belongs to a person of another institution."]
    assert [row["status"] for row in report] == ["invite", "invite", "invite"]  # the original is left as it was
