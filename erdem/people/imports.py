"""Reading and checking a staff list (CSV or XLSX) before anyone is invited.

Pure functions: bytes in, a table or a per-row report out, no database. Problems with
the file as a whole raise ValidationError with a message for the coordinator; problems
with single rows go into the report as codes with parameters, so the preview can be
shown in whatever language the reader uses later (see `problem_message`).
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from erdem.core.uploads import SNIFF_BYTES, looks_like_markup, sniff, upload_check
from erdem.people.models import AcademicPosition, Discipline, Gender, Person, StaffImport
from erdem.people.validators import LOST_LETTERS_MESSAGE, NAME_SCRIPT_MESSAGES, name_in_script, name_lost_letters

COLUMNS = (
    "email",
    "family_name",
    "given_name",
    "family_name_latin",
    "given_name_latin",
    "department",
    "discipline",
    "academic_position",
    "gender",
)
REQUIRED_COLUMNS = ("email", "family_name", "given_name")

# Header names people actually type, compared after `_header_key` (case and punctuation ignored).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "mail",
        "и-мэйл",
        "имэйл",
        "цахим шуудан",
        "и-мэйл хаяг",
        "имэйл хаяг",
        "цахим хаяг",
    ),
    "family_name": ("family_name", "family name", "surname", "last name", "овог"),
    "given_name": ("given_name", "given name", "first name", "name", "нэр"),
    "family_name_latin": (
        "family_name_latin",
        "family name latin",
        "family name (Latin)",
        "surname latin",
        "овог латин",
        "овог (латин)",
        "латин овог",
    ),
    "given_name_latin": (
        "given_name_latin",
        "given name latin",
        "given name (Latin)",
        "first name latin",
        "нэр латин",
        "нэр (латин)",
        "латин нэр",
    ),
    "department": ("department", "тэнхим", "салбар тэнхим"),
    "discipline": ("discipline", "field", "салбар", "мэргэжлийн салбар", "чиглэл"),
    "academic_position": (
        "academic_position",
        "academic position",
        "position",
        "албан тушаал",
        "эрдмийн зэрэг цол",
        "цол",
    ),
    "gender": ("gender", "sex", "хүйс"),
}

MAX_LENGTHS = {
    "email": 254,
    "family_name": 100,
    "given_name": 100,
    "family_name_latin": 100,
    "given_name_latin": 100,
    "department": 200,
}
CHOICE_COLUMNS: dict[str, type[models.TextChoices]] = {
    "discipline": Discipline,
    "academic_position": AcademicPosition,
    "gender": Gender,
}

XLSX_REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")
# An XLSX is compressed XML; a real staff list never expands to more than this many times the upload limit.
XLSX_MAX_EXPANSION = 30

PROBLEM_MESSAGES = {
    "email_missing": _("The e-mail address is missing."),
    "email_invalid": _("“%(value)s” is not a valid e-mail address."),
    "family_name_missing": _("The family name is missing."),
    "given_name_missing": _("The given name is missing."),
    "too_long": _("The value in column “%(column)s” is longer than %(limit)s characters."),
    "unknown_choice": _("“%(value)s” is not a known value for column “%(column)s”. Use one of: %(choices)s."),
    "duplicate": _("The same e-mail address is already on line %(line)s of this file; this row is skipped."),
    "other_institution": _("This e-mail address belongs to a person of another institution."),
    "lost_letters": LOST_LETTERS_MESSAGE,
    **{f"{column}_script": message for column, message in NAME_SCRIPT_MESSAGES.items()},
}
NAME_COLUMNS = ("family_name", "given_name", "family_name_latin", "given_name_latin")


@dataclass
class Table:
    """The data rows of a file: each row's line number and its cells, after the header row."""

    file_format: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _header_key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


HEADER_LOOKUP = {_header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}


