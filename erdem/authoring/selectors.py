"""Reads behind the authoring pages. Each runs a fixed number of queries whatever the size of
the course: one per table, texts of every status prefetched (authors see drafts too)."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from erdem.access.models import Role
from erdem.access.policy import grants_for
from erdem.assessments.models import Attempt, Choice, Question, Quiz
from erdem.authoring.services import Unit, translation_values, translation_version, unit_fields, unit_kind
from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonTranslation,
    Module,
    ModuleTranslation,
    TranslationStatus,
)
from erdem.catalog.translations import fallback_order
from erdem.catalog.unit_status import translation_progress
from erdem.core.i18n import LANGUAGE_CODES, language_name
from erdem.frameworks.models import Competency
from erdem.learning.models import LessonProgress
from erdem.programmes.models import Programme

# The order in which the progress table lists statuses: furthest along first.
STATUS_ORDER = (
    TranslationStatus.PUBLISHED,
    TranslationStatus.REVIEWED,
    TranslationStatus.MACHINE_DRAFT,
    TranslationStatus.DRAFT,
    TranslationStatus.MISSING,
)


def courses_editable_by(person: Any) -> QuerySet[Course]:
    """The courses `person` may edit: those whose team they are on, and every course of the
    programmes they administer nationally (all for a superuser). The same rule as
    `Action.COURSE_EDIT`, as a queryset."""
    if person is None or not person.is_authenticated or not person.is_active:
        return Course.objects.none()
    if person.is_superuser:
        return Course.objects.all()
    on_team = Course.team.through.objects.filter(course_id=OuterRef("pk"), person_id=person.pk)
    administered = grants_for(person).programme_ids(Role.NATIONAL_ADMIN)
    return Course.objects.filter(Q(programme_id__in=administered) | Exists(on_team))


def programmes_creating_courses(person: Any) -> QuerySet[Programme]:
    """The programmes in which `person` may create courses (`Action.COURSE_CREATE`)."""
    if person is None or not person.is_authenticated or not person.is_active:
        return Programme.objects.none()
    programmes = Programme.objects.order_by("-is_active", "-starts_on", "-pk")
    if person.is_superuser:
        return programmes
    return programmes.filter(pk__in=grants_for(person).programme_ids(Role.NATIONAL_ADMIN))


def author_title(translations: Any, language: str, default: str) -> str:
    """The title an author sees: in `language` whatever its status, else another language's, else `default`."""
    titles = {t.language_code: t.title for t in translations if t.title}
    return next((titles[code] for code in fallback_order(language) if code in titles), default)


# --- "My courses to edit" ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class LanguageProgress:
    language_code: str
    language_name: str
    counts: list[StatusCount]
    total: int

    @property
    def published(self) -> int:
        return next(c.count for c in self.counts if c.status == TranslationStatus.PUBLISHED)


@dataclass
class CourseProgress:
    course: Course
    title: str
    modules: int
    lessons: int
    languages: list[LanguageProgress]

    @property
    def by_status(self) -> list[tuple[str, list[int]]]:
        """The progress table turned a quarter: one row per status (its label, then its count in each
        language), so that it stays two or three columns wide on a phone."""
        if not self.languages:
            return []
        labels = [count.label for count in self.languages[0].counts]
        return [
            (label, [language.counts[index].count for language in self.languages]) for index, label in enumerate(labels)
        ]


def authoring_overview(*, person: Any, language: str) -> list[CourseProgress]:
    """The courses `person` may edit with, per offered language, how many of their units stand at
    each translation status: every unit, counted as the course's package page counts them
    (`translation_progress`). A fixed number of queries whatever the number of courses."""
    courses = list(
        courses_editable_by(person)
        .annotate(
            module_count=Count("modules", distinct=True),
            lesson_count=Count("modules__lessons", distinct=True),
        )
        .prefetch_related(
            Prefetch("translations", queryset=CourseTranslation.objects.only("course_id", "title", "language_code"))
        )
        .order_by("code")
    )
    progress = translation_progress(course_ids=[course.pk for course in courses], languages=LANGUAGE_CODES)
    labels = dict(TranslationStatus.choices)
    rows = []
    for course in courses:
        languages = []
        for code in _offered(course):
            counts = progress[course.pk][code]
            per_status = [StatusCount(status, str(labels[status]), counts[status]) for status in STATUS_ORDER]
            languages.append(LanguageProgress(code, language_name(code), per_status, sum(counts.values())))
        rows.append(
            CourseProgress(
                course=course,
                title=author_title(course.translations.all(), language, course.code),
                modules=course.module_count,
                lessons=course.lesson_count,
                languages=languages,
            )
        )
    return rows


