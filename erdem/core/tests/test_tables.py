"""Tables as files: formulas defused, CSV streamed with a byte order mark in the reader's language, Excel
written with numbers and dates as such and further sheets, ASCII file names, unknown formats not found."""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from erdem.core.tables import neutralise, safe_filename, table_response


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_formula_characters_get_an_apostrophe() -> None:
    for text in ("=1+1", "+7 99", "-3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Бат = Болд") == "Бат = Болд"
    assert neutralise(None) == "" and neutralise(3) == "3"


def test_file_names_are_plain_ascii() -> None:
    assert safe_filename("staff-alpha-2025-03") == "staff-alpha-2025-03"
    assert safe_filename('Алтан "хот"/../x y') == "x-y"
    assert safe_filename("Монгол") == "table"


def test_csv_is_streamed_lazily_with_a_byte_order_mark() -> None:
    read = []

    def rows() -> Iterator[list[Any]]:
        for number in range(3):
            read.append(number)
            yield [f"=cmd{number}", number, dt.date(2025, 3, number + 1)]

    response = table_response(
        header=["Name", "N", "Day"], rows=rows(), fmt="csv", filename="Хүснэгт x", sheet_title="T"
    )

    assert isinstance(response, StreamingHttpResponse)
    assert read == []  # nothing is read before the response is sent
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Name", "N", "Day"],
        ["'=cmd0", "0", "2025-03-01"],
        ["'=cmd1", "1", "2025-03-02"],
        ["'=cmd2", "2", "2025-03-03"],
    ]


def test_csv_rows_are_written_in_the_language_of_the_request() -> None:
    def rows() -> Iterator[list[str]]:
        yield [_("yes")]

    with translation.override("mn"):
        response = table_response(header=["x"], rows=rows(), fmt="csv", filename="t", sheet_title="t")
    with translation.override("en"):
        text = body(response).decode("utf-8")
    assert text.splitlines()[1] == "тийм"


def test_excel_keeps_numbers_and_dates_and_holds_further_sheets() -> None:
    moment = dt.datetime(2025, 3, 1, 4, 0, tzinfo=dt.UTC)
    response = table_response(
        header=["Name", "N", "Day", "At"],
        rows=iter([["-x", 12, dt.date(2025, 3, 1), moment], ["Бат", 3.5, None, None]]),
        fmt="xlsx",
        filename="report",
        sheet_title="Figures: [all]",
        sheets=[("About", [["Period", "March 2025"]])],
    )

    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="report.xlsx"')
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    assert book.sheetnames == ["Figures   all", "About"]
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["Name", "N", "Day", "At"]
    # Excel's dates have no time zone: the moment is written as the programme's local time.
    assert rows[1][0] == "'-x" and rows[1][1] == 12 and rows[1][2].date() == dt.date(2025, 3, 1)
    assert (rows[1][3].date(), rows[1][3].hour) == (dt.date(2025, 3, 1), 12)
    assert rows[2][:2] == ["Бат", 3.5]
    assert [list(row) for row in book.worksheets[1].iter_rows(values_only=True)] == [["Period", "March 2025"]]


def test_unknown_formats_are_not_found() -> None:
    with pytest.raises(Http404):
        table_response(header=[], rows=[], fmt="pdf", filename="x", sheet_title="x")