def _file_error(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


TABLE_KINDS = ("csv", "xlsx")


def table_file_check(data: bytes, *, name: str = "", max_bytes: int) -> None:
    """Refuse, before any parsing, a file that is not a CSV table or an Excel workbook, judged from its
    content by erdem.core.uploads (`sniff`; with a file name, `upload_check`, which also refuses a name
    that promises another kind). Every table upload goes through here by way of `read_table`: the staff
    import and the workshops' paper sheets. Text that is not UTF-8 (a Windows-1251 export from older
    Excel) passes: the reader decodes it or refuses it."""
    head = data[:SNIFF_BYTES]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = sniff(head, "csv")
    if kind is None and looks_like_markup(head):
        raise _file_error(
            _(
                "This file is a %(kind)s, neither CSV nor Excel (.xlsx). "
                "Save the list as CSV or .xlsx and upload it again."
            ),
            "format",
            kind=_("web page or SVG image"),
        )
    if kind is None:
        return
    if not kind.text and kind.key not in (*TABLE_KINDS, "zip"):  # a workbook's first bytes show only a ZIP archive
        raise _file_error(
            _(
                "This file is a %(kind)s, neither CSV nor Excel (.xlsx). "
                "Save the list as CSV or .xlsx and upload it again."
            ),
            "format",
            kind=kind.label,
        )
    if extension and kind.key != "zip":  # a ZIP archive is judged by the workbook reader
        upload_check(ContentFile(data, name=name), kinds=TABLE_KINDS, max_bytes=max_bytes)


def read_table(*, data: bytes, max_rows: int, max_bytes: int, name: str = "") -> Table:
    """Parse an uploaded staff list (`name`: the file's name, when known); ValidationError when the
    file as a whole is unusable."""
    if len(data) > max_bytes:
        raise too_large_error(size=len(data), limit=max_bytes)
    if not data.strip():
        raise _file_error(_("The file is empty."), "empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            _("This is an old Excel file (.xls). Save it as Excel Workbook (.xlsx) or CSV and upload it again."),
            "xls",
        )
    table_file_check(data, name=name, max_bytes=max_bytes)
    table = _read_xlsx(data, max_bytes=max_bytes) if data.startswith(b"PK\x03\x04") else _read_csv(_decode(data))
    if not table.headers:
        raise _file_error(_("The file is empty."), "empty")
    if len(table.rows) > max_rows:
        raise _file_error(
            _(
                "The file has %(rows)s rows; one upload may hold at most %(limit)s. "
                "Split the file and upload the parts."
            ),
            "too_many_rows",
            rows=formats.number_format(len(table.rows), force_grouping=True),
            limit=formats.number_format(max_rows, force_grouping=True),
        )
    if not table.rows:
        raise _file_error(_("The file has a header row but no people in it."), "no_rows")
    return table


def too_large_error(*, size: int, limit: int) -> ValidationError:
    return _file_error(
        _("The file is %(size)s; one upload may be at most %(limit)s. Split the file and upload the parts."),
        "too_large",
        size=filesizeformat(size),
        limit=filesizeformat(limit),
    )


def _not_a_table() -> ValidationError:
    return _file_error(
        _("This file is neither CSV nor Excel (.xlsx). Save the staff list as CSV or .xlsx and upload it again."),
        "format",
    )


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1251, the usual Cyrillic export from older Excel."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError as exc:
            raise _not_a_table() from exc
    if not _plausible_text(text):
        raise _not_a_table()
    return text


def _plausible_text(text: str) -> bool:
    """Text a person could have typed: no control characters, almost all letters, digits, spaces and punctuation.

    Any byte string decodes as Windows-1251, so this is what tells a binary file from a CSV.
    """
    sample = text[:65536]
    if any(ch < " " and ch not in "\t\r\n" for ch in sample):
        return False
    odd = sum(1 for ch in sample if not (ch.isalnum() or ch.isspace() or ch in ",;.:-_'\"()@/+&#№!?%*<>[]{}|\\=~`$^"))
    return odd <= max(5, len(sample) // 50)


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first_line = next((line for line in sample.splitlines() if line.strip()), "")
        return max(",;\t", key=first_line.count)


def _read_csv(text: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    return _table_from_rows("csv", ((reader.line_num, row) for row in reader))


def _table_from_rows(file_format: str, rows: Iterable[tuple[int, list[str]]]) -> Table:
    table = Table(file_format=file_format, headers=[])
    try:
        for line, cells in rows:
            values = [cell.strip() for cell in cells]
            if not any(values):
                continue
            if not table.headers:
                table.headers = values
            else:
                table.rows.append((line, values))
    except csv.Error as exc:
        raise _not_a_table() from exc
    return table


def _read_xlsx(data: bytes, *, max_bytes: int) -> Table:
    import openpyxl  # imported here: only uploads of spreadsheets pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _not_a_table() from exc
    names = {entry.filename for entry in entries}
    if not all(name in names for name in XLSX_REQUIRED_ENTRIES):
        raise _not_a_table()
    if sum(entry.file_size for entry in entries) > XLSX_MAX_EXPANSION * max_bytes:
        raise _file_error(
            _("The spreadsheet is too large once unpacked. Remove unused sheets and formatting, or upload a CSV."),
            "too_large",
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _not_a_table() from exc
    try:
        sheet = workbook.worksheets[0]
        return _table_from_rows(
            "xlsx",
            (
                (number, [_cell_text(value) for value in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ),
        )
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Columns:
    """Where each known column sits in the file, and the header cells that were not recognised."""

    positions: dict[str, int]
    ignored: list[str]


def map_columns(headers: list[str]) -> Columns:
    """Match header cells to the known columns; ValidationError naming the required ones missing."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        column = HEADER_LOOKUP.get(_header_key(header))
        if column is None:
            if header:
                ignored.append(header)
            continue
        if column in positions:
            raise _file_error(
                _("The column “%(column)s” appears twice in the header row. Keep one and upload the file again."),
                "duplicate_column",
                column=header,
            )
        positions[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise _file_error(
            ngettext_lazy(
                "The required column %(columns)s is missing. The first row must name the columns, "
                "for example: email, family_name, given_name.",
                "The required columns %(columns)s are missing. The first row must name the columns, "
                "for example: email, family_name, given_name.",
                "count",
            ),
            "missing_columns",
            columns=", ".join(missing),
            count=len(missing),
        )
    return Columns(positions=positions, ignored=ignored)


def rows_as_records(table: Table, columns: Columns) -> list[dict[str, Any]]:
    """Each data row as {"line": n, "values": {column: text}}, the form kept on the StaffImport."""
    records = []
    for line, cells in table.rows:
        values = {column: cells[index] if index < len(cells) else "" for column, index in columns.positions.items()}
        records.append({"line": line, "values": {column: values.get(column, "") for column in COLUMNS}})
    return records


def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Accept the stored value and the label in either language, ignoring case and punctuation."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_header_key(value)] = value
        for language in ("en", "mn"):
            with translation.override(language):
                lookup[_header_key(str(label))] = value
    return lookup


def validate_records(
    records: list[dict[str, Any]], *, institution_id: int, existing: Mapping[str, int | None]
) -> list[dict[str, Any]]:
    """Decide each row's fate: invite, already a member (skipped) or error (skipped), with reasons.

    `existing` maps the lower-cased e-mail of every person already registered with one
    of the file's addresses to their institution id.
    """
    lookups = {column: _choice_lookup(choices) for column, choices in CHOICE_COLUMNS.items()}
    first_line_of: dict[str, int] = {}
    report = []
    for record in records:
        raw = record["values"]
        values = {column: str(raw.get(column, "")).strip() for column in COLUMNS}
        problems: list[dict[str, Any]] = []
        email = values["email"].lower()
        values["email"] = email
        if not email:
            problems.append({"code": "email_missing", "params": {}})
        else:
            try:
                validate_email(email)
            except ValidationError:
                problems.append({"code": "email_invalid", "params": {"value": values["email"][:80]}})
        for column in ("family_name", "given_name"):
            if not values[column]:
                problems.append({"code": f"{column}_missing", "params": {}})
        problems += _name_problems(values)
        for column, limit in MAX_LENGTHS.items():
            if len(values[column]) > limit:
                problems.append({"code": "too_long", "params": {"column": column, "limit": limit}})
        for column, lookup in lookups.items():
            if values[column]:
                value = lookup.get(_header_key(values[column]))
                if value is None:
                    problems.append(
                        {
                            "code": "unknown_choice",
                            "params": {
                                "value": values[column][:80],
                                "column": column,
                            },
                        }
                    )
                else:
                    values[column] = value

        status = StaffImport.RowStatus.INVITE
        if email and email in first_line_of:
            problems.insert(0, {"code": "duplicate", "params": {"line": first_line_of[email]}})
        elif email in existing:
            if existing[email] == institution_id:
                status = StaffImport.RowStatus.MEMBER
                problems = []
            else:
                problems.insert(0, {"code": "other_institution", "params": {}})
        if email:
            first_line_of.setdefault(email, record["line"])
        if problems:
            status = StaffImport.RowStatus.ERROR
        report.append({"line": record["line"], "status": str(status), "values": values, "problems": problems})
    return report


def _name_problems(values: Mapping[str, str]) -> list[dict[str, Any]]:
    """Names in the wrong script; a "?" in a Cyrillic name is reported once, as letters lost by the file."""
    problems: list[dict[str, Any]] = []
    lost = [column for column in NAME_COLUMNS if name_lost_letters(column, values[column])]
    if lost:
        problems.append({"code": "lost_letters", "params": {}})
    for column in NAME_COLUMNS:
        if values[column] and column not in lost and not name_in_script(column, values[column]):
            problems.append({"code": f"{column}_script", "params": {}})
    return problems


def has_lost_letters(row: Mapping[str, Any]) -> bool:
    return any(problem["code"] == "lost_letters" for problem in row["problems"])


def report_recount(
    report: list[dict[str, Any]], *, institution_id: int, existing: Mapping[str, int | None]
) -> list[dict[str, Any]]:
    """The report again after people were registered since it was made (by a later upload, say).

    Rows still to invite whose address now has an account become "already a member" (of
    this institution) or an error (another institution's address). Other rows are kept.
    """
    recounted = []
    for row in report:
        email = row["values"]["email"]
        if row["status"] == StaffImport.RowStatus.INVITE and email in existing:
            if existing[email] == institution_id:
                row = {**row, "status": str(StaffImport.RowStatus.MEMBER), "problems": []}
            else:
                row = {
                    **row,
                    "status": str(StaffImport.RowStatus.ERROR),
                    "problems": [{"code": "other_institution", "params": {}}],
                }
        recounted.append(row)
    return recounted


def column_label(column: str) -> str:
    """A column as the reader knows it from the forms: the field's name in the active language."""
    person_field = cast(models.Field[Any, Any], Person._meta.get_field(column))
    return str(capfirst(person_field.verbose_name))


def choice_labels(column: str) -> str:
    """The values a choice column accepts, as labels in the active language (labels and codes are both read)."""
    return ", ".join(f"“{label}”" for label in CHOICE_COLUMNS[column].labels)


def problem_message(problem: Mapping[str, Any]) -> str:
    """A report problem as a sentence in the active language.

    Problems store a column by its key; its label and, for an unknown value, the accepted
    values are filled in here, in the reader's language. (Older reports also stored the
    accepted codes; those are replaced by the labels.)
    """
    params = dict(problem["params"])
    column = params.get("column")
    if column in COLUMNS:
        params["column"] = column_label(column)
        if problem["code"] == "unknown_choice" and column in CHOICE_COLUMNS:
            params["choices"] = choice_labels(column)
    return str(PROBLEM_MESSAGES[problem["code"]]) % params
