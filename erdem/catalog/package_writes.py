"""Writing a checked course package into the database and the file storage.

Called inside the import's transaction once every check has passed. Units are matched by key
(erdem.catalog.units): a matched unit is updated, a new one created, and nothing the package does
not mention is deleted. Files are stored only when their content differs from what is stored; a
file written by an import that then fails is removed again, and a file an import replaced is
removed once the import is committed and no row points at it.
"""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from erdem.assessments.models import Choice, Question, Quiz
from erdem.assignments.models import Assignment, Criterion, Level
from erdem.catalog.media_services import image_dimensions
from erdem.catalog.models import (
    Course,
    Lesson,
    LessonAttachment,
    LessonImage,
    LessonMedia,
    LessonMediaTranslation,
    Module,
    TranslationStatus,
)
from erdem.catalog.package_manifest import Problem
from erdem.catalog.unit_status import translation_problems
from erdem.catalog.units import (
    KINDS,
    Unit,
    assignment_units,
    choice_key,
    course_units,
    criterion_key,
    field_id,
    lesson_key,
    level_key,
    question_key,
    quiz_units,
    translation_save,
)

# Every stored file a row can point at, to tell whether a replaced file is still in use.
FILE_FIELDS = (
    (LessonMedia, "file"),
    (LessonMedia, "low_bandwidth_file"),
    (LessonMediaTranslation, "captions"),
    (LessonImage, "file"),
    (LessonAttachment, "file"),
)


@dataclass
class Change:
    key: str
    kind: str
    action: str  # "created", "updated", "unchanged", "kept"
    language: str = ""
    text: str = ""  # the unit's first text in `language`, to recognise it by


@dataclass(kw_only=True)
class ImportReport:
    """What an import (a package or a translation file) does or would do, and what stands in its way."""

    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.blocking]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.blocking]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged") + self.count("kept")


@dataclass
class Writer:
    """One import's writes: the units by key, what it changed, and the files it stored or let go."""

    manifest: dict[str, Any]
    content: dict[str, dict[str, dict[str, Any]]]
    files: dict[str, File]  # path in the package -> its content
    file_kinds: dict[str, str]  # path in the package -> the kind sniffed from its content
    captions: dict[tuple[str, str], str]  # (language, media key) -> path of its WebVTT file in the package
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, message) found while writing
    units: dict[str, Unit] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)

    def change(self, key: str, action: str, language: str = "", text: str = "") -> None:
        self.changes.append(Change(key, self.units[key].kind.name, action, language, text))

    def store(self, obj: Any, field_name: str, file: File) -> None:
        """Point `obj`'s file field at `file`'s content (stored now, or not at all in a preview)."""
        field_file = getattr(obj, field_name)
        if field_file.name:
            self.released.append(field_file.name)
        file.seek(0)
        if self.dry_run:
            field_file.name = f"catalog/preview/{uuid.uuid4().hex}"  # nothing is stored; the preview rolls back
        else:
            field_file.save(file.name or "file", file, save=False)
            self.written.append(field_file.name)

    def forget_written(self) -> None:
        """The import failed: remove the files it stored."""
        for name in self.written:
            default_storage.delete(name)
        self.written = []

    def release_after_commit(self) -> None:
        names = [name for name in self.released if name]
        if names and not self.dry_run:
            transaction.on_commit(lambda: _delete_unused(names))


def _delete_unused(names: Iterable[str]) -> None:
    for name in names:
        if not any(model.objects.filter(Q(**{field_name: name})).exists() for model, field_name in FILE_FIELDS):
            default_storage.delete(name)


def same_content(field_file: Any, file: File) -> bool:
    """Whether the stored file already holds `file`'s bytes (sizes first, then SHA-256)."""
    if not field_file.name:
        return False
    try:
        if field_file.storage.size(field_file.name) != file.size:
            return False
        with field_file.storage.open(field_file.name, "rb") as stored:
            stored_digest = _digest(stored)
    except (FileNotFoundError, OSError):
        return False
    file.seek(0)
    return stored_digest == _digest(file)


