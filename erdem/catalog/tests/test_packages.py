import datetime
import hashlib
import io
import json
import stat
import zipfile
from typing import Any, cast
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz
from erdem.assessments.tests.factories import mixed_quiz, question_add
from erdem.assignments.models import Assignment, Criterion, Level
from erdem.assignments.tests.factories import assignment_build
from erdem.catalog.held_uploads import upload_held, upload_hold, upload_release
from erdem.catalog.media_samples import mp3_silence, png_bar_chart, webvtt
from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonAttachment,
    LessonImage,
    LessonMedia,
    LessonTranslation,
    Module,
    ModuleTranslation,
    TranslationStatus,
)
from erdem.catalog.packages import (
    FORMAT_VERSION,
    MAX_COMPRESSION_RATIO,
    PACKAGE_MAX_ENTRIES,
    PackageError,
    course_package_export,
    course_package_import,
    package_read,
)
from erdem.catalog.tests.factories import attachment_add, course_build, first_lesson, image_add, media_add
from erdem.catalog.units import course_units
from erdem.frameworks.models import Competency
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

PUBLISHED, DRAFT, MACHINE, REVIEWED, MISSING = (
    TranslationStatus.PUBLISHED,
    TranslationStatus.DRAFT,
    TranslationStatus.MACHINE_DRAFT,
    TranslationStatus.REVIEWED,
    TranslationStatus.MISSING,
)


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def admin(programme: Programme) -> Person:
    return person_with_role(Role.NATIONAL_ADMIN, programme=programme)


@pytest.fixture
def course(programme: Programme) -> Course:
    course = course_build(programme=programme, code="ai-201", modules=2, lessons=2)
    course.competencies.add(*Competency.objects.order_by("pk")[:2])
    course.authoring_institutions.add(InstitutionFactory(code="num"), InstitutionFactory(code="msue"))
    lesson = first_lesson(course)
    quiz = mixed_quiz(lesson=lesson, pass_mark=80, attempt_limit=3, time_limit_minutes=20, draw_count=3)
    question_add(quiz, Question.Kind.SHORT_TEXT, accepted={"mn": "хиймэл оюун", "en": "ai"}, pattern="^a+i$")
    LessonTranslation.objects.filter(lesson__module__course=course, language_code="en").update(status=MACHINE)
    second = Lesson.objects.get(module__course=course, module__position=1, position=2)
    media_add(second)
    image_add(second)
    attachment_add(second)
    assignment_build(lesson=second, max_files=2, allowed_kinds=["pdf", "png"])
    return course


def _snapshot(course: Course) -> dict[str, Any]:
    """Everything a package carries, keyed by unit key: structure, settings, texts and statuses."""
    course.refresh_from_db()
    result: dict[str, Any] = {
        "course": (course.code, course.level, course.workload_hours, course.languages),
        "competencies": sorted(course.competencies.values_list("framework__code", "code")),
        "institutions": sorted(course.authoring_institutions.values_list("code", flat=True)),
    }
    for unit in course_units(course):
        obj = unit.obj
        structure: tuple[Any, ...] = ()
        if isinstance(obj, Lesson):
            structure = (obj.estimated_minutes,)
        elif isinstance(obj, Quiz):
            structure = (obj.pass_mark, obj.attempt_limit, obj.time_limit_minutes, obj.feedback, obj.draw_count)
        elif isinstance(obj, Question):
            structure = (obj.kind, obj.true_false_answer, obj.numeric_answer, obj.numeric_tolerance)
        elif isinstance(obj, Choice):
            structure = (obj.is_correct,)
        elif isinstance(obj, LessonMedia):
            structure = (obj.kind, obj.position, obj.external_url, obj.file_kind, _digest(obj.file),
                         obj.low_bandwidth_kind, _digest(obj.low_bandwidth_file))  # fmt: skip
        elif isinstance(obj, LessonImage):
            structure = (obj.key, obj.file_kind, obj.width, obj.height, _digest(obj.file))
        elif isinstance(obj, LessonAttachment):
            structure = (obj.position, obj.file_kind, obj.file_size, _digest(obj.file))
        elif isinstance(obj, Assignment):
            structure = (obj.required, obj.max_files, obj.max_file_bytes, obj.max_total_bytes, obj.allowed_kinds)
        elif isinstance(obj, Criterion):
            structure = (obj.weight,)
        elif isinstance(obj, Level):
            structure = (obj.points,)
        captions = {
            language: _digest(row.captions)
            for language, row in unit.translations.items()
            if getattr(row, "captions", None)
        }
        result[unit.key] = (
            structure,
            {language: (unit.status(language), unit.texts(language)) for language in sorted(unit.translations)},
            captions if isinstance(obj, LessonMedia) else {},
        )
    return result


