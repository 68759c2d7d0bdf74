"""Paper sign-in sheets: a CSV or XLSX of who came, checked row by row, then recorded at once.

The file is read by the staff import's reader (erdem.people.imports.read_table: size limit,
content sniffing, Cyrillic encodings, XLSX bomb guard). Each row names a person by e-mail or by
name and gives a status in English or Mongolian, optionally the time the person arrived.
`sheet_preview` reports each row's problems without writing anything; `sheet_commit` records
the good rows in one transaction through `attendance_mark`, with mark ids derived from the
workshop, the file's SHA-256 and the row's line, so uploading the same file again changes
nothing (every mark comes back as a duplicate).
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erdem.people.imports import read_table, too_large_error
from erdem.people.models import Person
from erdem.workshops.models import AttendanceSource, AttendanceStatus, Workshop
from erdem.workshops.selectors import roster_people
from erdem.workshops.services import CLOCK_SKEW, attendance_mark

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
PAPER_NAMESPACE = uuid.UUID("b8e0c7d4-2f61-4a8e-9c3b-7d5a1e0f6b24")


def _key(text: str) -> str:
    """Compare headers and words ignoring case, spaces and punctuation."""
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


COLUMN_ALIASES = {
    "email": ("email", "e-mail", "mail", "e-mail address", "и-мэйл", "имэйл", "цахим шуудан", "и-мэйл хаяг"),
    "name": ("name", "full name", "participant", "нэр", "овог нэр", "овог, нэр", "бүтэн нэр", "оролцогч"),
    "status": ("status", "attendance", "ирц", "төлөв", "байдал"),
    "time": ("time", "arrived", "arrival", "цаг", "ирсэн цаг", "хугацаа"),
}
HEADERS = {_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}

STATUS_WORDS = {
    AttendanceStatus.PRESENT: ("present", "p", "yes", "ирсэн", "ирсэн байна", "тийм"),
    AttendanceStatus.LATE: ("late", "l", "хоцорсон", "хоцорч ирсэн", "хоцорно"),
    AttendanceStatus.ABSENT: ("absent", "a", "no", "ирээгүй", "тасалсан", "үгүй"),
}
STATUS_LOOKUP = {_key(word): str(status) for status, words in STATUS_WORDS.items() for word in words}

PROBLEM_MESSAGES = {
    "person_missing": _("The row names nobody: fill in the e-mail address or the name."),
    "unknown_email": _("Nobody on erdem has the e-mail address “%(value)s”."),
    "unknown_name": _("Nobody on the roster is called “%(value)s”."),
    "ambiguous_name": _("Several people on the roster are called “%(value)s”; use the e-mail address."),
    "not_on_roster": _("This person is not on the workshop's roster."),
    "status_missing": _("The status is missing."),
    "status_unknown": _("“%(value)s” is not a status. Use present, late or absent (ирсэн, хоцорсон, ирээгүй)."),
    "time_invalid": _("“%(value)s” is not a time. Write it as 09:30 or 2026-11-28 09:30."),
    "time_out_of_range": _("The time %(value)s is not on the day of the workshop or is still to come."),
    "duplicate": _("This person is already on line %(line)s of this file; this row is skipped."),
}


@dataclass
class SheetRow:
    line: int
    values: dict[str, str]
    person_id: int | None = None
    person_name: str = ""
    status: str = ""
    marked_at: str = ""  # ISO 8601
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class SheetPreview:
    file_name: str
    file_hash: str
    rows: list[SheetRow]

    @property
    def good(self) -> int:
        return sum(row.ok for row in self.rows)

    def as_session(self) -> dict[str, Any]:
        return {"file_name": self.file_name, "file_hash": self.file_hash, "rows": [asdict(r) for r in self.rows]}

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> "SheetPreview":
        return cls(data["file_name"], data["file_hash"], [SheetRow(**row) for row in data["rows"]])


def problem_message(problem: Mapping[str, Any]) -> str:
    return str(PROBLEM_MESSAGES[problem["code"]]) % problem["params"]


def _map_columns(headers: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = HEADERS.get(_key(header))
        if column is not None and column not in positions:
            positions[column] = index
    if "status" not in positions or not ({"email", "name"} & set(positions)):
        raise ValidationError(
            _(
                "The first row must name the columns: email (or name) and status, optionally time. "
                "For example: email, status, time."
            ),
            code="missing_columns",
        )
    return positions


def _read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        table = read_table(data=data, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    except ValidationError as error:
        if error.code == "format":
            raise ValidationError(
                _("This file is neither CSV nor Excel (.xlsx). Save the sheet as CSV or .xlsx and upload it again."),
                code="format",
            ) from error
        raise
    positions = _map_columns(table.headers)
    return [
        (line, {column: cells[i] if i < len(cells) else "" for column, i in positions.items()})
        for line, cells in table.rows
    ]


def _parse_time(text: str, workshop: Workshop) -> dt.datetime | None:
    """'09:30', '9:30:15' on the workshop's day, or a full date and time, in the platform's zone."""
    text = text.strip().replace("T", " ")
    day = timezone.localtime(workshop.starts_at).date()
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            clock = dt.datetime.strptime(text, pattern).time()  # noqa: DTZ007 - a clock time, placed on the day below
        except ValueError:
            continue
        return timezone.make_aware(dt.datetime.combine(day, clock))
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _name_keys(person: Person) -> set[str]:
    names = {
        f"{person.family_name} {person.given_name}",
        f"{person.given_name} {person.family_name}",
        f"{person.given_name_latin} {person.family_name_latin}",
        f"{person.family_name_latin} {person.given_name_latin}",
    }
    return {_key(name) for name in names if _key(name)}


def sheet_preview(*, workshop: Workshop, data: bytes, file_name: str) -> SheetPreview:
    """Check every row of an uploaded sheet against the roster; writes nothing.
    ValidationError when the file as a whole is unusable. Three queries whatever its size."""
    records = _read(data)
    roster = list(roster_people(workshop=workshop))
    roster_ids = {member.pk for member in roster}
    by_name: dict[str, list[Person]] = {}
    for member in roster:
        for name_key in _name_keys(member):
            by_name.setdefault(name_key, []).append(member)
    emails = {values.get("email", "").strip().lower() for _line, values in records} - {""}
    by_email: dict[str, Person] = {
        str(getattr(found, "email_lower", "")): found
        for found in Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    default_time = workshop.starts_at
    day_start = timezone.localtime(workshop.starts_at).replace(hour=0, minute=0, second=0, microsecond=0)
    latest = timezone.now() + CLOCK_SKEW
    first_line: dict[int, int] = {}
    rows = []
    for line, values in records:
        row = SheetRow(line=line, values={column: values.get(column, "")[:200] for column in COLUMN_ALIASES})
        email, name = values.get("email", "").strip().lower(), values.get("name", "").strip()
        person: Person | None = None
        if email:
            person = by_email.get(email)
            if person is None:
                row.problems.append({"code": "unknown_email", "params": {"value": email[:80]}})
        elif name:
            matches = by_name.get(_key(name), [])
            if len(matches) == 1:
                person = matches[0]
            else:
                code = "ambiguous_name" if matches else "unknown_name"
                row.problems.append({"code": code, "params": {"value": name[:80]}})
        else:
            row.problems.append({"code": "person_missing", "params": {}})
        if person is not None:
            row.person_id, row.person_name = person.pk, person.full_name
            if person.pk not in roster_ids:
                row.problems.append({"code": "not_on_roster", "params": {}})
            elif person.pk in first_line:
                row.problems.insert(0, {"code": "duplicate", "params": {"line": first_line[person.pk]}})
            else:
                first_line[person.pk] = line
        status_text = values.get("status", "").strip()
        if not status_text:
            row.problems.append({"code": "status_missing", "params": {}})
        else:
            row.status = STATUS_LOOKUP.get(_key(status_text), "")
            if not row.status:
                row.problems.append({"code": "status_unknown", "params": {"value": status_text[:40]}})
        time_text = values.get("time", "").strip()
        marked_at = _parse_time(time_text, workshop) if time_text else default_time
        if marked_at is None:
            row.problems.append({"code": "time_invalid", "params": {"value": time_text[:40]}})
        elif not (day_start <= marked_at <= latest):
            row.problems.append({"code": "time_out_of_range", "params": {"value": time_text or str(marked_at)}})
        else:
            row.marked_at = marked_at.isoformat()
        rows.append(row)
    return SheetPreview(file_name=file_name[:200], file_hash=hashlib.sha256(data).hexdigest(), rows=rows)


@dataclass
class CommitReport:
    applied: int = 0
    superseded: int = 0
    duplicate: int = 0
    skipped: int = 0


def sheet_commit(*, workshop: Workshop, preview: SheetPreview, marked_by: Person) -> CommitReport:
    """Record the good rows of a previewed sheet, all or none (AttendanceRefused when the
    roster or the workshop changed since the preview). The same file again is a no-op."""
    report = CommitReport()
    people = Person.objects.in_bulk([row.person_id for row in preview.rows if row.ok and row.person_id])
    with transaction.atomic():
        for row in preview.rows:
            person = people.get(row.person_id) if row.ok and row.person_id else None
            if person is None:
                report.skipped += 1
                continue
            result = attendance_mark(
                workshop=workshop,
                person=person,
                status=row.status,
                source=AttendanceSource.PAPER,
                marked_at=dt.datetime.fromisoformat(row.marked_at),
                marked_by=marked_by,
                mark_id=uuid.uuid5(PAPER_NAMESPACE, f"{workshop.pk}:{preview.file_hash}:{row.line}"),
            )
            setattr(report, result.outcome, getattr(report, result.outcome) + 1)
    return report


def too_large(size: int) -> ValidationError:
    return too_large_error(size=size, limit=MAX_BYTES)
