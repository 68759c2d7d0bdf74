"""Reads behind the catalogue, course and lesson pages.

Each page runs a fixed number of queries whatever the size of the course: one per table,
with translations prefetched (published ones only) and lesson bodies read only on the lesson
page. Texts come with the language they are in, so the page can mark a fallback with `lang`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erdem.access.policy import Action, can
from erdem.catalog.models import Course, CourseTranslation, Lesson, LessonTranslation, Module, ModuleTranslation
from erdem.catalog.models import TranslationStatus as Status
from erdem.catalog.rendering import markdown_render
from erdem.catalog.translations import translation_pick
from erdem.frameworks.models import Competency

# How a competency's framework is written before its code: "AI CFT 4.1", "DigCompEdu 2.1".
FRAMEWORK_ABBREVIATIONS = {"unesco-ai-cft": "AI CFT", "unesco-ict-cft": "ICT CFT", "digcompedu": "DigCompEdu"}

# Shown above a unit read in the other language; keyed by (unit, the reader's language).
FALLBACK_NOTES = {
    ("course", "mn"): gettext_lazy(
        "This course is not yet published in Mongolian; you are reading the English version."
    ),
    ("course", "en"): gettext_lazy(
        "This course is not yet published in English; you are reading the Mongolian version."
    ),
    ("lesson", "mn"): gettext_lazy(
        "This lesson is not yet published in Mongolian; you are reading the English version."
    ),
    ("lesson", "en"): gettext_lazy(
        "This lesson is not yet published in English; you are reading the Mongolian version."
    ),
}


@dataclass(frozen=True)
class Text:
    """A text a reader sees, the language it is written in, and whether that is not their language."""

    value: str
    language_code: str
    fell_back: bool = False


@dataclass(frozen=True)
class CompetencyLabel:
    code: str  # "AI CFT 4.1"
    name: str


@dataclass
class CourseSummary:
    course: Course
    title: Text
    summary: Text
    competencies: list[CompetencyLabel]
    fallback_note: str = ""

    @property
    def code(self) -> str:
        return self.course.code

    @property
    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [names[code] for code in self.course.languages if code in names]

    @property
    def is_published(self) -> bool:
        return self.course.status == Course.Status.PUBLISHED


@dataclass
class LessonLink:
    lesson: Lesson
    title: Text


@dataclass
class ModuleOutline:
    module: Module
    title: Text
    lessons: list[LessonLink] = field(default_factory=list)


@dataclass
class CoursePage:
    course: CourseSummary
    modules: list[ModuleOutline]

    @property
    def first_lesson(self) -> LessonLink | None:
        return next((module.lessons[0] for module in self.modules if module.lessons), None)


@dataclass
class LessonPage:
    course: CourseSummary
    module_title: Text
    lesson: Lesson
    title: Text
    body: SafeString
    fallback_note: str
    previous: LessonLink | None
    next: LessonLink | None


def published_translations(model: Any, *fields: str) -> Any:
    """The published rows of a translation table (catalog's or another app's), optionally only `fields`."""
    queryset = model.objects.filter(status=Status.PUBLISHED)
    return queryset.only(*fields) if fields else queryset


def course_readable(person: Any, course: Course) -> bool:
    """Published courses for every reader; drafts and archived ones for those who may see them."""
    return course.status == Course.Status.PUBLISHED or can(person, Action.COURSE_VIEW_UNPUBLISHED, course)


def published_lessons(*, course_id: int) -> QuerySet[Lesson]:
    """The lessons of a course a reader can open: published in at least one language."""
    return Lesson.objects.filter(module__course_id=course_id).filter(
        Exists(published_translations(LessonTranslation).filter(lesson=OuterRef("pk")))
    )


def _competency_labels(course: Course) -> list[CompetencyLabel]:
    return [
        CompetencyLabel(code=f"{FRAMEWORK_ABBREVIATIONS.get(c.framework.code, c.framework.code)} {c.code}", name=c.name)
        for c in course.competencies.all()
    ]


def _course_summary(course: Course, language: str, *, competencies: bool = True) -> CourseSummary:
    picked = translation_pick(course.translations.all(), language=language)
    if picked is None:
        title = Text(course.code, language)
        summary = Text("", language)
    else:
        code, fell_back = picked.language_code, picked.fell_back
        title = Text(picked.translation.title, code, fell_back)
        summary = Text(picked.translation.summary, code, fell_back)
    note = FALLBACK_NOTES.get(("course", language), "") if title.fell_back else ""
    return CourseSummary(
        course=course,
        title=title,
        summary=summary,
        competencies=_competency_labels(course) if competencies else [],
        fallback_note=str(note),
    )


def _courses() -> Any:
    return Course.objects.prefetch_related(
        Prefetch("translations", queryset=published_translations(CourseTranslation)),
        Prefetch("competencies", queryset=Competency.objects.select_related("framework")),
        Prefetch("team", queryset=get_user_model().objects.only("pk")),
    )


def course_catalogue(*, person: Any, language: str) -> list[CourseSummary]:
    """The courses `person` may read, by code; four queries. Drafts and archived courses appear
    only for those who may see them (their team, national admins), marked by their status."""
    courses = [course for course in _courses().order_by("code") if course_readable(person, course)]
    return [_course_summary(course, language) for course in courses]


def _text(translations: Any, language: str) -> Text | None:
    picked = translation_pick(translations, language=language)
    if picked is None:
        return None
    return Text(picked.translation.title, picked.language_code, picked.fell_back)


def _module_title(module: Module, language: str) -> Text:
    return _text(module.translations.all(), language) or Text(
        _("Module %(number)s") % {"number": module.position}, language
    )


def course_page(*, person: Any, code: str, language: str) -> CoursePage | None:
    """A readable course with its modules and their lessons (titles only); None when there is no
    such course or `person` may not read it. Seven queries."""
    course = _courses().filter(code=code).first()
    if course is None or not course_readable(person, course):
        return None
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position")
        .prefetch_related(Prefetch("translations", queryset=published_translations(ModuleTranslation)))
    )
    lessons = (
        Lesson.objects.filter(module__course=course)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=published_translations(LessonTranslation, "lesson_id", "language_code", "status", "title"),
            )
        )
    )
    outlines = {module.pk: ModuleOutline(module=module, title=_module_title(module, language)) for module in modules}
    for lesson in lessons:
        title = _text(lesson.translations.all(), language)
        if title is not None:
            outlines[lesson.module_id].lessons.append(LessonLink(lesson=lesson, title=title))
    return CoursePage(course=_course_summary(course, language), modules=list(outlines.values()))


def lesson_page(*, person: Any, code: str, lesson_id: int, language: str) -> LessonPage | None:
    """A lesson of a readable course, its body rendered, with the previous and next readable
    lessons of the course; None when there is no such lesson, it is published in no language,
    or `person` may not read the course. Eight queries."""
    lesson = (
        Lesson.objects.select_related("module")
        .prefetch_related(
            Prefetch("translations", queryset=published_translations(LessonTranslation)),
            Prefetch("module__translations", queryset=published_translations(ModuleTranslation)),
        )
        .filter(pk=lesson_id, module__course__code=code)
        .first()
    )
    if lesson is None:
        return None
    course = Course.objects.prefetch_related(
        Prefetch("translations", queryset=published_translations(CourseTranslation))
    ).get(pk=lesson.module.course_id)
    if not course_readable(person, course):
        return None
    picked = translation_pick(lesson.translations.all(), language=language)
    if picked is None:
        return None
    readable_ids = list(
        published_lessons(course_id=course.pk).order_by("module__position", "position").values_list("pk", flat=True)
    )
    index = readable_ids.index(lesson.pk)
    previous_id = readable_ids[index - 1] if index > 0 else None
    next_id = readable_ids[index + 1] if index + 1 < len(readable_ids) else None
    neighbours = {
        neighbour.pk: neighbour
        for neighbour in Lesson.objects.filter(pk__in=[pk for pk in (previous_id, next_id) if pk]).prefetch_related(
            Prefetch(
                "translations",
                queryset=published_translations(LessonTranslation, "lesson_id", "language_code", "status", "title"),
            )
        )
    }

    def link(pk: int | None) -> LessonLink | None:
        if pk is None:
            return None
        neighbour = neighbours[pk]
        title = _text(neighbour.translations.all(), language)
        return LessonLink(lesson=neighbour, title=title) if title else None

    translation = picked.translation
    note = FALLBACK_NOTES.get(("lesson", language), "") if picked.fell_back else ""
    return LessonPage(
        course=_course_summary(course, language, competencies=False),
        module_title=_module_title(lesson.module, language),
        lesson=lesson,
        title=Text(translation.title, translation.language_code, picked.fell_back),
        body=markdown_render(translation.body),
        fallback_note=str(note),
        previous=link(previous_id),
        next=link(next_id),
    )
