"""Translation files: XLIFF 2.0 and PO for one course and language, and their way back."""

from typing import Any, cast
from xml.etree import ElementTree

import polib
import pytest
from defusedxml.ElementTree import fromstring as xml_parse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import ChoiceTranslation, QuestionTranslation
from erdem.assessments.tests.factories import mixed_quiz
from erdem.assignments.tests.factories import assignment_build
from erdem.catalog.models import Course, CourseTranslation, LessonTranslation, ModuleTranslation, TranslationStatus
from erdem.catalog.po import po_export, po_parse
from erdem.catalog.tests.factories import attachment_add, course_build, first_lesson, image_add, media_add
from erdem.catalog.translation_files import TranslationFileError, translations_import
from erdem.catalog.units import course_units
from erdem.catalog.xliff import NS, xliff_export, xliff_parse
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

PUBLISHED, DRAFT, MACHINE, REVIEWED, MISSING = (
    TranslationStatus.PUBLISHED,
    TranslationStatus.DRAFT,
    TranslationStatus.MACHINE_DRAFT,
    TranslationStatus.REVIEWED,
    TranslationStatus.MISSING,
)
X = f"{{{NS}}}"


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    """Every status among the English texts, and a unit with no English translation at all."""
    course = course_build(programme=programme, code="ai-301", modules=2, lessons=2)
    mixed_quiz(lesson=first_lesson(course))
    lessons = LessonTranslation.objects.filter(lesson__module__course=course, language_code="en").order_by(
        "lesson__module__position", "lesson__position"
    )
    for translation, status in zip(lessons, (MACHINE, DRAFT, REVIEWED, MISSING), strict=True):
        translation.status = status
        translation.save()
    second = LessonTranslation.objects.get(
        lesson__module__course=course, lesson__module__position=1, lesson__position=2, language_code="en"
    ).lesson
    media_add(second)
    image_add(second)
    attachment_add(second)
    assignment_build(lesson=second, criteria=2, levels=(1, 2))
    ModuleTranslation.objects.filter(module__course=course, module__position=2, language_code="en").delete()
    ChoiceTranslation.objects.filter(choice__question__quiz__lesson__module__course=course, language_code="en").update(
        status=MACHINE
    )
    return course


def _state(course: Course) -> dict[str, Any]:
    return {
        unit.key: {language: (unit.status(language), unit.texts(language)) for language in sorted(unit.translations)}
        for unit in course_units(course)
    }


def _import_xliff(course: Course, data: bytes, *, language: str = "en", dry_run: bool = False) -> Any:
    parsed = xliff_parse(data, course=course, language=language)
    return translations_import(course=course, language=language, file_format="xliff", parsed=parsed, dry_run=dry_run)


def _import_po(course: Course, data: bytes, *, language: str = "en", dry_run: bool = False) -> Any:
    parsed = po_parse(data, course=course, language=language)
    return translations_import(course=course, language=language, file_format="po", parsed=parsed, dry_run=dry_run)


def _messages(report: Any) -> str:
    return " | ".join(f"{problem.where}: {problem.message}" for problem in report.problems)


# --- XLIFF ---------------------------------------------------------------------------------------------------


def test_xliff_export_has_one_unit_per_text_with_state_and_substate(course: Course) -> None:
    root = xml_parse(xliff_export(course=course, language="en"))
    assert root.tag == f"{X}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "mn", "en")
    units = {unit.get("id"): unit for unit in root.iter(f"{X}unit")}
    assert {"course:title", "course:summary", "m1:title", "m1.l1:body", "m1.l1.quiz1:title"} <= set(units)
    assert "m1.l1.quiz1.q1.c2:text" in units
    assert "m1.l1.quiz1.q5:accepted_answer" in units
    assert {
        "m1.l2.media1:title",
        "m1.l2.media1:transcript",
        "m1.l2.image-chart:alt_text",
        "m1.l2.file1:title",
        "m1.l2.task1:instructions",
        "m1.l2.task1.crit2:description",
        "m1.l2.task1.crit2.lv2:descriptor",
    } <= set(units)

    def segment(unit_id: str) -> Any:
        return units[unit_id].find(f"{X}segment")

    assert (segment("m1.l1:title").get("state"), segment("m1.l1:title").get("subState")) == (
        "initial",
        "erdem:machine_draft",
    )
    assert segment("m1.l2:title").get("state") == "translated"
    assert segment("m2.l1:title").get("state") == "reviewed"
    assert (segment("course:title").get("state"), segment("course:title").get("subState")) == (
        "final",
        "erdem:published",
    )
    missing = segment("m2:title")
    assert (missing.get("state"), missing.get("subState")) == ("initial", "erdem:missing")
    assert missing.find(f"{X}target") is None
    assert missing.find(f"{X}source").text == "Модуль-2"
    assert segment("m1.l1:body").find(f"{X}source").text == "Сайн байна уу, **багш** аа."