def _offered(course: Course) -> list[str]:
    """The course's languages in the platform's order (unknown codes left out)."""
    return [code for code in LANGUAGE_CODES if code in course.languages]


# --- the structure editor --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitStatus:
    language_code: str
    status: str
    label: str


@dataclass
class LessonRow:
    lesson: Lesson
    title: str
    statuses: list[UnitStatus]
    learners_done: int
    attempts: int
    quiz_ids: list[int] = field(default_factory=list)
    is_first: bool = False
    is_last: bool = False


@dataclass
class ModuleRow:
    module: Module
    title: str
    statuses: list[UnitStatus]
    lessons: list[LessonRow] = field(default_factory=list)
    is_first: bool = False
    is_last: bool = False

    @property
    def learners_started(self) -> bool:
        return any(row.learners_done or row.attempts for row in self.lessons)


@dataclass
class CourseStructure:
    course: Course
    title: str
    statuses: list[UnitStatus]
    modules: list[ModuleRow]


def _statuses(translations: Any, languages: list[str]) -> list[UnitStatus]:
    labels = dict(TranslationStatus.choices)
    by_language = {t.language_code: t.status for t in translations}
    return [
        UnitStatus(code, status, str(labels[status]))
        for code in languages
        for status in [by_language.get(code, TranslationStatus.MISSING)]
    ]


def _title_fields(model: Any, parent: str) -> Any:
    return model.objects.only(parent, "language_code", "status", "title")