def _digest(handle: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _save_changed(obj: Any, values: dict[str, Any]) -> str:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
        return "updated"
    return "unchanged"


# --- the course and its structure --------------------------------------------------------------------------


def course_write(
    writer: Writer, *, course: Course | None, programme_id: int, competencies: list[Any], institutions: list[Any]
) -> Course:
    fields = writer.manifest["course"]
    platform = [code for code, _name in settings.LANGUAGES]
    if course is None:
        course = Course.objects.create(
            programme_id=programme_id,
            code=fields["code"],
            level=fields["level"],
            workload_hours=fields["workload_hours"],
            languages=[code for code in platform if code in fields["languages"]],
            status=Course.Status.DRAFT,
        )
        action = "created"
    else:
        languages = [code for code in platform if code in course.languages or code in fields["languages"]]
        values = {"level": fields["level"], "workload_hours": fields["workload_hours"], "languages": languages}
        action = _save_changed(course, values)
    course.competencies.add(*competencies)
    course.authoring_institutions.add(*institutions)
    writer.units = {unit.key: unit for unit in course_units(course)}
    writer.change("course", action)
    _structure_write(writer, course)
    for media in writer.manifest.get("media", []):
        _media_write(writer, media)
    for image in writer.manifest.get("images", []):
        _image_write(writer, image)
    for attachment in writer.manifest.get("attachments", []):
        _attachment_write(writer, attachment)
    for quiz in writer.manifest.get("quizzes", []):
        _quiz_write(writer, quiz)
    for assignment in writer.manifest.get("assignments", []):
        _assignment_write(writer, assignment)
    _texts_write(writer)
    _captions_write(writer)
    writer.release_after_commit()
    return course


def _add(writer: Writer, key: str, kind: str, obj: Any) -> None:
    writer.units[key] = Unit(key, KINDS[kind], obj)
    writer.change(key, "created")


def _structure_write(writer: Writer, course: Course) -> None:
    for module_data in writer.manifest["modules"]:
        key = f"m{module_data['position']}"
        if key not in writer.units:
            _add(writer, key, "module", Module.objects.create(course=course, position=module_data["position"]))
        module = writer.units[key].obj
        for lesson_data in module_data["lessons"]:
            l_key = lesson_key(module_data["position"], lesson_data["position"])
            minutes = lesson_data["estimated_minutes"]
            if l_key not in writer.units:
                lesson = Lesson.objects.create(
                    module=module, position=lesson_data["position"], estimated_minutes=minutes
                )
                _add(writer, l_key, "lesson", lesson)
            elif _save_changed(writer.units[l_key].obj, {"estimated_minutes": minutes}) == "updated":
                writer.change(l_key, "updated")


# --- quizzes and practical assignments ----------------------------------------------------------------------


def _quiz_write(writer: Writer, data: dict[str, Any]) -> None:
    names = ("pass_mark", "attempt_limit", "time_limit_minutes", "feedback", "draw_count")
    values = {name: data[name] for name in names}
    key = data["key"]
    if key not in writer.units:
        quiz = Quiz.objects.create(lesson=writer.units[data["lesson"]].obj, **values)
        writer.units.update({unit.key: unit for unit in quiz_units(quiz, key)})
        writer.change(key, "created")
    else:
        quiz = writer.units[key].obj
        writer.change(key, _save_changed(quiz, values))
    for question_data in data["questions"]:
        q_key = question_key(key, question_data["position"])
        answer = question_data.get("numeric_answer")
        values = {
            "kind": question_data["kind"],
            "true_false_answer": question_data.get("true_false_answer"),
            "numeric_answer": None if answer is None else Decimal(answer),
            "numeric_tolerance": Decimal(question_data.get("numeric_tolerance", "0")),
        }
        if q_key not in writer.units:
            _add(writer, q_key, "question", Question.objects.create(quiz=quiz, position=question_data["position"],
                                                                    **values))  # fmt: skip
        elif writer.units[q_key].obj.kind != question_data["kind"]:
            message = _(
                "The question here is of the kind “%(here)s”, the package's of the kind “%(package)s”; "
                "a question's kind cannot change by import."
            ) % {"here": writer.units[q_key].obj.kind, "package": question_data["kind"]}
            writer.problems.append((f"manifest.json: {q_key}", message))
            del writer.units[q_key]
            continue
        else:
            writer.change(q_key, _save_changed(writer.units[q_key].obj, values))
        question = writer.units[q_key].obj
        for choice_data in question_data.get("choices", []):
            c_key = choice_key(q_key, choice_data["position"])
            correct = choice_data["is_correct"]
            if c_key not in writer.units:
                choice = Choice.objects.create(question=question, position=choice_data["position"], is_correct=correct)
                _add(writer, c_key, "choice", choice)
            else:
                writer.change(c_key, _save_changed(writer.units[c_key].obj, {"is_correct": correct}))


def _assignment_write(writer: Writer, data: dict[str, Any]) -> None:
    names = ("required", "max_files", "max_file_bytes", "max_total_bytes", "allowed_kinds")
    values = {name: data[name] for name in names}
    key = data["key"]
    if key not in writer.units:
        assignment = Assignment.objects.create(lesson=writer.units[data["lesson"]].obj, **values)
        writer.units.update({unit.key: unit for unit in assignment_units(assignment, key)})
        writer.change(key, "created")
    else:
        assignment = writer.units[key].obj
        writer.change(key, _save_changed(assignment, values))
    for criterion_data in data.get("criteria", []):
        c_key = criterion_key(key, criterion_data["position"])
        weight = criterion_data["weight"]
        if c_key not in writer.units:
            criterion = Criterion.objects.create(assignment=assignment, position=criterion_data["position"],
                                                 weight=weight)  # fmt: skip
            _add(writer, c_key, "criterion", criterion)
        else:
            writer.change(c_key, _save_changed(writer.units[c_key].obj, {"weight": weight}))
        criterion = writer.units[c_key].obj
        for level_data in criterion_data.get("levels", []):
            l_key = level_key(c_key, level_data["position"])
            points = level_data["points"]
            if l_key not in writer.units:
                level = Level.objects.create(criterion=criterion, position=level_data["position"], points=points)
                _add(writer, l_key, "level", level)
            else:
                writer.change(l_key, _save_changed(writer.units[l_key].obj, {"points": points}))


# --- media, images, files to download -----------------------------------------------------------------------


def _file_write(writer: Writer, obj: Any, field_name: str, path: str) -> bool:
    """Store the package's file `path` in `obj`'s field unless it already holds it; whether it changed."""
    file = writer.files[path]
    if same_content(getattr(obj, field_name), file):
        return False
    writer.store(obj, field_name, file)
    return True


def _media_write(writer: Writer, data: dict[str, Any]) -> None:
    key = data["key"]
    created = key not in writer.units
    media = LessonMedia(lesson=writer.units[data["lesson"]].obj) if created else writer.units[key].obj
    changed = (media.kind, media.position) != (data["kind"], data["position"])
    media.kind, media.position = data["kind"], data["position"]
    url, path = data.get("external_url") or "", data.get("file")
    if url:
        if media.file:
            writer.released.append(media.file.name)
            media.file, media.file_kind, media.file_size = "", "", None
            changed = True
        changed = changed or media.external_url != url
        media.external_url = url
    elif path and _file_write(writer, media, "file", path):
        media.file_kind, media.file_size, media.external_url = writer.file_kinds[path], writer.files[path].size, ""
        changed = True
    low = data.get("low_bandwidth_file")
    if low and _file_write(writer, media, "low_bandwidth_file", low):
        media.low_bandwidth_kind, media.low_bandwidth_size = writer.file_kinds[low], writer.files[low].size
        changed = True
    if created:
        media.save()
        _add(writer, key, "media", media)
    elif changed:
        media.save()
        writer.change(key, "updated")
    else:
        writer.change(key, "unchanged")


def _image_write(writer: Writer, data: dict[str, Any]) -> None:
    key, path = data["key"], data["file"]
    created = key not in writer.units
    image = LessonImage(lesson=writer.units[data["lesson"]].obj, key=data["name"]) if created else writer.units[key].obj
    if _file_write(writer, image, "file", path):
        file = writer.files[path]
        file.seek(0)
        image.width, image.height = image_dimensions(file.read(64 * 1024)) or (None, None)
        image.file_kind, image.file_size = writer.file_kinds[path], file.size
        image.save()
        if created:
            _add(writer, key, "image", image)
        else:
            writer.change(key, "updated")
    else:
        writer.change(key, "unchanged")


def _attachment_write(writer: Writer, data: dict[str, Any]) -> None:
    key, path = data["key"], data["file"]
    created = key not in writer.units
    attachment = LessonAttachment(lesson=writer.units[data["lesson"]].obj) if created else writer.units[key].obj
    changed = attachment.position != data["position"]
    attachment.position = data["position"]
    if _file_write(writer, attachment, "file", path):
        attachment.file_kind, attachment.file_size = writer.file_kinds[path], writer.files[path].size
        changed = True
    if created:
        attachment.save()
        _add(writer, key, "attachment", attachment)
    elif changed:
        attachment.save()
        writer.change(key, "updated")
    else:
        writer.change(key, "unchanged")


# --- texts -------------------------------------------------------------------------------------------------


def _texts_write(writer: Writer) -> None:
    for language, entries in writer.content.items():
        for key, entry in entries.items():
            unit = writer.units.get(key)
            if unit is None:  # a question whose kind conflicted, already reported
                continue
            texts = {name: entry.get(name, "") for name in unit.kind.fields}
            status = entry["status"]
            if status == TranslationStatus.MISSING and not any(texts.values()) and language in unit.translations:
                # An empty "missing" unit coming back never erases the text written here.
                writer.change(key, "kept", language)
                continue
            problems = translation_problems(kind=unit.kind.name, status=status, texts=texts)
            if problems:
                where = f"content/{language}/units.json"
                writer.problems += [(f"{where}: {field_id(key, name)}", message) for name, message in problems.items()]
                continue
            action = translation_save(unit, language=language, texts=texts, status=status)
            writer.change(key, action, language, next((text for text in texts.values() if text), ""))


def _captions_write(writer: Writer) -> None:
    for (language, key), path in writer.captions.items():
        unit, file = writer.units[key], writer.files[path]
        row = unit.translations.get(language)
        if row is None:
            status = writer.content.get(language, {}).get(key, {}).get("status", TranslationStatus.DRAFT)
            row = LessonMediaTranslation(media=unit.obj, language_code=language, status=status)
            unit.translations[language] = row
        if _file_write(writer, row, "captions", path):
            row.captions_size = file.size
            row.save()
            writer.change(key, "updated", language)