def _digest(field_file: Any) -> str:
    if not field_file:
        return ""
    with field_file.storage.open(field_file.name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def _export(course: Course) -> bytes:
    return course_package_export(course=course).read()


def _zip(entries: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _edited(data: bytes, name: str, edit: Any) -> bytes:
    entries: dict[str, bytes | str] = dict(_entries(data))
    entries[name] = json.dumps(edit(json.loads(entries[name])), ensure_ascii=False)
    return _zip(entries)


def _import(data: bytes, person: Person, course: Course, *, dry_run: bool = False) -> Any:
    return course_package_import(data=data, person=person, course=course, dry_run=dry_run)


def _messages(report: Any) -> str:
    return " | ".join(f"{problem.where}: {problem.message}" for problem in report.problems)


# --- export --------------------------------------------------------------------------------------------------


def test_the_export_holds_manifest_texts_per_language_and_quizzes(course: Course) -> None:
    entries = _entries(_export(course))
    manifest = json.loads(entries["manifest.json"])
    assert manifest["format"] == "erdem-course-package"
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["course"]["code"] == "ai-201"
    assert manifest["course"]["authoring_institutions"] == ["msue", "num"]
    assert len(manifest["course"]["competencies"]) == 2
    assert [module["key"] for module in manifest["modules"]] == ["m1", "m2"]
    assert [lesson["key"] for lesson in manifest["modules"][1]["lessons"]] == ["m2.l1", "m2.l2"]
    quiz = manifest["quizzes"][0]
    assert (quiz["key"], quiz["lesson"], quiz["pass_mark"], quiz["draw_count"]) == ("m1.l1.quiz1", "m1.l1", 80, 3)
    assert [question["kind"] for question in quiz["questions"]] == [
        "single", "multiple", "true_false", "numeric", "short_text", "short_text"
    ]  # fmt: skip
    assert quiz["questions"][3]["numeric_answer"] == "12.5000"
    assert [choice["is_correct"] for choice in quiz["questions"][0]["choices"]] == [False, True, False]
    mn_units = json.loads(entries["content/mn/units.json"])
    en_units = json.loads(entries["content/en/units.json"])
    assert mn_units["units"]["course"] == {"status": "published", "title": "Үндэс", "summary": "Товч"}
    assert en_units["units"]["m1.l2"]["status"] == "machine_draft"
    assert "body" not in en_units["units"]["m1.l2"]
    assert entries["content/en/lessons/m1.l2.md"].decode() == "Hello, **teacher**."
    assert mn_units["units"]["m1.l1.quiz1.q6"]["accepted_answer"] == "хиймэл оюун"
    assert en_units["units"]["m1.l1.quiz1.q1.c2"] == {"status": "published", "text": "choice 1.2 [en]"}


# --- round trips ---------------------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_site_recreates_the_course(course: Course, admin: Person) -> None:
    data = _export(course)
    before = _snapshot(course)
    other_programme = course.programme
    Course.objects.filter(pk=course.pk).delete()
    assert not Quiz.objects.exists()
    # The package is imported from another course's page of the same programme, as a new course.
    host = course_build(programme=other_programme, code="host", modules=1, lessons=1)
    report = _import(data, admin, host)
    assert report.ok, _messages(report)
    assert report.creating
    imported = Course.objects.get(code="ai-201")
    assert imported.status == Course.Status.DRAFT
    assert _snapshot(imported) == before


def test_import_unchanged_changes_nothing(course: Course, admin: Person) -> None:
    before = _snapshot(course)
    report = _import(_export(course), admin, course)
    assert report.ok, _messages(report)
    assert not report.creating
    assert report.created == 0
    assert report.updated == 0
    assert _snapshot(course) == before


def test_export_edit_import_applies_the_changes(course: Course, admin: Person) -> None:
    data = _export(course)

    def edit_units(document: dict[str, Any]) -> dict[str, Any]:
        document["units"]["m2.l1"] = {"status": "reviewed", "title": "Lesson two-one, reviewed"}
        document["units"]["m3"] = {"status": "draft", "title": "A new module"}
        document["units"]["m3.l1"] = {"status": "draft", "title": "A new lesson"}
        document["units"]["m1.l1.quiz1.q1.c4"] = {"status": "draft", "text": "a fourth choice"}
        return document

    def edit_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["course"]["workload_hours"] = 12
        manifest["modules"].append(
            {"key": "m3", "position": 3, "lessons": [{"key": "m3.l1", "position": 1, "estimated_minutes": 25}]}
        )
        manifest["quizzes"][0]["pass_mark"] = 60
        manifest["quizzes"][0]["questions"][0]["choices"].append({"key": "m1.l1.quiz1.q1.c4", "position": 4,
                                                                  "is_correct": False})  # fmt: skip
        return manifest

    data = _edited(_edited(data, "content/en/units.json", edit_units), "manifest.json", edit_manifest)
    entries: dict[str, bytes | str] = dict(_entries(data))
    entries["content/en/lessons/m3.l1.md"] = "# New\n\nWritten elsewhere."
    preview = _import(_zip(entries), admin, course, dry_run=True)
    assert preview.ok, _messages(preview)
    assert not Module.objects.filter(course=course, position=3).exists()  # the preview wrote nothing
    report = _import(_zip(entries), admin, course)
    assert report.ok, _messages(report)
    assert (report.created, report.updated) == (preview.created, preview.updated)
    course.refresh_from_db()
    assert course.workload_hours == 12
    assert course.status == Course.Status.PUBLISHED  # an import never changes the course's status
    lesson = Lesson.objects.get(module__course=course, module__position=2, position=1)
    translation = lesson.translations.get(language_code="en")
    assert (translation.title, translation.status, translation.body) == (
        "Lesson two-one, reviewed",
        REVIEWED,
        "Hello, **teacher**.",  # the body file of the lesson came back unchanged
    )
    new_lesson = Lesson.objects.get(module__course=course, module__position=3, position=1)
    assert new_lesson.estimated_minutes == 25
    assert new_lesson.translations.get(language_code="en").body == "# New\n\nWritten elsewhere."
    assert Quiz.objects.get(lesson__module__course=course).pass_mark == 60
    assert ChoiceTranslation.objects.get(choice__position=4, language_code="en").text == "a fourth choice"
    # Units the package leaves out are kept: the Mongolian texts are untouched.
    assert lesson.translations.get(language_code="mn").status == PUBLISHED


def test_an_empty_missing_unit_never_erases_text_written_here(course: Course, admin: Person) -> None:
    def blank(document: dict[str, Any]) -> dict[str, Any]:
        document["units"]["course"] = {"status": "missing", "title": "", "summary": ""}
        return document

    report = _import(_edited(_export(course), "content/mn/units.json", blank), admin, course)
    assert report.ok, _messages(report)
    assert CourseTranslation.objects.get(course=course, language_code="mn").title == "Үндэс"


def test_a_question_cannot_change_kind(course: Course, admin: Person) -> None:
    def edit(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["quizzes"][0]["questions"][2]["kind"] = "numeric"
        return manifest

    before = _snapshot(course)
    report = _import(_edited(_export(course), "manifest.json", edit), admin, course)
    assert not report.ok
    assert "cannot change" in _messages(report)
    assert _snapshot(course) == before


def test_a_course_team_member_may_update_but_not_create(course: Course, programme: Programme) -> None:
    author = person_with_role(Role.TRAINER, programme=programme)
    course.team.add(author)
    assert _import(_export(course), author, course).ok

    def rename(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["course"]["code"] = "ai-201-copy"
        return manifest

    report = _import(_edited(_export(course), "manifest.json", rename), author, course)
    assert not report.ok
    assert "national administrators" in _messages(report)
    assert not Course.objects.filter(code="ai-201-copy").exists()


def test_a_package_of_another_existing_course_is_refused(course: Course, admin: Person, programme: Programme) -> None:
    other = course_build(programme=programme, code="other")
    report = _import(_export(other), admin, course)
    assert not report.ok
    assert "import it from that course" in _messages(report)


# --- hostile and broken packages -----------------------------------------------------------------------------


def _refused(course: Course, admin: Person, data: bytes, expected: str) -> None:
    before = _snapshot(course)
    count = Course.objects.count()
    report = _import(data, admin, course)
    assert not report.ok
    assert expected in _messages(report), _messages(report)
    assert _snapshot(course) == before
    assert Course.objects.count() == count


def test_not_a_zip(course: Course, admin: Person) -> None:
    _refused(course, admin, b"<html>hello</html>", "not a zip archive")
    _refused(course, admin, b"PK\x03\x04" + b"\x00" * 100, "damaged")


def test_zip_bomb_by_ratio(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["content/en/lessons/m1.l1.md"] = b" " * (MAX_COMPRESSION_RATIO * 10_000)
    _refused(course, admin, _zip(entries), "zip bomb")


def test_zip_bomb_by_total_size_declared_in_headers(course: Course, admin: Person) -> None:
    data = bytearray(_zip({"manifest.json": "{}", "content/en/lessons/m1.l1.md": "x" * 100}, compression=0))
    # Rewrite the central directory's "uncompressed size" of the second entry to 2 GB.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.infolist()[1]
    central = data.rfind(b"PK\x01\x02")
    size_offset = central + 24
    data[size_offset : size_offset + 4] = (2047 * 1024 * 1024).to_bytes(4, "little")
    assert info.filename == "content/en/lessons/m1.l1.md"
    _refused(course, admin, bytes(data), "unpacks to")


def test_too_many_entries(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = {f"content/en/lessons/m1.l{n}.md": "" for n in range(PACKAGE_MAX_ENTRIES + 1)}
    _refused(course, admin, _zip(entries, compression=zipfile.ZIP_STORED), "at most")


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../manifest.json", "content/../../x.md", "C:/windows/x", "content\\en\\units.json"]
)
def test_path_traversal_is_refused(course: Course, admin: Person, name: str) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries[name] = "x"
    _refused(course, admin, _zip(entries), "not a safe file name")


def test_symlinks_are_refused(course: Course, admin: Person) -> None:
    buffer = io.BytesIO(_export(course))
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("content/en/lessons/m1.l3.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    _refused(course, admin, buffer.getvalue(), "link or a special file")


def test_unknown_entries_are_refused(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["run.sh"] = "rm -rf /"
    _refused(course, admin, _zip(entries), "“run.sh” is not a file a course package may hold")


def test_a_package_zipped_again_inside_a_folder_is_read(course: Course, admin: Person) -> None:
    entries = {f"ai-201/{name}": content for name, content in _entries(_export(course)).items()}
    entries["__MACOSX/ai-201/._manifest.json"] = b"\x00\x05"
    assert _import(_zip(dict(entries)), admin, course).ok


def test_missing_manifest(course: Course, admin: Person) -> None:
    entries = dict(_entries(_export(course)))
    del entries["manifest.json"]
    _refused(course, admin, _zip(dict(entries)), "no manifest.json")


def test_manifest_not_json(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["manifest.json"] = "{'format': 1"
    _refused(course, admin, _zip(entries), "not valid JSON (line 1")


def test_wrong_format_and_version(course: Course, admin: Person) -> None:
    data = _export(course)
    _refused(course, admin, _edited(data, "manifest.json", lambda m: {**m, "format": "scorm"}), "not an erdem course")
    _refused(course, admin, _edited(data, "manifest.json", lambda m: {**m, "format_version": 2}), "version 2")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda m: m["course"].update(level="expert"), "manifest.json: course.level: must be one of"),
        (lambda m: m["course"].update(workload_hours="ten"), "course.workload_hours: must be a whole number"),
        (lambda m: m["course"].update(code="../x"), "course.code: must be a code"),
        (lambda m: m["course"].update(languages=["fr"]), "course.languages[0]: must be one of"),
        (lambda m: m["modules"][0]["lessons"][1].update(position=1), "modules[0].lessons: two entries have position"),
        (lambda m: m["modules"][0].update(key="intro"), "modules[0].key: must be “m1”"),
        (lambda m: m["quizzes"][0].update(lesson="m9.l9"), "quizzes[0].lesson: names no lesson"),
        (lambda m: m["quizzes"][0].update(pass_mark=101), "quizzes[0].pass_mark: must be a whole number from 0 to 100"),
        (lambda m: m["quizzes"][0]["questions"][3].update(numeric_answer="NaN"), "numeric_answer: must be a number"),
        (lambda m: m.update(modules={}), "manifest.json: modules: must be a list"),
    ],
)
def test_invalid_manifest_values_are_reported_where_they_are(
    course: Course, admin: Person, edit: Any, expected: str
) -> None:
    def apply(manifest: dict[str, Any]) -> dict[str, Any]:
        edit(manifest)
        return manifest

    _refused(course, admin, _edited(_export(course), "manifest.json", apply), expected)


def test_unknown_competency(course: Course, admin: Person) -> None:
    def edit(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["course"]["competencies"].append({"framework": "unesco-ai-cft", "code": "9.9"})
        return manifest

    _refused(course, admin, _edited(_export(course), "manifest.json", edit), "no competency “9.9”")


def test_unknown_institution_is_only_a_warning(course: Course, admin: Person) -> None:
    def edit(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["course"]["authoring_institutions"].append("nowhere-university")
        return manifest

    report = _import(_edited(_export(course), "manifest.json", edit), admin, course)
    assert report.ok
    assert "nowhere-university" in report.warnings[0].message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["units"].update({"m7": {"status": "draft", "title": "x"}}), "m7: is not a unit of the manifest"),
        (lambda d: d["units"]["m1"].update(status="final"), "m1.status: must be one of"),
        (lambda d: d["units"]["m1"].update(title="x" * 201), "m1.title: is longer than 200"),
        (lambda d: d["units"]["m1"].update(body="text"), "m1.body: is not a text of this unit"),
        (lambda d: d["units"]["m1.l1.quiz1.q6"].update(accepted_pattern="(a+)+"), "q6.accepted_pattern"),
        (lambda d: d.update(language="en"), "must be “mn”"),
    ],
)
def test_invalid_texts_are_reported(course: Course, admin: Person, edit: Any, expected: str) -> None:
    def apply(document: dict[str, Any]) -> dict[str, Any]:
        edit(document)
        return document

    _refused(course, admin, _edited(_export(course), "content/mn/units.json", apply), expected)


def test_package_read_rejects_a_body_without_its_unit(course: Course) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["content/mn/lessons/m9.l9.md"] = "orphan"
    with pytest.raises(PackageError, match="has no entry"):
        package_read(_zip(entries))


def test_question_texts_and_answers_round_trip(course: Course, admin: Person, programme: Programme) -> None:
    fields = ("language_code", "text", "accepted_answer", "accepted_pattern")
    before = sorted(QuestionTranslation.objects.values_list(*fields))
    data = _export(course)
    Course.objects.filter(pk=course.pk).delete()
    host = course_build(programme=programme, code="host")
    assert _import(data, admin, host).ok
    after = sorted(QuestionTranslation.objects.values_list(*fields))
    assert after == before


# --- the pages -----------------------------------------------------------------------------------------------


def _client(person: Person, language: str = "en") -> Client:
    client = Client()
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    Person.objects.filter(pk=person.pk).update(preferred_language=language)
    return client


def test_the_course_page_links_the_package_page_for_its_team_only(course: Course, programme: Programme) -> None:
    author = person_with_role(Role.TRAINER, programme=programme)
    course.team.add(author)
    link = reverse("catalog:package", args=[course.code])
    assert link in _client(author).get(reverse("catalog:course", args=[course.code])).content.decode()
    reader = person_with_role(Role.EDUCATOR, programme=programme)
    assert link not in _client(reader).get(reverse("catalog:course", args=[course.code])).content.decode()
    assert _client(reader).get(link).status_code == 403
    page = _client(author).get(link)
    assert page.status_code == 200
    assert "Where the translations stand" in page.content.decode()


def test_the_package_page_reads_as_many_queries_for_any_course(
    course: Course, admin: Person, programme: Programme
) -> None:
    """The same number of queries for a small course and a larger one."""
    client = _client(admin)
    bigger = course_build(programme=programme, code="bigger", modules=4, lessons=5)
    for lesson in Lesson.objects.filter(module__course=bigger)[:3]:
        mixed_quiz(lesson=lesson)
        media_add(lesson)
        image_add(lesson)
        attachment_add(lesson)
        assignment_build(lesson=lesson)
    counts = []
    for code in ("ai-201", "bigger"):
        client.get(reverse("catalog:package", args=[code]))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("catalog:package", args=[code])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 30  # one query per table of the course, whatever its size


def test_download_upload_preview_and_confirm(course: Course, admin: Person) -> None:
    client = _client(admin)
    response = client.get(reverse("catalog:package_export", args=[course.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ai-201-package.zip"'
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def edit(document: dict[str, Any]) -> dict[str, Any]:
        document["units"]["m1"] = {"status": "reviewed", "title": "Module one, revised"}
        return document

    upload = SimpleUploadedFile("ai-201.zip", _edited(data, "content/en/units.json", edit))
    preview = client.post(reverse("catalog:package_import", args=[course.code]), {"file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "The package updates the course “ai-201”." in page
    assert "<code>m1</code>" in page
    assert ModuleTranslation.objects.get(module__course=course, module__position=1, language_code="en").status == (
        PUBLISHED
    )
    token = preview.context["token"]
    # Another person cannot confirm it.
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=course.programme)
    refused = _client(other_admin).post(reverse("catalog:package_import", args=[course.code]), {"token": token})
    assert refused.status_code == 302
    assert ModuleTranslation.objects.get(module__course=course, module__position=1, language_code="en").status == (
        PUBLISHED
    )
    done = client.post(reverse("catalog:package_import", args=[course.code]), {"token": token})
    assert done.status_code == 302
    assert done["Location"] == reverse("catalog:course", args=[course.code])
    module = ModuleTranslation.objects.get(module__course=course, module__position=1, language_code="en")
    assert (module.title, module.status) == ("Module one, revised", REVIEWED)
    # The held file is gone once imported.
    again = client.post(reverse("catalog:package_import", args=[course.code]), {"token": token}, follow=True)
    assert "no longer available" in again.content.decode()


def test_a_hostile_package_shows_its_problems_in_mongolian(course: Course, admin: Person) -> None:
    client = _client(admin, "mn")
    upload = SimpleUploadedFile("evil.zip", _zip({"../../etc/cron.d/x": "boom", "manifest.json": "{}"}))
    response = client.post(reverse("catalog:package_import", args=[course.code]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "../../etc/cron.d/x" in page
    assert "аюулгүй" in page  # "not a safe file name", in Mongolian
    assert 'name="token"' not in page


def test_the_translation_pages_round_trip(course: Course, admin: Person) -> None:
    client = _client(admin)
    before = _snapshot(course)
    url = reverse("catalog:translation_export", args=[course.code])
    for file_format, extension in (("xliff", "xlf"), ("po", "po")):
        response = client.get(url, {"language": "en", "file_format": file_format})
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="ai-201-mn-en.{extension}"'
        upload = SimpleUploadedFile(f"whatever.{extension}", response.content)
        preview = client.post(
            reverse("catalog:translation_import", args=[course.code]), {"language": "en", "file": upload}
        )
        assert preview.status_code == 200
        assert preview.context["report"].ok
        done = client.post(
            reverse("catalog:translation_import", args=[course.code]),
            {"language": "en", "token": preview.context["token"]},
        )
        assert done.status_code == 302
    assert _snapshot(course) == before


def test_a_translation_file_for_the_wrong_language_is_refused_on_the_form(course: Course, admin: Person) -> None:
    client = _client(admin)
    data = client.get(
        reverse("catalog:translation_export", args=[course.code]), {"language": "en", "file_format": "xliff"}
    ).content
    response = client.post(
        reverse("catalog:translation_import", args=[course.code]),
        {"language": "mn", "file": SimpleUploadedFile("en.xlf", data)},
    )
    assert response.status_code == 200
    assert "not into “mn”" in response.content.decode()


def test_an_invalid_export_choice_shows_the_form_again(course: Course, admin: Person) -> None:
    response = _client(admin).get(
        reverse("catalog:translation_export", args=[course.code]), {"language": "fr", "file_format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "errorlist" in response.content.decode()


# --- media and practical assignments -------------------------------------------------------------------------


def test_the_export_holds_media_captions_and_assignments(course: Course) -> None:
    entries = _entries(_export(course))
    manifest = json.loads(entries["manifest.json"])
    media = manifest["media"][0]
    assert (media["key"], media["lesson"], media["kind"]) == ("m1.l2.media1", "m1.l2", "audio")
    assert media["file"] == "media/m1.l2.media1.mp3"
    assert media["low_bandwidth_file"] == "media/m1.l2.media1.low-bandwidth.mp3"
    assert entries["media/m1.l2.media1.mp3"] == mp3_silence(3)
    assert entries["content/mn/captions/m1.l2.media1.vtt"].startswith(b"WEBVTT")
    assert manifest["images"][0] == {"key": "m1.l2.image-chart", "lesson": "m1.l2", "name": "chart",
                                     "file": "media/m1.l2.image-chart.png"}  # fmt: skip
    assert manifest["attachments"][0]["file"] == "media/m1.l2.file1.pdf"
    task = manifest["assignments"][0]
    assert (task["key"], task["max_files"], task["allowed_kinds"]) == ("m1.l2.task1", 2, ["pdf", "png"])
    assert [c["weight"] for c in task["criteria"]] == [1, 2, 1]
    assert [level["points"] for level in task["criteria"][0]["levels"]] == [1, 2, 3]
    en = json.loads(entries["content/en/units.json"])["units"]
    assert en["m1.l2.media1"] == {"status": "published", "title": "en talk", "transcript": "**en** transcript"}
    assert en["m1.l2.image-chart"] == {"status": "published", "alt_text": "A chart"}
    assert en["m1.l2.task1.crit2.lv3"]["name"] == "Level 3 [en]"


def test_media_are_copied_only_when_they_changed(
    course: Course, admin: Person, django_capture_on_commit_callbacks: Any
) -> None:
    media = LessonMedia.objects.get(lesson__module__course=course)
    old_name = media.file.name
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["media/m1.l2.media1.mp3"] = mp3_silence(5)
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(_zip(entries), admin, course)
    assert report.ok, _messages(report)
    media.refresh_from_db()
    assert media.file.name != old_name
    assert media.file_size == len(mp3_silence(5))
    assert not media.file.storage.exists(old_name)  # the replaced file is removed after the commit
    changed = {change.key for change in report.changes if change.action == "updated"}
    assert changed == {"m1.l2.media1"}  # the image, the attachment and the low-bandwidth file were the same


def test_a_failed_import_leaves_no_stored_files(course: Course, admin: Person) -> None:
    media = LessonMedia.objects.get(lesson__module__course=course)
    storage = media.file.storage
    folder = media.file.name.rsplit("/", 1)[0]
    before = set(storage.listdir(folder)[1])
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["media/m1.l2.media1.mp3"] = mp3_silence(6)
    manifest = json.loads(entries["manifest.json"])
    manifest["quizzes"][0]["questions"][2]["kind"] = "numeric"  # found only while writing, after the media
    entries["manifest.json"] = json.dumps(manifest)
    report = _import(_zip(entries), admin, course)
    assert not report.ok
    assert set(storage.listdir(folder)[1]) == before


def test_media_failing_type_sniffing_are_refused(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["media/m1.l2.media1.mp3"] = b"<html><script>alert(1)</script></html>"
    _refused(course, admin, _zip(entries), "media/m1.l2.media1.mp3: ")
    entries = dict(_entries(_export(course)))
    entries["media/m1.l2.image-chart.png"] = mp3_silence(1)  # audio where an image must be
    _refused(course, admin, _zip(entries), "not a file of a kind accepted here")


def test_media_files_and_manifest_must_agree(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["media/extra.png"] = png_bar_chart([0.1], width=4, height=4)
    _refused(course, admin, _zip(entries), "media/extra.png: The manifest does not name this file.")
    entries = dict(_entries(_export(course)))
    del entries["media/m1.l2.file1.pdf"]
    _refused(course, admin, _zip(entries), "the package does not hold it")


def test_captions_must_be_webvtt(course: Course, admin: Person) -> None:
    entries: dict[str, bytes | str] = dict(_entries(_export(course)))
    entries["content/en/captions/m1.l2.media1.vtt"] = "1\n00:00:00,000 --> 00:00:02,000\nHello\n"
    _refused(course, admin, _zip(entries), "content/en/captions/m1.l2.media1.vtt: ")
    entries = dict(_entries(_export(course)))
    entries["content/en/captions/m1.l2.media7.vtt"] = webvtt([(0, 1, "Hi")])
    _refused(course, admin, _zip(entries), "There is no such medium in the manifest.")


def test_an_external_medium_must_be_https(course: Course, admin: Person) -> None:
    def edit(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["media"][0].update(file=None, low_bandwidth_file=None, external_url="http://example.com/v.mp4")
        return manifest

    entries: dict[str, bytes | str] = dict(_entries(_edited(_export(course), "manifest.json", edit)))
    del entries["media/m1.l2.media1.mp3"], entries["media/m1.l2.media1.low-bandwidth.mp3"]
    _refused(course, admin, _zip(entries), "media[0].external_url")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda m: m["assignments"][0].update(max_files=21), "assignments[0].max_files: must be a whole number"),
        (lambda m: m["assignments"][0].update(allowed_kinds=["exe"]), "allowed_kinds[0]: must be one of"),
        (lambda m: m["assignments"][0]["criteria"][0].update(weight=0), "criteria[0].weight"),
        (lambda m: m["assignments"][0]["criteria"][1].update(position=1), "criteria: two entries have position 1"),
    ],
)
def test_invalid_assignments_are_refused(course: Course, admin: Person, edit: Any, expected: str) -> None:
    def apply(manifest: dict[str, Any]) -> dict[str, Any]:
        edit(manifest)
        return manifest

    _refused(course, admin, _edited(_export(course), "manifest.json", apply), expected)


def test_an_edited_rubric_comes_back(course: Course, admin: Person) -> None:
    def edit_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["assignments"][0]["criteria"][0]["levels"][2]["points"] = 5
        manifest["assignments"][0]["criteria"].append(
            {"key": "m1.l2.task1.crit4", "position": 4, "weight": 3,
             "levels": [{"key": "m1.l2.task1.crit4.lv1", "position": 1, "points": 4}]}
        )  # fmt: skip
        return manifest

    def edit_units(document: dict[str, Any]) -> dict[str, Any]:
        document["units"]["m1.l2.task1.crit4"] = {"status": "draft", "name": "Originality", "description": ""}
        return document

    data = _edited(_edited(_export(course), "manifest.json", edit_manifest), "content/en/units.json", edit_units)
    report = _import(data, admin, course)
    assert report.ok, _messages(report)
    assignment = Assignment.objects.get(lesson__module__course=course)
    assert list(assignment.criteria.values_list("weight", flat=True)) == [1, 2, 1, 3]
    assert Level.objects.get(criterion__assignment=assignment, criterion__position=1, position=3).points == 5
    new = Criterion.objects.get(assignment=assignment, position=4)
    assert new.translations.get(language_code="en").name == "Originality"


# --- uploads held between preview and confirmation -----------------------------------------------------------


def test_a_held_upload_is_given_back_only_to_its_person_course_and_purpose(course: Course, admin: Person) -> None:
    token = upload_hold(file=io.BytesIO(b"package bytes"), person=admin, course_id=course.pk, purpose="package")
    other = person_with_role(Role.NATIONAL_ADMIN, programme=course.programme)
    assert upload_held(token, person=other, course_id=course.pk, purpose="package") is None
    assert upload_held(token, person=admin, course_id=course.pk + 1, purpose="package") is None
    assert upload_held(token, person=admin, course_id=course.pk, purpose="translations:en") is None
    assert upload_held(token + "x", person=admin, course_id=course.pk, purpose="package") is None
    held = upload_held(token, person=admin, course_id=course.pk, purpose="package")
    assert held is not None
    with held:
        assert held.read() == b"package bytes"
    upload_release(token)
    assert upload_held(token, person=admin, course_id=course.pk, purpose="package") is None


def test_held_uploads_older_than_a_day_are_removed(course: Course, admin: Person) -> None:
    old = upload_hold(file=io.BytesIO(b"old"), person=admin, course_id=course.pk, purpose="package")
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    with mock.patch("erdem.catalog.held_uploads.timezone.now", return_value=later):
        upload_hold(file=io.BytesIO(b"new"), person=admin, course_id=course.pk, purpose="package")
    # The token is still valid; the file behind it is gone.
    assert upload_held(old, person=admin, course_id=course.pk, purpose="package") is None


def test_a_national_admin_creates_a_course_from_a_package(course: Course, admin: Person, programme: Programme) -> None:
    def rename(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["course"]["code"] = "ai-201-khovd"
        return manifest

    client = _client(admin)
    upload = SimpleUploadedFile("copy.zip", _edited(_export(course), "manifest.json", rename))
    preview = client.post(reverse("catalog:package_import", args=[course.code]), {"file": upload})
    assert "The package creates the course “ai-201-khovd” as a draft in this programme." in preview.content.decode()
    assert not Course.objects.filter(code="ai-201-khovd").exists()
    done = client.post(reverse("catalog:package_import", args=[course.code]), {"token": preview.context["token"]})
    assert done["Location"] == reverse("catalog:course", args=["ai-201-khovd"])
    created = Course.objects.get(code="ai-201-khovd")
    assert (created.status, created.programme_id) == (Course.Status.DRAFT, programme.pk)
    assert LessonMedia.objects.filter(lesson__module__course=created).count() == 1
    assert client.get(done["Location"]).status_code == 200


def test_a_published_lesson_without_its_text_is_refused(course: Course, admin: Person) -> None:
    def edit_units(document: dict[str, Any]) -> dict[str, Any]:
        document["units"]["m3"] = {"status": "draft", "title": "A new module"}
        document["units"]["m3.l1"] = {"status": "published", "title": "A lesson with no text yet"}
        return document

    def edit_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
        manifest["modules"].append(
            {"key": "m3", "position": 3, "lessons": [{"key": "m3.l1", "position": 1, "estimated_minutes": 25}]}
        )
        return manifest

    before = _snapshot(course)
    data = _edited(_edited(_export(course), "content/en/units.json", edit_units), "manifest.json", edit_manifest)
    report = _import(data, admin, course)
    assert not report.ok
    assert "content/en/units.json: m3.l1:body" in _messages(report)
    assert "readers would get an empty lesson" in _messages(report)
    assert _snapshot(course) == before