def course_structure(*, course: Course, language: str) -> CourseStructure:
    """The course's modules and lessons in order, each with its title for the author, its status
    per platform language, its quizzes and what learners have done in it. Seven queries."""
    languages = list(LANGUAGE_CODES)
    course_translations = list(_title_fields(CourseTranslation, "course_id").filter(course=course))
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position")
        .prefetch_related(Prefetch("translations", queryset=_title_fields(ModuleTranslation, "module_id")))
    )
    lessons = list(
        Lesson.objects.filter(module__course=course)
        .order_by("position")
        .prefetch_related(Prefetch("translations", queryset=_title_fields(LessonTranslation, "lesson_id")))
    )
    done = dict(
        LessonProgress.objects.filter(lesson__module__course=course)
        .values_list("lesson_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    attempts = dict(
        Attempt.objects.filter(quiz__lesson__module__course=course)
        .values_list("quiz__lesson_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    quiz_ids: dict[int, list[int]] = defaultdict(list)
    for lesson_id, quiz_id in (
        Quiz.objects.filter(lesson__module__course=course).order_by("pk").values_list("lesson_id", "pk")
    ):
        quiz_ids[lesson_id].append(quiz_id)
    rows = {
        module.pk: ModuleRow(
            module=module,
            title=author_title(
                module.translations.all(), language, _("Module %(number)s") % {"number": module.position}
            ),
            statuses=_statuses(module.translations.all(), languages),
        )
        for module in modules
    }
    for lesson in lessons:
        rows[lesson.module_id].lessons.append(
            LessonRow(
                lesson=lesson,
                title=author_title(
                    lesson.translations.all(), language, _("Lesson %(number)s") % {"number": lesson.position}
                ),
                statuses=_statuses(lesson.translations.all(), languages),
                learners_done=done.get(lesson.pk, 0),
                attempts=attempts.get(lesson.pk, 0),
                quiz_ids=quiz_ids.get(lesson.pk, []),
            )
        )
    ordered = list(rows.values())
    sequences: list[list[Any]] = [ordered, *(row.lessons for row in ordered)]
    for items in sequences:
        if items:
            items[0].is_first = True
            items[-1].is_last = True
    return CourseStructure(
        course=course,
        title=author_title(course_translations, language, course.code),
        statuses=_statuses(course_translations, languages),
        modules=ordered,
    )


# --- the side-by-side editor -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageText:
    """One language's stored text of a unit, with the version the editor's form carries."""

    language_code: str
    language_name: str
    status: str
    values: dict[str, str]
    version: str
    updated_at: Any


def unit_texts(*, unit: Unit) -> dict[str, LanguageText]:
    """The stored text of `unit` in every platform language (empty and missing where none). One query."""
    kind = unit_kind(unit)
    return language_texts(unit, kind.model.objects.filter(**{kind.parent_field: unit}))


def language_texts(unit: Unit, rows: Any) -> dict[str, LanguageText]:
    """`unit_texts` from the unit's translation rows, already read (prefetched)."""
    fields = unit_fields(unit)
    stored = {row.language_code: row for row in rows}
    texts = {}
    for code in LANGUAGE_CODES:
        row = stored.get(code)
        texts[code] = LanguageText(
            language_code=code,
            language_name=language_name(code),
            status=row.status if row else TranslationStatus.MISSING,
            values=translation_values(row, fields),
            version=translation_version(row, fields),
            updated_at=row.updated_at if row else None,
        )
    return texts


@dataclass
class QuizEditor:
    """A quiz with its questions and their choices, each unit with its stored text per language."""

    quiz: Quiz
    lesson_title: str
    texts: dict[str, LanguageText]
    questions: list[tuple[Question, dict[str, LanguageText], list[tuple[Choice, dict[str, LanguageText]]]]]


def quiz_editor(*, quiz: Quiz, language: str) -> QuizEditor:
    """Everything the quiz editor shows, in eight queries whatever the number of questions."""
    quiz = Quiz.objects.prefetch_related(
        "translations",
        "lesson__translations",
        Prefetch(
            "questions",
            queryset=Question.objects.order_by("position").prefetch_related(
                "translations",
                Prefetch("choices", queryset=Choice.objects.order_by("position").prefetch_related("translations")),
            ),
        ),
    ).get(pk=quiz.pk)
    questions = [
        (
            question,
            language_texts(question, question.translations.all()),
            [(choice, language_texts(choice, choice.translations.all())) for choice in question.choices.all()],
        )
        for question in quiz.questions.all()
    ]
    lesson_title = author_title(quiz.lesson.translations.all(), language, str(quiz.lesson.position))
    return QuizEditor(
        quiz=quiz, lesson_title=lesson_title, texts=language_texts(quiz, quiz.translations.all()), questions=questions
    )


def competencies_by_framework() -> list[tuple[str, list[Competency]]]:
    """Every competency, grouped under its framework's name. One query."""
    groups: dict[int, tuple[str, list[Competency]]] = {}
    for competency in Competency.objects.select_related("framework").order_by(
        "framework__pk", "dimension__position", "level__position", "code"
    ):
        groups.setdefault(competency.framework_id, (competency.framework.name, []))[1].append(competency)
    return list(groups.values())


# --- the preview -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FallbackUnit:
    """A unit a reader of the previewed language would not see in it: they would read `shown_in`
    instead, or nothing when the unit is published in no language."""

    kind: str
    title: str
    status_label: str
    shown_in: str


def preview_fallbacks(*, course: Course, language: str, lesson: Lesson | None = None) -> list[FallbackUnit]:
    """The units of the previewed page that are not published in `language`: the course, and the
    lesson's module and lesson (a lesson preview) or every module and lesson (a course preview)."""
    structure = course_structure(course=course, language=language)
    labels = dict(TranslationStatus.choices)
    published: dict[tuple[str, int], set[str]] = {}
    for model, parent, key in (
        (CourseTranslation, "course", "course_id"),
        (ModuleTranslation, "module__course", "module_id"),
        (LessonTranslation, "lesson__module__course", "lesson_id"),
    ):
        rows = model.objects.filter(**{parent: course}, status=TranslationStatus.PUBLISHED).values_list(
            key, "language_code"
        )
        for pk, code in rows:
            published.setdefault((model.__name__, pk), set()).add(code)

    def check(kind: str, model: Any, pk: int, title: str, statuses: list[UnitStatus]) -> FallbackUnit | None:
        codes = published.get((model.__name__, pk), set())
        if language in codes:
            return None
        other = next((code for code in fallback_order(language) if code in codes), None)
        status = next((s.status for s in statuses if s.language_code == language), TranslationStatus.MISSING)
        return FallbackUnit(kind, title, str(labels[status]), language_name(other) if other else "")

    units = [check(_("Course"), CourseTranslation, course.pk, structure.title, structure.statuses)]
    for module in structure.modules:
        lesson_rows = [row for row in module.lessons if lesson is None or row.lesson.pk == lesson.pk]
        if lesson is not None and not lesson_rows:
            continue
        units.append(check(_("Module"), ModuleTranslation, module.module.pk, module.title, module.statuses))
        units.extend(
            check(_("Lesson"), LessonTranslation, row.lesson.pk, row.title, row.statuses) for row in lesson_rows
        )
    return [unit for unit in units if unit is not None]
