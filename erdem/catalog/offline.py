"""Lessons and courses to read offline: one self-contained HTML file per lesson, and a ZIP of a
whole course (one HTML file per lesson, an index.html and a files/ folder), in the reader's language.

A page carries its own CSS and its small images as data: URIs, and the words of its media as text
(the transcript, or the captions as running text when there is none), so it makes no request by
itself. In a course ZIP, attachments and light media files (a low-bandwidth version, an uploaded
audio) of up to `OFFLINE_FILE_MAX_BYTES` each are packed in files/ and linked relatively, in lesson
order while the package stays within `OFFLINE_PACKAGE_MAX_BYTES`; other files and media are links
that say they need a connection. A single lesson's HTML packs nothing: its files are such links.

The ZIP is streamed as it is written: the texts of the course are read in a fixed number of
queries, then each lesson's page, images and packed files are written and sent before the next is
read; files are copied from storage in chunks, so memory holds one lesson's page and one chunk.
"""

import base64
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django_stubs_ext import StrOrPromise

from erdem.catalog.media_selectors import (
    OFFLINE_FILE_MAX_BYTES,
    OFFLINE_PACKAGE_MAX_BYTES,
    AttachmentItem,
    LessonContent,
    MediaItem,
    Source,
    content_of,
    read_stored,
    with_content,
)
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
from erdem.core.i18n import language_name
from erdem.core.uploads import KINDS

# Images up to this size are embedded; larger ones become links, so a page stays a few hundred KB.
INLINE_IMAGE_MAX_BYTES = 300 * 1024
COPY_CHUNK_BYTES = 64 * 1024
FILES_FOLDER = "files"

Absolute = Callable[[str], str]  # a site path to the absolute URL a downloaded file can link to


@dataclass(frozen=True)
class OfflineLink:
    """A file as an offline page links it: packed next to the page (`packed`), or online only."""

    url: str
    label: StrOrPromise
    size: int | None
    packed: bool
    host: str = ""  # for another site's page


@dataclass
class OfflineMedia:
    item: MediaItem
    links: list[OfflineLink]


@dataclass
class OfflineAttachment:
    item: AttachmentItem
    link: OfflineLink


class _Packer:
    """The files a course ZIP carries: each up to OFFLINE_FILE_MAX_BYTES, taken in lesson order
    while the package's total stays within OFFLINE_PACKAGE_MAX_BYTES. `take` answers the relative
    name to link to (None: too large, link online); `queued` hands over what to write next."""

    def __init__(self) -> None:
        self.total = 0
        self._names: set[str] = set()
        self._queued: list[tuple[str, Any]] = []

    def take(self, stored: Any, size: int, stem: str, extension: str) -> str | None:
        if not stored or size > OFFLINE_FILE_MAX_BYTES or self.total + size > OFFLINE_PACKAGE_MAX_BYTES:
            return None
        name, number = f"{FILES_FOLDER}/{stem}.{extension}", 1
        while name in self._names:
            number += 1
            name = f"{FILES_FOLDER}/{stem}-{number}.{extension}"
        self._names.add(name)
        self.total += size
        self._queued.append((name, stored))
        return name

    def queued(self) -> list[tuple[str, Any]]:
        queued, self._queued = self._queued, []
        return queued


@dataclass(frozen=True)
class IndexEntry:
    filename: str
    module_title: Text
    title: Text

    @property
    def title_language(self) -> str:
        return language_name(self.title.language_code)


@dataclass
class OfflineLesson:
    lesson: Lesson
    filename: str
    module_title: Text
    title: Text
    body: SafeString
    fallback_note: str
    media: list[OfflineMedia]
    attachments: list[OfflineAttachment]
    packs_files: bool  # a course ZIP (files may be packed), not a single lesson's page


def _offline_images(content: LessonContent, absolute: Absolute) -> dict[str, ImageRef]:
    images = {}
    for key, ref in content.images.items():
        row = content.image_rows[key]
        if row.file_size <= INLINE_IMAGE_MAX_BYTES:
            data = base64.b64encode(read_stored(row.file)).decode("ascii")
            src = f"data:{KINDS[row.file_kind].mime};base64,{data}"
            images[key] = ImageRef(src, ref.alt, ref.language_code, ref.width, ref.height)
        else:
            images[key] = ImageRef(absolute(ref.src), ref.alt, ref.language_code, link_only=True)
    return images


