"""Tables as files, for every "export as CSV / Excel" link of the site.

CSV is streamed: rows are read lazily (from a queryset's `iterator()` or a list already in memory)
and each is written as soon as it is read, after a UTF-8 byte order mark so that spreadsheet
programs read Mongolian. Excel is written row by row by openpyxl's write-only workbook into a
temporary file that the response streams and then removes. Memory stays constant whatever the
number of rows in both cases.

A text cell starting with = + - @, a tab or a carriage return gets an apostrophe in front, so no
spreadsheet runs it as a formula; numbers and dates stay numbers and dates. Rows are produced in
the language of the request even though a CSV is written after the view has returned.
"""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_LENGTH = 31  # Excel's limit

# A further sheet of an Excel file: its title and its rows (the main table comes first).
Sheet = tuple[str, Iterable[Sequence[Any]]]


def neutralise(value: Any) -> str:
    """The cell's text, with an apostrophe before a leading formula character."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    """A cell as written: numbers and dates as they are, everything else as neutralised text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel knows no time zones
    if isinstance(value, int | float | dt.date):
        return value
    return neutralise(value)


def safe_filename(name: str) -> str:
    """The name with anything but ASCII letters, digits, dots, hyphens and underscores replaced."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "table"


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:SHEET_TITLE_LENGTH].strip() or "Sheet"


class _Echo:
    """A file-like object that hands back what csv.writer writes, so each row can be yielded."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, language: str | None) -> Iterator[str]:
    """The byte order mark, the header and each row as CSV text, produced in `language`."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff"
        yield writer.writerow([_cell(value) for value in header])
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])


def xlsx_file(sheets: Sequence[Sheet]) -> IO[bytes]:
    """An Excel workbook holding `sheets` (title, rows), written row by row to a temporary file
    which is removed when closed."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        for row in rows:
            sheet.append([_cell(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it, which removes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def table_response(
    *,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    filename: str,
    sheet_title: str,
    sheets: Sequence[Sheet] = (),
) -> HttpResponseBase:
    """The table as an attachment: `fmt` "csv" (streamed) or "xlsx" (Http404 for anything else).
    `filename` is without its extension and made ASCII. `sheets` are further sheets of the Excel file
    (definitions, notes); a CSV file holds the table only, so that it imports cleanly."""
    if fmt not in FORMATS:
        raise Http404
    name = f"{safe_filename(filename)}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(header, rows, language=translation.get_language()), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def main_rows() -> Iterator[Sequence[Any]]:
        yield header
        yield from rows

    return FileResponse(
        xlsx_file([(sheet_title, main_rows()), *sheets]),
        as_attachment=True,
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
    )


def id_param(request: HttpRequest, name: str) -> int | None:
    """An id in the query string that narrows a table (`?institution=12`); None when absent, 404 when it is
    not a number."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return int(raw)
