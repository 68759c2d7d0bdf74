"""Lessons and courses to read offline: one self-contained HTML file per lesson, and a ZIP of a
whole course (one HTML file per lesson and an index.html), in the reader's language.

A page carries its own CSS and its small images as data: URIs; media are linked (the person
plays them when back online) with their captions and transcripts written out as text, so the
file makes no request by itself. The course ZIP is streamed as it is written: the texts of the
course are read in a fixed number of queries, then each lesson's page and images are written
and sent before the next is read, so memory holds one lesson at a time. Media are never packed,
which keeps a course to a few megabytes at most: it is built while the person waits, with no job.
"""

import base64
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.text import slugify

from erdem.catalog.media_selectors import AttachmentItem, LessonContent, MediaItem, content_of, with_content
from erdem.catalog.models import Course, Lesson, LessonTranslation, ModuleTranslation
from erdem.catalog.rendering import ImageRef, markdown_render
from erdem.catalog.selectors import (
    FALLBACK_NOTES,
    CourseSummary,
    Text,
    _course_summary,
    _module_title,
    _statuses,
    published_lessons,
    published_translations,
)
from erdem.catalog.translations import translation_pick
from erdem.core.uploads import KINDS

# Images up to this size are embedded; larger ones become links, so a page stays a few hundred KB.
INLINE_IMAGE_MAX_BYTES = 300 * 1024
CAPTIONS_MAX_CHARS = 200_000

Absolute = Callable[[str], str]  # a site path to the absolute URL a downloaded file can link to


@dataclass
class OfflineMedia:
    item: MediaItem
    captions: list[tuple[str, str, str]]  # (language code, label, WebVTT text)


@dataclass(frozen=True)
class IndexEntry:
    filename: str
    module_title: Text
    title: Text


@dataclass
class OfflineLesson:
    lesson: Lesson
    filename: str
    module_title: Text
    title: Text
    body: SafeString
    fallback_note: str
    media: list[OfflineMedia]
    attachments: list[AttachmentItem]


def _read(field_file: Any, limit: int | None = None) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as handle:
        data: bytes = handle.read(limit) if limit else handle.read()
        return data


def _offline_images(content: LessonContent, absolute: Absolute) -> dict[str, ImageRef]:
    images = {}
    for key, ref in content.images.items():
        row = content.image_rows[key]
        if row.file_size <= INLINE_IMAGE_MAX_BYTES:
            data = base64.b64encode(_read(row.file)).decode("ascii")
            src = f"data:{KINDS[row.file_kind].mime};base64,{data}"
            images[key] = ImageRef(src, ref.alt, ref.language_code, ref.width, ref.height)
        else:
            images[key] = ImageRef(absolute(ref.src), ref.alt, ref.language_code, link_only=True)
    return images


def _offline_media(content: LessonContent, absolute: Absolute) -> list[OfflineMedia]:
    media = []
    for shown in content.media:
        # Uploaded media are linked by their absolute address; external ones keep theirs.
        sources = [source if source.external else replace(source, url=absolute(source.url)) for source in shown.sources]
        item = replace(shown, sources=sources)
        rows = {row.language_code: row for row in item.media.translations.all()}
        captions = []
        for track in item.tracks:
            text = _read(rows[track.language_code].captions, CAPTIONS_MAX_CHARS * 4)
            captions.append(
                (track.language_code, track.label, text.decode("utf-8-sig", "replace")[:CAPTIONS_MAX_CHARS])
            )
        media.append(OfflineMedia(item=item, captions=captions))
    return media


def lesson_filename(lesson: Lesson, title: str) -> str:
    """`02-03-prompts-that-work.html`: module and lesson positions keep the files in order."""
    slug = slugify(title, allow_unicode=True)[:50] or "lesson"
    return f"{lesson.module.position:02d}-{lesson.position:02d}-{slug}.html"