def test_xliff_round_trip_unchanged_keeps_every_status_and_text(course: Course) -> None:
    before = _state(course)
    report = _import_xliff(course, xliff_export(course=course, language="en"))
    assert report.ok, _messages(report)
    assert report.updated == 0
    assert report.created == 0
    assert _state(course) == before


def test_xliff_translated_in_a_tool_comes_back_with_texts_and_states(course: Course) -> None:
    root = xml_parse(xliff_export(course=course, language="en"))
    units = {unit.get("id"): unit for unit in root.iter(f"{X}unit")}
    # A translator fills the missing module title and marks the machine draft as reviewed.
    segment = units["m2:title"].find(f"{X}segment")
    ElementTree.SubElement(segment, f"{X}target").text = "Module two"
    for text in ("title", "body"):  # a unit's status is the least advanced of its texts
        units[f"m1.l1:{text}"].find(f"{X}segment").set("state", "reviewed")
    data = ElementTree.tostring(root, encoding="unicode")
    report = _import_xliff(course, data.encode())
    assert report.ok, _messages(report)
    module = ModuleTranslation.objects.get(module__course=course, module__position=2, language_code="en")
    assert (module.title, module.status) == ("Module two", DRAFT)
    lesson = LessonTranslation.objects.get(
        lesson__module__course=course, lesson__module__position=1, lesson__position=1, language_code="en"
    )
    assert lesson.status == REVIEWED  # the tool's state wins over a subState that no longer agrees


def test_xliff_preview_writes_nothing(course: Course) -> None:
    data = xliff_export(course=course, language="en").decode().replace(">Basics<", ">Basics, revised<")
    before = _state(course)
    report = _import_xliff(course, data.encode(), dry_run=True)
    assert report.updated == 1
    assert _state(course) == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<xliff", "not well-formed"),
        (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>", "DTD or entities"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd"><xliff/>',
            "DTD or entities",
        ),
        (b"<xliff version='2.0'/>", "not an XLIFF 2.0 file"),
        (f'<xliff xmlns="{NS}" version="1.2" srcLang="mn" trgLang="en"/>'.encode(), "version 1.2"),
        (f'<xliff xmlns="{NS}" version="2.0" srcLang="en" trgLang="mn"/>'.encode(), "not into “en”"),
        (f'<xliff xmlns="{NS}" version="2.0" srcLang="en" trgLang="en"/>'.encode(), "translates from “en”"),
        (f'<xliff xmlns="{NS}" version="2.0" srcLang="mn" trgLang="en"/>'.encode(), "no <file>"),
        (
            f'<xliff xmlns="{NS}" version="2.0" srcLang="mn" trgLang="en"><file id="f" original="erdem:course:x"/>'
            f"</xliff>".encode(),
            "course “x”",
        ),
    ],
)
def test_malformed_or_hostile_xliff_is_refused(course: Course, data: bytes, expected: str) -> None:
    with pytest.raises(TranslationFileError) as error:
        xliff_parse(data, course=course, language="en")
    assert expected in " ".join(error.value.messages)


def _xliff(units: str) -> bytes:
    return (
        f'<xliff xmlns="{NS}" version="2.0" srcLang="mn" trgLang="en"><file id="f" original="erdem:course:ai-301">'
        f"{units}</file></xliff>"
    ).encode()


