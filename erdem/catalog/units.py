"""A course as a list of translatable units, each with a key that packages and translation files share.

A unit is one row with texts (the course, a module, a lesson, a lesson's media, images and files,
a quiz and its questions and choices, a practical assignment and its rubric) and its translation
rows, one per language. Its key is built from positions, so the same course exported from two
instances gives the same keys:

    course · m1 (module at position 1) · m1.l2 (lesson 2 of it) ·
    m1.l2.media1 / m1.l2.file1 (the lesson's first medium / file to download, in their order) ·
    m1.l2.image-<key> (the image the lesson's text shows as image:<key>) ·
    m1.l2.quiz1 (the lesson's first quiz, in creation order) · m1.l2.quiz1.q3 (question at position 3) ·
    m1.l2.quiz1.q3.c2 (choice 2) · m1.l2.task1 (the lesson's first practical assignment) ·
    m1.l2.task1.crit2 (rubric criterion 2) · m1.l2.task1.crit2.lv3 (its level 3)

Quizzes and assignments live in apps that build on the catalogue; this module (and the package and
translation-file modules using it) reads and writes them, and nothing in those apps imports it back.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Prefetch

from erdem.assessments.models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz, QuizTranslation
from erdem.assignments.models import (
    Assignment,
    AssignmentTranslation,
    Criterion,
    CriterionTranslation,
    Level,
    LevelTranslation,
)
from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonAttachment,
    LessonAttachmentTranslation,
    LessonImage,
    LessonImageTranslation,
    LessonMedia,
    LessonMediaTranslation,
    LessonTranslation,
    Module,
    ModuleTranslation,
    TranslationStatus,
)


@dataclass(frozen=True)
class UnitKind:
    name: str
    translation_model: type[models.Model]
    parent_field: str  # the translation row's foreign key to the unit
    fields: tuple[str, ...]  # the translatable texts, in the order translators see them


KINDS: dict[str, UnitKind] = {
    kind.name: kind
    for kind in (
        UnitKind("course", CourseTranslation, "course", ("title", "summary")),
        UnitKind("module", ModuleTranslation, "module", ("title",)),
        UnitKind("lesson", LessonTranslation, "lesson", ("title", "body")),
        UnitKind("quiz", QuizTranslation, "quiz", ("title", "instructions")),
        UnitKind("question", QuestionTranslation, "question", ("text", "accepted_answer", "accepted_pattern")),
        UnitKind("choice", ChoiceTranslation, "choice", ("text",)),
        UnitKind("media", LessonMediaTranslation, "media", ("title", "transcript")),
        UnitKind("image", LessonImageTranslation, "image", ("alt_text",)),
        UnitKind("attachment", LessonAttachmentTranslation, "attachment", ("title",)),
        UnitKind("assignment", AssignmentTranslation, "assignment", ("title", "instructions")),
        UnitKind("criterion", CriterionTranslation, "criterion", ("name", "description")),
        UnitKind("level", LevelTranslation, "level", ("name", "descriptor")),
    )
}

_LESSON = r"m\d+\.l\d+"
_QUIZ = _LESSON + r"\.quiz\d+"
_TASK = _LESSON + r"\.task\d+"
KEY_PATTERNS = {
    "course": re.compile(r"course"),
    "module": re.compile(r"m\d+"),
    "lesson": re.compile(_LESSON),
    "quiz": re.compile(_QUIZ),
    "question": re.compile(_QUIZ + r"\.q\d+"),
    "choice": re.compile(_QUIZ + r"\.q\d+\.c\d+"),
    "media": re.compile(_LESSON + r"\.media\d+"),
    "image": re.compile(_LESSON + r"\.image-[-A-Za-z0-9_]+"),
    "attachment": re.compile(_LESSON + r"\.file\d+"),
    "assignment": re.compile(_TASK),
    "criterion": re.compile(_TASK + r"\.crit\d+"),
    "level": re.compile(_TASK + r"\.crit\d+\.lv\d+"),
}


def unit_kind_of(key: str) -> str | None:
    """The kind of unit a key names, or None when it is not a unit key."""
    return next((kind for kind, pattern in KEY_PATTERNS.items() if pattern.fullmatch(key)), None)


STATUSES = tuple(TranslationStatus.values)
# From least to most advanced; a unit whose fields disagree takes the least advanced status.
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}


@dataclass
class Unit:
    key: str
    kind: UnitKind
    obj: Any
    translations: dict[str, Any] = field(default_factory=dict)  # language code -> translation row

    def texts(self, language: str) -> dict[str, str]:
        row = self.translations.get(language)
        return {name: (getattr(row, name) if row is not None else "") for name in self.kind.fields}

    def status(self, language: str) -> str:
        row = self.translations.get(language)
        return str(row.status) if row is not None else TranslationStatus.MISSING


def module_key(module: Module) -> str:
    return f"m{module.position}"


def lesson_key(module_position: int, lesson_position: int) -> str:
    return f"m{module_position}.l{lesson_position}"


def quiz_key(lesson_key_: str, ordinal: int) -> str:
    return f"{lesson_key_}.quiz{ordinal}"


def question_key(quiz_key_: str, position: int) -> str:
    return f"{quiz_key_}.q{position}"


def choice_key(question_key_: str, position: int) -> str:
    return f"{question_key_}.c{position}"


def media_key(lesson_key_: str, ordinal: int) -> str:
    return f"{lesson_key_}.media{ordinal}"


def image_key(lesson_key_: str, key: str) -> str:
    return f"{lesson_key_}.image-{key}"


def attachment_key(lesson_key_: str, ordinal: int) -> str:
    return f"{lesson_key_}.file{ordinal}"


def assignment_key(lesson_key_: str, ordinal: int) -> str:
    return f"{lesson_key_}.task{ordinal}"


def criterion_key(assignment_key_: str, position: int) -> str:
    return f"{assignment_key_}.crit{position}"


def level_key(criterion_key_: str, position: int) -> str:
    return f"{criterion_key_}.lv{position}"


def field_id(key: str, field_name: str) -> str:
    """The id of one translatable text in XLIFF and PO files: "m1.l2:body"."""
    return f"{key}:{field_name}"


def _by_language(rows: Any) -> dict[str, Any]:
    return {row.language_code: row for row in rows}


def _by_lesson(queryset: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in queryset:
        grouped[row.lesson_id].append(row)
    return grouped


def course_units(course: Course) -> list[Unit]:
    """Every unit of `course` in reading order, with all its translation rows; a fixed number of
    queries (one per table) whatever the size of the course."""
    units = [Unit("course", KINDS["course"], course, _by_language(CourseTranslation.objects.filter(course=course)))]
    in_course = {"lesson__module__course": course}
    modules = Module.objects.filter(course=course).order_by("position").prefetch_related("translations")
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in Lesson.objects.filter(module__course=course).order_by("position").prefetch_related("translations"):
        lessons[lesson.module_id].append(lesson)
    media = _by_lesson(
        LessonMedia.objects.filter(**in_course).order_by("position", "pk").prefetch_related("translations")
    )
    images = _by_lesson(LessonImage.objects.filter(**in_course).order_by("key").prefetch_related("translations"))
    attachments = _by_lesson(
        LessonAttachment.objects.filter(**in_course).order_by("position", "pk").prefetch_related("translations")
    )
    quizzes = _by_lesson(
        Quiz.objects.filter(**in_course)
        .order_by("pk")
        .prefetch_related(
            "translations",
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position").prefetch_related(
                    "translations",
                    Prefetch("choices", queryset=Choice.objects.order_by("position").prefetch_related("translations")),
                ),
            ),
        )
    )
    assignments = _by_lesson(
        Assignment.objects.filter(**in_course)
        .order_by("pk")
        .prefetch_related(
            "translations",
            Prefetch(
                "criteria",
                queryset=Criterion.objects.order_by("position").prefetch_related(
                    "translations",
                    Prefetch("levels", queryset=Level.objects.order_by("position").prefetch_related("translations")),
                ),
            ),
        )
    )
    for module in modules:
        units.append(Unit(module_key(module), KINDS["module"], module, _by_language(module.translations.all())))
        for lesson in lessons[module.pk]:
            key = lesson_key(module.position, lesson.position)
            units.append(Unit(key, KINDS["lesson"], lesson, _by_language(lesson.translations.all())))
            for ordinal, medium in enumerate(media[lesson.pk], start=1):
                units.append(
                    Unit(media_key(key, ordinal), KINDS["media"], medium, _by_language(medium.translations.all()))
                )
            for image in images[lesson.pk]:
                units.append(
                    Unit(image_key(key, image.key), KINDS["image"], image, _by_language(image.translations.all()))
                )
            for ordinal, attachment in enumerate(attachments[lesson.pk], start=1):
                translations = _by_language(attachment.translations.all())
                units.append(Unit(attachment_key(key, ordinal), KINDS["attachment"], attachment, translations))
            for ordinal, quiz in enumerate(quizzes[lesson.pk], start=1):
                units.extend(quiz_units(quiz, quiz_key(key, ordinal)))
            for ordinal, assignment in enumerate(assignments[lesson.pk], start=1):
                units.extend(assignment_units(assignment, assignment_key(key, ordinal)))
    return units


def assignment_units(assignment: Assignment, key: str) -> list[Unit]:
    units = [Unit(key, KINDS["assignment"], assignment, _by_language(assignment.translations.all()))]
    for criterion in assignment.criteria.all():
        c_key = criterion_key(key, criterion.position)
        units.append(Unit(c_key, KINDS["criterion"], criterion, _by_language(criterion.translations.all())))
        for level in criterion.levels.all():
            l_key = level_key(c_key, level.position)
            units.append(Unit(l_key, KINDS["level"], level, _by_language(level.translations.all())))
    return units


def quiz_units(quiz: Quiz, key: str) -> list[Unit]:
    units = [Unit(key, KINDS["quiz"], quiz, _by_language(quiz.translations.all()))]
    for question in quiz.questions.all():
        q_key = question_key(key, question.position)
        units.append(Unit(q_key, KINDS["question"], question, _by_language(question.translations.all())))
        for choice in question.choices.all():
            units.append(
                Unit(
                    choice_key(q_key, choice.position),
                    KINDS["choice"],
                    choice,
                    _by_language(choice.translations.all()),
                )
            )
    return units


def translation_save(unit: Unit, *, language: str, texts: dict[str, str], status: str) -> str:
    """Create or update `unit`'s row in `language`; "created", "updated" or "unchanged"."""
    row = unit.translations.get(language)
    if row is None:
        row = unit.kind.translation_model(language_code=language, status=status, **texts)
        setattr(row, unit.kind.parent_field, unit.obj)
        row.save()
        unit.translations[language] = row
        return "created"
    changed = [name for name, value in texts.items() if getattr(row, name) != value]
    if str(row.status) != status:
        changed.append("status")
    if not changed:
        return "unchanged"
    for name, value in texts.items():
        setattr(row, name, value)
    row.status = status
    row.save(update_fields=[*texts, "status", "updated_at"])
    return "updated"