def _offline_lesson(lesson: Lesson, *, code: str, language: str, absolute: Absolute, preview: bool) -> OfflineLesson:
    picked = translation_pick(lesson.translations.all(), language=language, statuses=_statuses(preview))
    if picked is None:  # the caller passes readable lessons only
        raise ValueError(f"lesson {lesson.pk} has no text to show")
    content = content_of(lesson, code=code, language=language, preview=preview)
    translation = picked.translation
    return OfflineLesson(
        lesson=lesson,
        filename=lesson_filename(lesson, translation.title),
        module_title=_module_title(lesson.module, language, preview),
        title=Text(translation.title, translation.language_code, picked.fell_back),
        body=markdown_render(translation.body, images=_offline_images(content, absolute), inline_images=True),
        fallback_note=str(FALLBACK_NOTES.get(("lesson", language), "")) if picked.fell_back else "",
        media=_offline_media(content, absolute),
        attachments=[replace(item, url=absolute(item.url)) for item in content.attachments],
    )


def _lessons(course: Course, lesson_ids: list[int] | None, preview: bool) -> list[Lesson]:
    queryset = published_lessons(course_id=course.pk, preview=preview).select_related("module")
    if lesson_ids is not None:
        queryset = queryset.filter(pk__in=lesson_ids)
    queryset = queryset.order_by("module__position", "position").prefetch_related(
        Prefetch("translations", queryset=published_translations(LessonTranslation, preview=preview)),
        Prefetch("module__translations", queryset=published_translations(ModuleTranslation, preview=preview)),
    )
    return list(with_content(queryset, preview=preview))


def _render_lesson(
    page: OfflineLesson, course: CourseSummary, language: str, absolute: Absolute, *, index: str = ""
) -> bytes:
    context = {
        "page": page,
        "course": course,
        "LANGUAGE_CODE": language,
        "absolute": absolute,
        "index": index,
        "generated_at": timezone.now(),
    }
    return render_to_string("catalog/offline/lesson.html", context).encode()


def lesson_offline_html(
    *, course: Course, summary: CourseSummary, lesson_id: int, language: str, absolute: Absolute, preview: bool = False
) -> tuple[str, bytes]:
    """(file name, HTML) of one readable lesson of `course`, for reading offline."""
    lesson = _lessons(course, [lesson_id], preview)[0]
    page = _offline_lesson(lesson, code=course.code, language=language, absolute=absolute, preview=preview)
    return page.filename, _render_lesson(page, summary, language, absolute)


def course_summary_for_offline(course: Course, language: str, preview: bool = False) -> CourseSummary:
    return _course_summary(course, language, competencies=False, preview=preview)


class _Sink:
    """A write-only stream whose written bytes are taken out as they come: what lets zipfile
    stream (it then writes data descriptors instead of seeking back)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def course_offline_zip(
    *, course: Course, summary: CourseSummary, language: str, absolute: Absolute, preview: bool = False
) -> Iterator[bytes]:
    """The ZIP of a readable course's lessons and an index.html, as chunks to stream. The rows are
    read before the first chunk; files (images, captions) lesson by lesson as it is written."""
    lessons = _lessons(course, None, preview)
    folder = slugify(course.code) or "course"

    def lesson_entry(lesson: Lesson) -> tuple[IndexEntry, bytes]:
        with translation.override(language):  # the stream is written after the view has returned
            page = _offline_lesson(lesson, code=course.code, language=language, absolute=absolute, preview=preview)
            html = _render_lesson(page, summary, language, absolute, index="index.html")
        return IndexEntry(page.filename, page.module_title, page.title), html

    def chunks() -> Iterator[bytes]:
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
            entries = []
            for lesson in lessons:
                entry, html = lesson_entry(lesson)
                archive.writestr(f"{folder}/{entry.filename}", html)
                entries.append(entry)  # the index needs titles only: the pages themselves are let go
                yield sink.take()
            with translation.override(language):
                index = render_to_string(
                    "catalog/offline/index.html",
                    {
                        "course": summary,
                        "lessons": entries,
                        "LANGUAGE_CODE": language,
                        "generated_at": timezone.now(),
                        "course_url": absolute(reverse("catalog:course", args=[course.code])),
                    },
                )
            archive.writestr(f"{folder}/index.html", index.encode())
        yield sink.take()

    return chunks()