def test_problems_are_reported_per_unit_and_nothing_is_written(course: Course) -> None:
    before = _state(course)
    data = _xliff(
        '<unit id="course:title"><segment state="final"><source>x</source><target>Good title</target></segment></unit>'
        '<unit id="m9:title"><segment><source>x</source><target>Nowhere</target></segment></unit>'
        '<unit id="m1:title"><segment state="done"><source>x</source><target>y</target></segment></unit>'
        '<unit id="m1.l1:title"><segment state="translated" subState="erdem:lovely"><source>x</source>'
        "<target>y</target></segment></unit>"
        '<unit id="m1.l2:title"><segment><source>x</source><target>a <ph id="1"/> b</target></segment></unit>'
        f'<unit id="m2.l1:title"><segment><source>x</source><target>{"x" * 201}</target></segment></unit>'
        '<unit id="course:title"><segment><source>x</source><target>again</target></segment></unit>'
    )
    report = _import_xliff(course, data)
    messages = _messages(report)
    assert not report.ok
    assert "m9:title: This course has no text with this id." in messages
    assert "m1:title: The state “done” is not an XLIFF 2.0 state." in messages
    assert "m1.l1:title: The subState “erdem:lovely” names no status." in messages
    assert "m1.l2:title: The translation holds inline codes" in messages
    assert "m2.l1:title: is longer than 200 characters." in messages
    assert "course:title: This id appears twice in the file." in messages
    assert _state(course) == before


def test_segments_split_by_a_tool_are_joined(course: Course) -> None:
    data = _xliff(
        '<unit id="m1.l2:body"><segment state="translated"><source>a</source><target>First. </target></segment>'
        "<ignorable><source> </source><target></target></ignorable>"
        '<segment state="reviewed"><source>b</source><target>Second.</target></segment></unit>'
    )
    report = _import_xliff(course, data)
    assert report.ok, _messages(report)
    lesson = LessonTranslation.objects.get(
        lesson__module__course=course, lesson__module__position=1, lesson__position=2, language_code="en"
    )
    assert (lesson.body, lesson.status) == ("First. Second.", DRAFT)  # the least advanced state of its segments


def test_annotations_are_dropped_and_their_text_kept(course: Course) -> None:
    data = _xliff(
        '<unit id="course:title"><segment state="final"><source>x</source>'
        '<target>The <mrk id="m1" type="term">basics</mrk> of AI</target></segment></unit>'
    )
    report = _import_xliff(course, data)
    assert report.ok, _messages(report)
    assert CourseTranslation.objects.get(course=course, language_code="en").title == "The basics of AI"


def test_changed_links_are_a_warning(course: Course) -> None:
    lesson = LessonTranslation.objects.get(
        lesson__module__course=course, lesson__module__position=1, lesson__position=1, language_code="mn"
    )
    lesson.body = "Үзэх: [UNESCO](https://www.unesco.org/ai)"
    lesson.save()
    data = _xliff(
        '<unit id="m1.l1:body"><segment state="translated"><source>x</source>'
        "<target>See: [UNESCO](https://example.com/other)</target></segment></unit>"
    )
    report = _import_xliff(course, data)
    assert report.ok
    assert "links or images" in report.warnings[0].message


def test_an_empty_target_loses_nothing(course: Course) -> None:
    data = _xliff('<unit id="course:title"><segment state="final"><source>x</source><target></target></segment></unit>')
    report = _import_xliff(course, data)
    assert report.ok
    assert CourseTranslation.objects.get(course=course, language_code="en").title == "Basics"


# --- PO ------------------------------------------------------------------------------------------------------


def test_po_export_uses_msgctxt_fuzzy_and_a_status_comment(course: Course) -> None:
    catalogue = polib.pofile(po_export(course=course, language="en").decode())
    assert catalogue.metadata["Language"] == "en"
    assert catalogue.metadata["X-Erdem-Course"] == "ai-301"
    entries = {entry.msgctxt: entry for entry in catalogue}
    title = entries["m1.l1:title"]
    assert (title.msgid, title.msgstr, title.fuzzy, title.comment) == (
        "Хичээл 1.1",
        "Lesson 1.1",
        True,
        "erdem-status: machine_draft",
    )
    assert entries["m2.l1:title"].comment == "erdem-status: reviewed"
    assert not entries["m2.l1:title"].fuzzy
    assert (entries["m2:title"].msgstr, entries["m2:title"].comment) == ("", "erdem-status: missing")
    assert "m1.l1.quiz1.q1.c1:text" in entries


def test_po_round_trip_unchanged_keeps_every_status_and_text(course: Course) -> None:
    before = _state(course)
    report = _import_po(course, po_export(course=course, language="en"))
    assert report.ok, _messages(report)
    assert report.updated == 0
    assert _state(course) == before


