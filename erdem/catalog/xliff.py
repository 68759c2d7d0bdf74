"""A course's texts for one language as XLIFF 2.0, and back.

One <unit> per translatable text, its id the text's id ("m1.l2:body"). Statuses travel on the
segment: XLIFF's `state` for tools, and `subState="erdem:<status>"` so that the exact status comes
back even where two of ours share one XLIFF state:

    missing → initial (no target) · machine_draft → initial · draft → translated ·
    reviewed → reviewed · published → final

Reading back, the subState wins while it agrees with the state; when a translator's tool changed
the state, the state wins (initial with a text reads as machine_draft). Files are parsed with
defusedxml: no DTDs, no entities, no network.
"""

from xml.etree import ElementTree as ET  # builds documents only; parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as xml_parse
from django.utils.translation import gettext as _

from erdem.catalog.models import Course, TranslationStatus
from erdem.catalog.translation_files import (
    TRANSLATION_FILE_MAX_BYTES,
    ParsedEntry,
    TranslationFileError,
    course_entries,
    source_language,
)
from erdem.catalog.units import STATUS_RANK, STATUSES

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SUBSTATE_PREFIX = "erdem:"

STATE_OF = {
    TranslationStatus.MISSING: "initial",
    TranslationStatus.MACHINE_DRAFT: "initial",
    TranslationStatus.DRAFT: "translated",
    TranslationStatus.REVIEWED: "reviewed",
    TranslationStatus.PUBLISHED: "final",
}
# A state a tool set, without a subState of ours that agrees with it.
STATUS_OF_STATE = {
    "initial": TranslationStatus.MACHINE_DRAFT,
    "translated": TranslationStatus.DRAFT,
    "reviewed": TranslationStatus.REVIEWED,
    "final": TranslationStatus.PUBLISHED,
}

ET.register_namespace("", NS)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def xliff_export(*, course: Course, language: str) -> bytes:
    source = source_language(language)
    root = ET.Element(_q("xliff"), {"version": "2.0", "srcLang": source, "trgLang": language})
    file = ET.SubElement(root, _q("file"), {"id": f"course-{course.code}", "original": f"erdem:course:{course.code}"})
    for entry in course_entries(course, language=language):
        unit = ET.SubElement(file, _q("unit"), {"id": entry.id, "name": f"{entry.unit.kind.name}/{entry.field}"})
        segment = ET.SubElement(
            unit,
            _q("segment"),
            {"state": STATE_OF[TranslationStatus(entry.status)], "subState": SUBSTATE_PREFIX + entry.status},
        )
        ET.SubElement(segment, _q("source"), {f"{{{XML_NS}}}space": "preserve"}).text = entry.source
        if entry.target or entry.status != TranslationStatus.MISSING:
            ET.SubElement(segment, _q("target"), {f"{{{XML_NS}}}space": "preserve"}).text = entry.target
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _status(state: str | None, sub_state: str | None) -> tuple[str | None, str | None]:
    """(status, problem) for one segment."""
    if state is not None and state not in STATUS_OF_STATE:
        return None, _("The state “%(state)s” is not an XLIFF 2.0 state.") % {"state": state[:40]}
    ours = None
    if sub_state and sub_state.startswith(SUBSTATE_PREFIX):
        ours = sub_state.removeprefix(SUBSTATE_PREFIX)
        if ours not in STATUSES:
            return None, _("The subState “%(value)s” names no status.") % {"value": sub_state[:60]}
    if ours is not None and (state is None or STATE_OF[TranslationStatus(ours)] == state):
        return ours, None
    if state is None:
        return None, None
    return STATUS_OF_STATE[state], None


# Annotations a tool may add around words (terms, comments): their text is kept, the markers dropped.
ANNOTATIONS = frozenset({_q("mrk"), _q("sm"), _q("em")})


def _plain_text(element: ET.Element | None) -> tuple[str, bool]:
    """The element's text without annotation markers, and whether it held inline codes (<ph>, <pc> …),
    which stand for markup of the source and which the course's plain texts cannot carry."""
    if element is None:
        return "", False
    codes = any(child.tag not in ANNOTATIONS for child in element.iter() if child is not element)
    return "".join(element.itertext()), codes


def xliff_parse(data: bytes, *, course: Course, language: str) -> list[ParsedEntry]:
    """The entries of an XLIFF 2.0 file; TranslationFileError when the file as a whole is unusable."""
    if len(data) > TRANSLATION_FILE_MAX_BYTES:
        raise TranslationFileError(_("The file is too large for a translation file of one course."))
    try:
        root = xml_parse(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        raise TranslationFileError(
            _("The file is not well-formed XML: %(error)s.") % {"error": str(exc)[:200]}
        ) from exc
    except DefusedXmlException as exc:
        raise TranslationFileError(
            _("The file declares a DTD or entities, which translation files may not hold.")
        ) from exc
    if root.tag != _q("xliff"):
        raise TranslationFileError(
            _("This is not an XLIFF 2.0 file (its root must be <xliff> in the namespace %(namespace)s).")
            % {"namespace": NS}
        )
    if root.get("version") not in ("2.0", "2.1"):
        raise TranslationFileError(
            _("The file is XLIFF version %(version)s; this site reads XLIFF 2.0.")
            % {"version": str(root.get("version"))[:10]}
        )
    if root.get("trgLang") != language:
        raise TranslationFileError(
            _("The file translates into “%(found)s”, not into “%(language)s”.")
            % {"found": str(root.get("trgLang"))[:10], "language": language}
        )
    if root.get("srcLang") != source_language(language):
        raise TranslationFileError(
            _("The file translates from “%(found)s”; translations into “%(language)s” are made from “%(source)s”.")
            % {"found": str(root.get("srcLang"))[:10], "language": language, "source": source_language(language)}
        )
    files = root.findall(_q("file"))
    if not files:
        raise TranslationFileError(_("The file has no <file> element."))
    for file in files:
        original = file.get("original", "")
        if original.startswith("erdem:course:") and original != f"erdem:course:{course.code}":
            raise TranslationFileError(
                _("The file holds the texts of the course “%(code)s”, not of this one.")
                % {"code": original.removeprefix("erdem:course:")[:40]}
            )
    entries = []
    for unit in root.iter(_q("unit")):
        entries.append(_unit_entry(unit))
    if not entries:
        raise TranslationFileError(_("The file has no units to import."))
    return entries


def _unit_entry(unit: ET.Element) -> ParsedEntry:
    unit_id = unit.get("id", "")
    entry = ParsedEntry(id=unit_id or _("(a unit without id)"), target="", status=None)
    segments = [child for child in unit if child.tag in (_q("segment"), _q("ignorable"))]
    texts: list[str] = []
    statuses: list[str] = []
    for part in segments:
        text, inline = _plain_text(part.find(_q("target")))
        if inline:
            entry.problems.append(_("The translation holds inline codes (<ph>, <pc> …); course texts are plain text."))
        texts.append(text)
        if part.tag == _q("segment"):
            status, problem = _status(part.get("state"), part.get("subState"))
            if problem:
                entry.problems.append(problem)
            elif status is not None:
                statuses.append(status)
    if not segments:
        entry.problems.append(_("The unit has no segment."))
    if not unit_id:
        entry.problems.append(_("The unit has no id."))
    entry.target = "".join(texts)
    if statuses:
        entry.status = min(statuses, key=STATUS_RANK.__getitem__)
    return entry
