"""Reads behind the catalogue, course and lesson pages.

Each page runs a fixed number of queries whatever the size of the course: one per table,
with translations prefetched (published ones only) and lesson bodies read only on the lesson
page. Texts come with the language they are in, so the page can mark a fallback with `lang`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erdem.access.policy import Action, can
from erdem.catalog.media_selectors import LessonContent, lesson_content
from erdem.catalog.models import Course, CourseTranslation, Lesson, LessonTranslation, Module, ModuleTranslation
from erdem.catalog.models import TranslationStatus as Status
from erdem.catalog.rendering import markdown_render
from erdem.catalog.translations import READER_STATUSES, translation_pick
from erdem.core.i18n import LANGUAGE_CODES, language_name
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
        return [language_name(code) for code in self.course.languages if code in LANGUAGE_CODES]

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
    content: LessonContent | None = None  # media, images, attachments (erdem.catalog.media_selectors)


# An author's preview shows every written text (anything but missing) as if it were published.
PREVIEW_STATUSES = frozenset(Status) - {Status.MISSING}


def _statuses(preview: bool) -> frozenset[str]:
    return PREVIEW_STATUSES if preview else READER_STATUSES


def published_translations(model: Any, *fields: str, preview: bool = False) -> Any:
    """The published rows of a translation table (catalog's or another app's), optionally only `fields`;
    with `preview`, the rows an author's preview shows."""
    queryset = model.objects.filter(status__in=_statuses(preview))
    return queryset.only(*fields) if fields else queryset


def course_readable(person: Any, course: Course) -> bool:
    """Published courses for every reader; drafts and archived ones for those who may see them."""
    return course.status == Course.Status.PUBLISHED or can(person, Action.COURSE_VIEW_UNPUBLISHED, course)


def published_lessons(*, course_id: int, preview: bool = False) -> QuerySet[Lesson]:
    """The lessons of a course a reader can open: published in at least one language."""
    return Lesson.objects.filter(module__course_id=course_id).filter(
        Exists(published_translations(LessonTranslation, preview=preview).filter(lesson=OuterRef("pk")))
    )


def _competency_labels(course: Course) -> list[CompetencyLabel]:
    return [
        CompetencyLabel(code=f"{FRAMEWORK_ABBREVIATIONS.get(c.framework.code, c.framework.code)} {c.code}", name=c.name)
        for c in course.competencies.all()
    ]


def _course_summary(
    course: Course, language: str, *, competencies: bool = True, preview: bool = False
) -> CourseSummary:
    picked = translation_pick(course.translations.all(), language=language, statuses=_statuses(preview))
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


def _courses(preview: bool = False) -> Any:
    return Course.objects.prefetch_related(
        Prefetch("translations", queryset=published_translations(CourseTranslation, preview=preview)),
        Prefetch("competencies", queryset=Competency.objects.select_related("framework")),
        Prefetch("team", queryset=get_user_model().objects.only("pk")),
    )


def course_catalogue(*, person: Any, language: str) -> list[CourseSummary]:
    """The courses `person` may read, by code; four queries. Drafts and archived courses appear
    only for those who may see them (their team, national admins), marked by their status."""
    courses = [course for course in _courses().order_by("code") if course_readable(person, course)]
    return [_course_summary(course, language) for course in courses]


def _text(translations: Any, language: str, preview: bool = False) -> Text | None:
    picked = translation_pick(translations, language=language, statuses=_statuses(preview))
    if picked is None:
        return None
    return Text(picked.translation.title, picked.language_code, picked.fell_back)


def _module_title(module: Module, language: str, preview: bool = False) -> Text:
    return _text(module.translations.all(), language, preview) or Text(
        _("Module %(number)s") % {"number": module.position}, language
    )


def course_page(*, person: Any, code: str, language: str, preview: bool = False) -> CoursePage | None:
    """A readable course with its modules and their lessons (titles only); None when there is no
    such course or `person` may not read it. Seven queries. With `preview`, unpublished texts
    show as if published (the caller checks that `person` may edit the course)."""
    course = _courses(preview).filter(code=code).first()
    if course is None or not course_readable(person, course):
        return None
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position")
        .prefetch_related(Prefetch("translations", queryset=published_translations(ModuleTranslation, preview=preview)))
    )
    lessons = (
        Lesson.objects.filter(module__course=course)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=published_translations(
                    LessonTranslation, "lesson_id", "language_code", "status", "title", preview=preview
                ),
            )
        )
    )
    outlines = {
        module.pk: ModuleOutline(module=module, title=_module_title(module, language, preview)) for module in modules
    }
    for lesson in lessons:
        title = _text(lesson.translations.all(), language, preview)
        if title is not None:
            outlines[lesson.module_id].lessons.append(LessonLink(lesson=lesson, title=title))
    return CoursePage(course=_course_summary(course, language, preview=preview), modules=list(outlines.values()))


def lesson_page(*, person: Any, code: str, lesson_id: int, language: str, preview: bool = False) -> LessonPage | None:
    """A lesson of a readable course, its body rendered, with the previous and next readable
    lessons of the course; None when there is no such lesson, it is published in no language,
    or `person` may not read the course. Fourteen queries: eight, and six for its media, images
    and attachments."""
    lesson = (
        Lesson.objects.select_related("module")
        .prefetch_related(
            Prefetch("translations", queryset=published_translations(LessonTranslation, preview=preview)),
            Prefetch("module__translations", queryset=published_translations(ModuleTranslation, preview=preview)),
        )
        .filter(pk=lesson_id, module__course__code=code)
        .first()
    )
    if lesson is None:
        return None
    course = Course.objects.prefetch_related(
        Prefetch("translations", queryset=published_translations(CourseTranslation, preview=preview))
    ).get(pk=lesson.module.course_id)
    if not course_readable(person, course):
        return None
    picked = translation_pick(lesson.translations.all(), language=language, statuses=_statuses(preview))
    if picked is None:
        return None
    readable_ids = list(
        published_lessons(course_id=course.pk, preview=preview)
        .order_by("module__position", "position")
        .values_list("pk", flat=True)
    )
    index = readable_ids.index(lesson.pk)
    previous_id = readable_ids[index - 1] if index > 0 else None
    next_id = readable_ids[index + 1] if index + 1 < len(readable_ids) else None
    neighbours = {
        neighbour.pk: neighbour
        for neighbour in Lesson.objects.filter(pk__in=[pk for pk in (previous_id, next_id) if pk]).prefetch_related(
            Prefetch(
                "translations",
                queryset=published_translations(
                    LessonTranslation, "lesson_id", "language_code", "status", "title", preview=preview
                ),
            )
        )
    }

    def link(pk: int | None) -> LessonLink | None:
        if pk is None:
            return None
        neighbour = neighbours[pk]
        title = _text(neighbour.translations.all(), language, preview)
        return LessonLink(lesson=neighbour, title=title) if title else None

    translation = picked.translation
    note = FALLBACK_NOTES.get(("lesson", language), "") if picked.fell_back else ""
    low_bandwidth = bool(getattr(person, "low_bandwidth", False))
    content = lesson_content(lesson=lesson, code=code, language=language, preview=preview, low_bandwidth=low_bandwidth)
    return LessonPage(
        course=_course_summary(course, language, competencies=False, preview=preview),
        module_title=_module_title(lesson.module, language, preview),
        lesson=lesson,
        title=Text(translation.title, translation.language_code, picked.fell_back),
        body=markdown_render(translation.body, images=content.images),
        fallback_note=str(note),
        previous=link(previous_id),
        next=link(next_id),
        content=content,
    )
