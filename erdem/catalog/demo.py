"""The demo step that loads the programme's courses (erdem.catalog.demo_data) in a few bulk inserts."""

from typing import TYPE_CHECKING

from erdem.catalog.demo_data import COURSES
from erdem.catalog.media_demo import demo_lesson_media_create
from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonTranslation,
    Module,
    ModuleTranslation,
    TranslationStatus,
)
from erdem.frameworks.selectors import competencies_by_qualified_codes

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

PUBLISHED = TranslationStatus.PUBLISHED
AUTHORING_INSTITUTIONS = 3  # the national centre and the next two institutions of the demo


def demo_courses_create(*, run: "DemoRun") -> None:
    """The three AI courses and the digital-assessment course, published, in Mongolian and English;
    a lesson with no Mongolian body is published in English only (its Mongolian row is missing)."""
    programme = run.current_programme
    courses = Course.objects.bulk_create(
        Course(
            programme=programme,
            code=seed.code,
            level=seed.level,
            workload_hours=seed.workload_hours,
            languages=["mn", "en"],
            status=Course.Status.PUBLISHED,
        )
        for seed in COURSES
    )
    competencies = competencies_by_qualified_codes([code for seed in COURSES for code in seed.competencies])
    Course.competencies.through.objects.bulk_create(
        Course.competencies.through(course_id=course.pk, competency_id=competencies[code].pk)
        for course, seed in zip(courses, COURSES, strict=True)
        for code in seed.competencies
    )
    Course.authoring_institutions.through.objects.bulk_create(
        Course.authoring_institutions.through(course_id=course.pk, institution_id=institution.pk)
        for course in courses
        for institution in run.institutions[:AUTHORING_INSTITUTIONS]
    )
    CourseTranslation.objects.bulk_create(
        translation
        for course, seed in zip(courses, COURSES, strict=True)
        for translation in (
            CourseTranslation(
                course=course, language_code="mn", title=seed.title_mn, summary=seed.summary_mn, status=PUBLISHED
            ),
            CourseTranslation(
                course=course, language_code="en", title=seed.title_en, summary=seed.summary_en, status=PUBLISHED
            ),
        )
    )
    module_seeds = [
        (course, position, seed)
        for course, c in zip(courses, COURSES, strict=True)
        for position, seed in enumerate(c.modules, start=1)
    ]
    modules = Module.objects.bulk_create(
        Module(course=course, position=position) for course, position, _ in module_seeds
    )
    ModuleTranslation.objects.bulk_create(
        translation
        for module, (_course, _position, seed) in zip(modules, module_seeds, strict=True)
        for translation in (
            ModuleTranslation(module=module, language_code="mn", title=seed.title_mn, status=PUBLISHED),
            ModuleTranslation(module=module, language_code="en", title=seed.title_en, status=PUBLISHED),
        )
    )
    lesson_seeds = [
        (module, position, lesson)
        for module, (_course, _position, seed) in zip(modules, module_seeds, strict=True)
        for position, lesson in enumerate(seed.lessons, start=1)
    ]
    lessons = Lesson.objects.bulk_create(
        Lesson(module=module, position=position, estimated_minutes=seed.minutes)
        for module, position, seed in lesson_seeds
    )
    translations = []
    for lesson, (_module, _position, seed) in zip(lessons, lesson_seeds, strict=True):
        translations.append(
            LessonTranslation(
                lesson=lesson, language_code="en", title=seed.title_en, body=seed.body_en, status=PUBLISHED
            )
        )
        translations.append(
            LessonTranslation(
                lesson=lesson,
                language_code="mn",
                title=seed.title_mn,
                body=seed.body_mn,
                status=PUBLISHED if seed.body_mn else TranslationStatus.MISSING,
            )
        )
    LessonTranslation.objects.bulk_create(translations)
    run.counts["courses"] = len(courses)
    run.counts["lessons"] = len(lessons)
    run.counts.update(demo_lesson_media_create(courses=courses))
