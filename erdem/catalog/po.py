"""A course's texts for one language as a gettext PO file, and back.

`msgctxt` is the text's id ("m1.l2:body"), `msgid` the source text, `msgstr` the translation. A
text with no source text is left out (PO cannot carry an empty msgid); the XLIFF file has it.
The status travels twice: as an extracted comment `erdem-status: <status>`, which PO editors keep
untouched, and for machine drafts as the `fuzzy` flag, which translators clear when they accept
a text. Reading back:

    fuzzy, comment machine_draft / missing / none → machine_draft
    fuzzy, another comment                      → draft (someone flagged it for rework)
    not fuzzy, comment machine_draft / none     → draft (a person wrote or accepted it)
    not fuzzy, comment missing                  → draft if the text was written, else missing
    not fuzzy, another comment                   → that status
"""

import os
import re
import tempfile
from typing import Any

import polib
from django.utils.translation import gettext as _

from erdem.catalog.models import Course, TranslationStatus
from erdem.catalog.translation_files import (
    TRANSLATION_FILE_MAX_BYTES,
    ParsedEntry,
    TranslationFileError,
    course_entries,
    source_language,
)
from erdem.catalog.units import STATUSES

STATUS_COMMENT = "erdem-status: "
COURSE_HEADER = "X-Erdem-Course"


def po_export(*, course: Course, language: str) -> bytes:
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = {
        "Project-Id-Version": f"erdem course {course.code}",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        COURSE_HEADER: course.code,
        "X-Erdem-Source-Language": source_language(language),
    }
    for entry in course_entries(course, language=language):
        if not entry.source:
            continue
        catalogue.append(
            polib.POEntry(
                msgctxt=entry.id,
                msgid=entry.source,
                msgstr=entry.target,
                comment=f"{STATUS_COMMENT}{entry.status}",
                flags=["fuzzy"] if entry.status == TranslationStatus.MACHINE_DRAFT else [],
            )
        )
    return str(catalogue).encode("utf-8")


def _status(entry: Any) -> tuple[str | None, str | None]:
    """(status, problem) from the entry's flags and its status comment."""
    stated = None
    for line in (entry.comment or "").splitlines():
        if line.startswith(STATUS_COMMENT):
            stated = line.removeprefix(STATUS_COMMENT).strip()
            if stated not in STATUSES:
                return None, _("The comment names the status “%(status)s”, which does not exist.") % {
                    "status": stated[:40]
                }
    unsure = stated in (None, TranslationStatus.MISSING, TranslationStatus.MACHINE_DRAFT)
    if entry.fuzzy:
        return (TranslationStatus.MACHINE_DRAFT if unsure else TranslationStatus.DRAFT), None
    if stated == TranslationStatus.MISSING:
        return stated, None  # the import makes it a draft if the text was written in the file
    return (TranslationStatus.DRAFT if unsure else stated), None


def po_parse(data: bytes, *, course: Course, language: str) -> list[ParsedEntry]:
    """The entries of a PO file; TranslationFileError when the file as a whole is unusable."""
    if len(data) > TRANSLATION_FILE_MAX_BYTES:
        raise TranslationFileError(_("The file is too large for a translation file of one course."))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TranslationFileError(_("The file is not UTF-8 text; save it as UTF-8 and upload it again.")) from exc
    # polib reads a path or a text; a temporary file makes sure an uploaded text is never taken for a path.
    with tempfile.NamedTemporaryFile(suffix=".po", delete=False) as temporary:
        temporary.write(data)
    try:
        catalogue = polib.pofile(temporary.name, encoding="utf-8", wrapwidth=0)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        line = re.search(r"\(line (\d+)\)", str(exc))
        if line:
            message = _("The file is not a valid PO file (line %(line)s).") % {"line": line[1]}
        else:
            message = _("The file is not a valid PO file.")
        raise TranslationFileError(message) from exc
    finally:
        os.unlink(temporary.name)
    found = catalogue.metadata.get("Language", "").replace("-", "_").split("_")[0]
    if found != language:
        raise TranslationFileError(
            _("The file translates into “%(found)s”, not into “%(language)s”.")
            % {"found": found[:10] or "?", "language": language}
        )
    code = catalogue.metadata.get(COURSE_HEADER)
    if code and code != course.code:
        raise TranslationFileError(
            _("The file holds the texts of the course “%(code)s”, not of this one.") % {"code": code[:40]}
        )
    entries = []
    for po_entry in catalogue:
        if po_entry.obsolete:
            continue
        parsed = ParsedEntry(id=po_entry.msgctxt or "", target=po_entry.msgstr, status=None)
        if not po_entry.msgctxt:
            parsed.id = po_entry.msgid[:60]
            parsed.problems.append(_("The entry has no msgctxt, so it names no text of the course."))
        if po_entry.msgid_plural:
            parsed.problems.append(_("Course texts have no plural forms."))
        status, problem = _status(po_entry)
        if problem:
            parsed.problems.append(problem)
        parsed.status = status
        entries.append(parsed)
    if not entries:
        raise TranslationFileError(_("The file has no entries to import."))
    return entries
