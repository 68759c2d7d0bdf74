from typing import Any

from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonTranslation,
    Module,
    ModuleTranslation,
    TranslationStatus,
)
from erdem.programmes.models import Programme

PUBLISHED = TranslationStatus.PUBLISHED


def course_build(
    *,
    programme: Programme,
    code: str = "ai-101",
    status: str = Course.Status.PUBLISHED,
    modules: int = 2,
    lessons: int = 2,
    lesson_statuses: dict[str, str] | None = None,
) -> Course:
    """A course with `modules` x `lessons`, every text published in both languages unless
    `lesson_statuses` ({language: status}) says otherwise for the lessons."""
    course = Course.objects.create(
        programme=programme, code=code, level=Course.Level.FOUNDATIONAL, workload_hours=10, languages=["mn", "en"],
        status=status,
    )  # fmt: skip
    CourseTranslation.objects.bulk_create(
        [
            CourseTranslation(course=course, language_code="mn", title="Үндэс", summary="Товч", status=PUBLISHED),
            CourseTranslation(course=course, language_code="en", title="Basics", summary="Short", status=PUBLISHED),
        ]
    )
    statuses = lesson_statuses or {"mn": PUBLISHED, "en": PUBLISHED}
    for m in range(1, modules + 1):
        module = Module.objects.create(course=course, position=m)
        ModuleTranslation.objects.create(module=module, language_code="mn", title=f"Модуль-{m}", status=PUBLISHED)
        ModuleTranslation.objects.create(module=module, language_code="en", title=f"Module-{m}", status=PUBLISHED)
        for n in range(1, lessons + 1):
            lesson = Lesson.objects.create(module=module, position=n, estimated_minutes=15)
            LessonTranslation.objects.bulk_create(
                LessonTranslation(
                    lesson=lesson,
                    language_code=language,
                    title=_title(language, m, n),
                    body=_body(language),
                    status=status_,
                )
                for language, status_ in statuses.items()
            )
    return course


def _title(language: str, module: int, lesson: int) -> str:
    return f"{'Хичээл' if language == 'mn' else 'Lesson'} {module}.{lesson}"


def _body(language: str) -> str:
    return "Сайн байна уу, **багш** аа." if language == "mn" else "Hello, **teacher**."


def first_lesson(course: Course) -> Lesson:
    return Lesson.objects.filter(module__course=course).order_by("module__position", "position").first()  # type: ignore[return-value]


def matrix_courses_create(*, programme: Any) -> None:
    """The permissions matrix's courses: one published, one draft."""
    course_build(programme=programme, code="matrix-published", modules=1, lessons=1)
    course_build(programme=programme, code="matrix-draft", status=Course.Status.DRAFT, modules=1, lessons=1)
