from typing import Any

from erdem.catalog.media_samples import mp3_silence, pdf_document, png_bar_chart, webvtt
from erdem.catalog.media_services import MediaText, lesson_attachment_save, lesson_image_save, lesson_media_save
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
        programme=programme,
        code=code,
        level=Course.Level.FOUNDATIONAL,
        workload_hours=10,
        languages=["mn", "en"],
        status=status,
    )
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


def upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


CAPTIONS = {"mn": webvtt([(0, 2, "Сайн байна уу")]), "en": webvtt([(0, 2, "Hello")])}


def media_add(lesson: Lesson, *, low_bandwidth: bool = True, status: str = PUBLISHED) -> LessonMedia:
    """An uploaded audio (MP3) with an audio-only alternative, captions and a transcript in both languages."""
    texts = {
        code: MediaText(
            title=f"{code} talk",
            transcript=f"**{code}** transcript",
            status=status,
            captions=upload(f"{code}.vtt", CAPTIONS[code]),
        )
        for code in ("mn", "en")
    }
    return lesson_media_save(
        lesson=lesson,
        kind=LessonMedia.Kind.AUDIO,
        file=upload("talk.mp3", mp3_silence(3)),
        low_bandwidth_file=upload("talk-low.mp3", mp3_silence(1)) if low_bandwidth else None,
        texts=texts,
    )


def image_add(lesson: Lesson, *, key: str = "chart", alt_texts: dict[str, str] | None = None) -> LessonImage:
    return lesson_image_save(
        lesson=lesson,
        key=key,
        file=upload("chart.png", png_bar_chart([0.5, 0.2], width=40, height=20)),
        alt_texts=alt_texts if alt_texts is not None else {"mn": "График", "en": "A chart"},
    )


def attachment_add(lesson: Lesson) -> LessonAttachment:
    return lesson_attachment_save(
        lesson=lesson,
        file=upload("worksheet.pdf", pdf_document("Worksheet", ["one"])),
        titles={"mn": "Ажлын хуудас", "en": "Worksheet"},
    )


def matrix_courses_create(*, programme: Any) -> None:
    """The permissions matrix's courses: one published, one draft; the first lesson of each with a
    medium, an image and an attachment."""
    for course in (
        course_build(programme=programme, code="matrix-published", modules=1, lessons=1),
        course_build(programme=programme, code="matrix-draft", status=Course.Status.DRAFT, modules=1, lessons=1),
    ):
        lesson = first_lesson(course)
        media_add(lesson)
        image_add(lesson)
        attachment_add(lesson)