def test_po_edited_in_an_editor(course: Course) -> None:
    catalogue = polib.pofile(po_export(course=course, language="en").decode())
    entries = {entry.msgctxt: entry for entry in catalogue}
    entries["m1.l1:title"].flags.remove("fuzzy")  # the translator accepts the machine draft
    entries["m1.l1:title"].msgstr = "Lesson one"
    entries["m2:title"].msgstr = "Module two"  # fills the missing title
    entries["m2.l1:title"].flags.append("fuzzy")  # flags a reviewed text for rework
    entries["m1.l1.quiz1.q5:accepted_answer"].msgstr = "UB"
    report = _import_po(course, str(catalogue).encode())
    assert report.ok, _messages(report)
    statuses = {
        (t.lesson.module.position, t.lesson.position): (t.title, t.status)
        for t in LessonTranslation.objects.filter(lesson__module__course=course, language_code="en")
    }
    assert statuses[(1, 1)] == ("Lesson one", DRAFT)
    assert statuses[(2, 1)][1] == DRAFT
    module = ModuleTranslation.objects.get(module__course=course, module__position=2, language_code="en")
    assert (module.title, module.status) == ("Module two", DRAFT)
    question = QuestionTranslation.objects.get(question__position=5, language_code="en")
    assert question.accepted_answer == "UB"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'msgid "a"\nmsgstr "b"\nthis is garbage\n', "not a valid PO file (line 3)"),
        (b'msgid ""\nmsgstr ""\n"Language: mn\\n"\n\nmsgctxt "course:title"\nmsgid "a"\nmsgstr "b"\n', "“mn”"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (
            b'msgid ""\nmsgstr ""\n"Language: en\\n"\n"X-Erdem-Course: other\\n"\n\nmsgctxt "course:title"\n'
            b'msgid "a"\nmsgstr "b"\n',
            "course “other”",
        ),
        (b"/etc/passwd", "not a valid PO file"),  # taken as the file's text, never as a path
    ],
)
def test_malformed_po_is_refused(course: Course, data: bytes, expected: str) -> None:
    with pytest.raises(TranslationFileError) as error:
        po_parse(data, course=course, language="en")
    assert expected in " ".join(error.value.messages)


def test_po_problems_per_entry(course: Course) -> None:
    before = _state(course)
    data = (
        b'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        b'msgctxt "m42:title"\nmsgid "a"\nmsgstr "b"\n\n'
        b'#. erdem-status: splendid\nmsgctxt "m1:title"\nmsgid "a"\nmsgstr "b"\n\n'
        b'msgid "no context"\nmsgstr "c"\n\n'
        b'#. erdem-status: draft\nmsgctxt "m1.l1.quiz1.q5:accepted_pattern"\nmsgid "a"\nmsgstr "(a+)+"\n'
    )
    report = _import_po(course, data)
    messages = _messages(report)
    assert "m42:title: This course has no text with this id." in messages
    assert "m1:title: The comment names the status “splendid”" in messages
    assert "no context: The entry has no msgctxt" in messages
    assert "accepted_pattern: A pattern may not repeat a group" in messages
    assert _state(course) == before


def test_mongolian_target_round_trip(course: Course) -> None:
    """Exporting into Mongolian uses English as the source, and brings the Cyrillic back intact."""
    before = _state(course)
    assert _import_po(course, po_export(course=course, language="mn"), language="mn").ok
    assert _import_xliff(course, xliff_export(course=course, language="mn"), language="mn").ok
    assert _state(course) == before


def test_course_team_role_is_not_needed_by_the_services(programme: Programme) -> None:
    """The services take a course; who may call them is the views' business (tested in test_packages)."""
    person_with_role(Role.EDUCATOR, programme=programme)
    course = course_build(programme=programme, code="plain")
    assert xliff_export(course=course, language="en").startswith(b"<?xml")


def test_a_lesson_cannot_be_marked_final_without_its_text(course: Course) -> None:
    lesson = course.modules.get(position=1).lessons.get(position=1)
    LessonTranslation.objects.filter(lesson=lesson, language_code="en").update(body="", status=TranslationStatus.DRAFT)
    before = _state(course)
    data = _xliff(
        '<unit id="m1.l1:title"><segment state="final" subState="erdem:published"><source>x</source>'
        "<target>A title, but the lesson has no text in English</target></segment></unit>"
    )
    report = _import_xliff(course, data)
    assert not report.ok
    assert "m1.l1:body: A reviewed or published lesson needs its text" in _messages(report)
    assert _state(course) == before