def _stem(lesson: Lesson, title: str, suffix: str = "") -> str:
    slug = slugify(title, allow_unicode=True)
    if len(slug) > 40:  # cut at a word, not inside one
        slug = slug[:41].rsplit("-", 1)[0]
    slug = slug or "file"
    return f"{lesson.module.position:02d}-{lesson.position:02d}-{slug}{suffix}"


def _media_link(
    source: Source, item: MediaItem, lesson: Lesson, absolute: Absolute, packer: _Packer | None
) -> OfflineLink:
    if source.external:
        return OfflineLink(
            source.url, source.label, None, packed=False, host=source.host if source.external_page else ""
        )
    media = item.media
    # A low-bandwidth version or an uploaded audio is light enough to pack; a full video is not.
    if packer is not None and (source.low_bandwidth or source.element == "audio"):
        stored, kind, size = (
            (media.low_bandwidth_file, media.low_bandwidth_kind, media.low_bandwidth_size)
            if source.low_bandwidth
            else (media.file, media.file_kind, media.file_size)
        )
        title = item.title.value if item.title else str(media.get_kind_display())
        name = packer.take(
            stored, size or 0, _stem(lesson, title, "-low" if source.low_bandwidth else ""), KINDS[kind].extensions[0]
        )
        if name:
            return OfflineLink(name, source.label, source.size, packed=True)
    return OfflineLink(absolute(source.url), source.label, source.size, packed=False)


def _offline_media(
    lesson: Lesson, content: LessonContent, absolute: Absolute, packer: _Packer | None
) -> list[OfflineMedia]:
    return [
        OfflineMedia(item=item, links=[_media_link(source, item, lesson, absolute, packer) for source in item.sources])
        for item in content.media
    ]


def _offline_attachments(
    lesson: Lesson, content: LessonContent, absolute: Absolute, packer: _Packer | None
) -> list[OfflineAttachment]:
    attachments = []
    for item in content.attachments:
        row = item.attachment
        name = None
        if packer is not None:
            title = item.title.value if item.title else ""
            name = packer.take(row.file, row.file_size, _stem(lesson, title), KINDS[row.file_kind].extensions[0])
        link = (
            OfflineLink(name, item.kind_label, item.size, packed=True)
            if name
            else OfflineLink(absolute(item.url), item.kind_label, item.size, packed=False)
        )
        attachments.append(OfflineAttachment(item=item, link=link))
    return attachments


def lesson_filename(lesson: Lesson, title: str) -> str:
    """`02-03-prompts-that-work.html`: module and lesson positions keep the files in order."""
    slug = slugify(title, allow_unicode=True)[:50] or "lesson"
    return f"{lesson.module.position:02d}-{lesson.position:02d}-{slug}.html"


def _offline_lesson(
    lesson: Lesson, *, code: str, language: str, absolute: Absolute, preview: bool, packer: _Packer | None = None
) -> OfflineLesson:
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
        media=_offline_media(lesson, content, absolute, packer),
        attachments=_offline_attachments(lesson, content, absolute, packer),
        packs_files=packer is not None,
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
    read before the first chunk; files (images, captions, packed files) lesson by lesson as it is written."""
    lessons = _lessons(course, None, preview)
    folder = slugify(course.code) or "course"
    packer = _Packer()

    def lesson_entry(lesson: Lesson) -> tuple[IndexEntry, bytes]:
        with translation.override(language):  # the stream is written after the view has returned
            page = _offline_lesson(
                lesson, code=course.code, language=language, absolute=absolute, preview=preview, packer=packer
            )
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
                for name, stored in packer.queued():  # copied from storage a chunk at a time
                    with (
                        stored.storage.open(stored.name, "rb") as source,
                        archive.open(f"{folder}/{name}", "w") as target,
                    ):
                        while chunk := source.read(COPY_CHUNK_BYTES):
                            target.write(chunk)
                            yield sink.take()
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
                        "file_max": OFFLINE_FILE_MAX_BYTES,
                        "package_max": OFFLINE_PACKAGE_MAX_BYTES,
                    },
                )
            archive.writestr(f"{folder}/index.html", index.encode())
        yield sink.take()

    return chunks()
