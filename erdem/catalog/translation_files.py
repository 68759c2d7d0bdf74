"""Translation files (XLIFF 2.0 and PO) for one course and one target language: what they share.

Every translatable text of the course is one entry, identified by `<unit key>:<field>` ("m1.l2:body",
see erdem.catalog.units). The source is the same text in the platform's other language. Statuses
are per unit and language in erdem; a file carries the unit's status on each of its texts, and
coming back a unit takes the least advanced status of its texts.

An import is checked as a whole first: any problem with an entry (an unknown id, an invalid
status, a text too long, markup the file format cannot carry) is reported per entry and nothing is
written. A text left empty in the file leaves the text here as it is: nothing is lost by a file
that was only partly translated.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from erdem.catalog.models import Course, TranslationStatus
from erdem.catalog.package_manifest import Problem, text_problems
from erdem.catalog.package_writes import Change, ImportReport
from erdem.catalog.unit_status import translation_problems
from erdem.catalog.units import STATUS_RANK, Unit, course_units, field_id, translation_save

TRANSLATION_FILE_MAX_BYTES = 10 * 1024 * 1024

# Links and images in Markdown: a translation must keep their addresses.
MARKDOWN_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")


class TranslationFileError(Exception):
    """The file as a whole cannot be used; `messages` say why, in the reader's language."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class Entry:
    """One text to translate, as exported."""

    id: str
    unit: Unit
    field: str
    source: str
    target: str
    status: str


@dataclass
class ParsedEntry:
    """One text as read back from a file."""

    id: str
    target: str
    status: str | None  # None: the file says nothing usable; the import decides from the text
    problems: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class TranslationReport(ImportReport):
    language: str
    file_format: str
    entries: int = 0


def source_language(language: str) -> str:
    """The language translators translate from: the platform's first other language."""
    return next(code for code, _name in settings.LANGUAGES if code != language)


def course_entries(course: Course, *, language: str) -> list[Entry]:
    """Every text of the course that has a source or a translation in `language`, in reading order."""
    source = source_language(language)
    entries = []
    for unit in course_units(course):
        sources, targets, status = unit.texts(source), unit.texts(language), unit.status(language)
        for name in unit.kind.fields:
            if sources[name] or targets[name]:
                entries.append(Entry(field_id(unit.key, name), unit, name, sources[name], targets[name], status))
    return entries


def link_targets(text: str) -> list[str]:
    return sorted(MARKDOWN_TARGET.findall(text))


def translations_import(
    *, course: Course, language: str, file_format: str, parsed: list[ParsedEntry], dry_run: bool
) -> TranslationReport:
    """Apply texts and statuses read from a translation file; nothing is written when any entry has
    a problem, or with `dry_run` (the report then says what the import would do)."""
    report = TranslationReport(language=language, file_format=file_format, entries=len(parsed))
    units = {unit.key: unit for unit in course_units(course)}
    source = source_language(language)
    by_unit: dict[str, list[tuple[str, ParsedEntry]]] = defaultdict(list)
    seen: set[str] = set()
    for entry in parsed:
        for message in entry.problems:
            report.problems.append(Problem(entry.id, message))
        if entry.id in seen:
            report.problems.append(Problem(entry.id, _("This id appears twice in the file.")))
            continue
        seen.add(entry.id)
        key, _sep, name = entry.id.rpartition(":")
        unit = units.get(key)
        if unit is None or name not in unit.kind.fields:
            report.problems.append(Problem(entry.id, _("This course has no text with this id.")))
            continue
        for message in text_problems(unit.kind.name, name, entry.target):
            report.problems.append(Problem(entry.id, message))
        source_text = unit.texts(source)[name]
        if entry.target and link_targets(entry.target) != link_targets(source_text):
            report.problems.append(
                Problem(
                    entry.id,
                    _("The links or images of the translation differ from those of the source text."),
                    blocking=False,
                )
            )
        by_unit[key].append((name, entry))
    if report.errors:
        return report
    with transaction.atomic():
        for key, fields in by_unit.items():
            unit = units[key]
            texts = unit.texts(language)
            statuses = []
            filled = False
            for name, entry in fields:
                if entry.target:
                    texts[name] = entry.target
                    filled = True
                if entry.status is not None:
                    statuses.append(entry.status)
            if not filled:
                continue  # nothing translated in the file: the unit stays as it is here
            status = min(statuses, key=STATUS_RANK.__getitem__) if statuses else TranslationStatus.DRAFT
            if status == TranslationStatus.MISSING and texts != unit.texts(language):
                status = TranslationStatus.DRAFT  # a text was written, so the unit is no longer missing
            problems = translation_problems(kind=unit.kind.name, status=status, texts=texts)
            if problems:
                report.problems += [Problem(field_id(key, name), message) for name, message in problems.items()]
                continue
            action = translation_save(unit, language=language, texts=texts, status=status)
            text = next((value for value in texts.values() if value), "")
            report.changes.append(Change(key, unit.kind.name, action, language, text))
        if dry_run or report.errors:
            transaction.set_rollback(True)
    return report


def changes_by_unit(report: TranslationReport) -> list[Change]:
    return [change for change in report.changes if change.action in ("created", "updated")]
