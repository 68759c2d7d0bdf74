"""Reads for a lesson's media, images and attachments, as the lesson page and the offline copy show them.

Three tables and their translations: six queries for one lesson (`lesson_content`), six for a
whole course (`course_contents`), whatever their number. Texts fall back to the other language
when the reader's is missing, empty or unpublished, and say so, as lesson texts do.
"""

import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When, prefetch_related_objects
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erdem.catalog.models import (
    Lesson,
    LessonAttachment,
    LessonAttachmentTranslation,
    LessonImage,
    LessonImageTranslation,
    LessonMedia,
    LessonMediaTranslation,
    TranslationStatus,
)
from erdem.catalog.rendering import ImageRef, markdown_render
from erdem.catalog.translations import READER_STATUSES, fallback_order
from erdem.core.i18n import language_name
from erdem.core.uploads import AUDIO, KINDS

PREVIEW_STATUSES = frozenset(TranslationStatus) - {TranslationStatus.MISSING}

# A course's offline ZIP packs attachments and light (low-bandwidth or audio) media files up to
# this size each, and up to the package total; larger ones stay links that need a connection.
OFFLINE_FILE_MAX_BYTES = 5 * 1024 * 1024
OFFLINE_PACKAGE_MAX_BYTES = 50 * 1024 * 1024
CAPTIONS_MAX_CHARS = 200_000

# An external address plays in the page's own <video>/<audio> when it names a media file;
# anything else (a video site's page) is a plain link: no third-party player, no script.
_PLAYABLE_EXTENSIONS = {
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
}


@dataclass(frozen=True)
class Shown:
    """A text in the language it is shown in; `fell_back` when that is not the reader's."""

    value: str
    language_code: str
    fell_back: bool = False


def text_pick(rows: Iterable[Any], attribute: str, *, language: str, statuses: frozenset[str]) -> Shown | None:
    """The first non-empty `attribute` among `rows` (translations) in the reader's fallback order."""
    by_language = {row.language_code: row for row in rows if row.status in statuses}
    for code in fallback_order(language):
        row = by_language.get(code)
        value = getattr(row, attribute, None) if row is not None else None
        if value:
            return Shown(str(value), code, code != language)
    return None


_TAG = re.compile(r"<[^>]*>")
_BLOCKS = re.compile(r"\n[ \t]*\n")


def captions_plain_text(vtt: str) -> str:
    """The words of WebVTT captions as running text: no header, notes, cue ids, timings or tags."""
    cues: list[str] = []
    lines_only = vtt.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
    for block in _BLOCKS.split(lines_only):
        lines = block.splitlines()
        timing = next((index for index, line in enumerate(lines) if "-->" in line), None)
        if timing is None:  # the WEBVTT header, NOTE, STYLE and REGION blocks
            continue
        text = " ".join(html.unescape(_TAG.sub("", " ".join(lines[timing + 1 :]))).split())
        if text and (not cues or cues[-1] != text):  # captions often repeat a line across cues
            cues.append(text)
    return " ".join(cues)


def read_stored(field_file: Any, limit: int | None = None) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as handle:
        data: bytes = handle.read(limit) if limit else handle.read()
        return data


def _captions_text(rows: list[LessonMediaTranslation], tracks: list["Track"], language: str) -> Shown | None:
    """The first track's captions as text, for a medium without a transcript."""
    if not tracks:
        return None
    track = tracks[0]
    row = next(row for row in rows if row.language_code == track.language_code)
    vtt = read_stored(row.captions, CAPTIONS_MAX_CHARS * 4).decode("utf-8-sig", "replace")[:CAPTIONS_MAX_CHARS]
    text = captions_plain_text(vtt)
    return Shown(text, track.language_code, track.language_code != language) if text else None


def _version(name: str) -> str:
    """A short token that changes when a stored file is replaced, so the URL can be cached long."""
    return hashlib.sha256(name.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Source:
    """One way to play a medium: the file (or external address), what plays it, and its size."""

    url: str
    element: str  # "video" or "audio"
    mime: str
    size: int | None
    label: StrOrPromise
    low_bandwidth: bool = False
    external: bool = False
    playable: bool = True  # False: an external page, shown as a link

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def external_page(self) -> bool:
        """An address of another site's page (not a media file): a link, never a player."""
        return self.external and not self.playable


@dataclass(frozen=True)
class Track:
    url: str
    language_code: str
    label: str
    default: bool
    size: int | None
    name: str  # the stored file, read by the offline copy


@dataclass
class MediaItem:
    media: LessonMedia
    title: Shown | None
    sources: list[Source]  # in the order offered to this reader: the first is shown open
    tracks: list[Track]
    transcript: SafeString | None
    transcript_text: Shown | None
    captions_text: Shown | None = None  # the captions as plain text, read only when there is no transcript

    @property
    def first(self) -> Source:
        return self.sources[0]

    @property
    def captions_language(self) -> str:
        return language_name(self.captions_text.language_code) if self.captions_text else ""

    @property
    def audio(self) -> bool:
        """Played by <audio>, where browsers show no captions: the text is offered instead."""
        return self.first.element == "audio" and self.first.playable

    @property
    def external_page(self) -> bool:
        return self.first.external_page

    @property
    def others(self) -> list[Source]:
        return self.sources[1:]


@dataclass
class AttachmentItem:
    attachment: LessonAttachment
    title: Shown | None
    url: str
    kind_label: StrOrPromise

    @property
    def size(self) -> int:
        return self.attachment.file_size


@dataclass
class LessonContent:
    media: list[MediaItem] = field(default_factory=list)
    images: dict[str, ImageRef] = field(default_factory=dict)
    attachments: list[AttachmentItem] = field(default_factory=list)
    image_rows: dict[str, LessonImage] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.media or self.attachments)

    @property
    def offline_file_max(self) -> int:
        return OFFLINE_FILE_MAX_BYTES

    @property
    def offline_package_max(self) -> int:
        return OFFLINE_PACKAGE_MAX_BYTES


def _media_url(code: str, media: LessonMedia, variant: str, name: str) -> str:
    url = reverse("catalog:media_file", args=[code, media.lesson_id, media.pk, variant])
    return f"{url}?v={_version(name)}"


def _external_source(media: LessonMedia) -> Source:
    extension = urlsplit(media.external_url).path.rsplit(".", 1)[-1].lower()
    mime = _PLAYABLE_EXTENSIONS.get(extension, "")
    element = "audio" if mime.startswith("audio/") or media.kind == LessonMedia.Kind.AUDIO else "video"
    if not mime:
        return Source(
            media.external_url, element, mime, None, _("A page on another site"), external=True, playable=False
        )
    label = _("Video") if media.kind == LessonMedia.Kind.VIDEO else _("Audio")
    return Source(media.external_url, element, mime, None, label, external=True)


def _sources(code: str, media: LessonMedia, low_bandwidth_first: bool) -> list[Source]:
    if media.file:
        kind = KINDS[media.file_kind]
        element = "audio" if media.file_kind in AUDIO else "video"
        label = _("Video") if element == "video" else _("Audio")
        main = Source(_media_url(code, media, "main", media.file.name), element, kind.mime, media.file_size, label)
    else:
        main = _external_source(media)
    if not media.low_bandwidth_file:
        return [main]
    audio_only = media.low_bandwidth_kind in AUDIO
    low = Source(
        _media_url(code, media, "low", media.low_bandwidth_file.name),
        "audio" if audio_only else "video",
        KINDS[media.low_bandwidth_kind].mime,
        media.low_bandwidth_size,
        _("Audio only, for a weak connection") if audio_only else _("Low resolution, for a weak connection"),
        low_bandwidth=True,
    )
    return [low, main] if low_bandwidth_first else [main, low]


def _tracks(
    code: str, media: LessonMedia, rows: list[LessonMediaTranslation], language: str, statuses: frozenset[str]
) -> list[Track]:
    with_captions = {row.language_code: row for row in rows if row.status in statuses and row.captions}
    order = [code_ for code_ in fallback_order(language) if code_ in with_captions]
    return [
        Track(
            url=reverse("catalog:media_captions", args=[code, media.lesson_id, media.pk, lang])
            + f"?v={_version(with_captions[lang].captions.name)}",
            language_code=lang,
            label=language_name(lang),
            default=index == 0,
            size=with_captions[lang].captions_size,
            name=with_captions[lang].captions.name,
        )
        for index, lang in enumerate(order)
    ]


def _prefetches(statuses: frozenset[str]) -> tuple[Prefetch, ...]:
    return (
        Prefetch(
            "media",
            queryset=LessonMedia.objects.prefetch_related(
                Prefetch("translations", queryset=LessonMediaTranslation.objects.filter(status__in=statuses))
            ),
        ),
        Prefetch(
            "images",
            queryset=LessonImage.objects.prefetch_related(
                Prefetch("translations", queryset=LessonImageTranslation.objects.filter(status__in=statuses))
            ),
        ),
        Prefetch(
            "attachments",
            queryset=LessonAttachment.objects.prefetch_related(
                Prefetch("translations", queryset=LessonAttachmentTranslation.objects.filter(status__in=statuses))
            ),
        ),
    )


def content_of(
    lesson: Lesson, *, code: str, language: str, preview: bool = False, low_bandwidth: bool = False
) -> LessonContent:
    """The content of `lesson`, whose media, images and attachments are prefetched (`_prefetches`)."""
    statuses = PREVIEW_STATUSES if preview else READER_STATUSES
    content = LessonContent()
    for media in lesson.media.all():
        rows = list(media.translations.all())
        transcript = text_pick(rows, "transcript", language=language, statuses=statuses)
        tracks = _tracks(code, media, rows, language, statuses)
        content.media.append(
            MediaItem(
                media=media,
                title=text_pick(rows, "title", language=language, statuses=statuses),
                sources=_sources(code, media, low_bandwidth),
                tracks=tracks,
                transcript=markdown_render(transcript.value) if transcript else None,
                transcript_text=transcript,
                captions_text=None if transcript else _captions_text(rows, tracks, language),
            )
        )
    for image in lesson.images.all():
        alt = text_pick(image.translations.all(), "alt_text", language=language, statuses=statuses)
        url = reverse("catalog:lesson_image", args=[code, lesson.pk, image.key]) + f"?v={_version(image.file.name)}"
        content.images[image.key] = ImageRef(
            src=url,
            alt=alt.value if alt else "",
            language_code=alt.language_code if alt else "",
            width=image.width,
            height=image.height,
        )
        content.image_rows[image.key] = image
    for attachment in lesson.attachments.all():
        content.attachments.append(
            AttachmentItem(
                attachment=attachment,
                title=text_pick(attachment.translations.all(), "title", language=language, statuses=statuses),
                url=reverse("catalog:lesson_attachment", args=[code, lesson.pk, attachment.pk]),
                kind_label=KINDS[attachment.file_kind].label,
            )
        )
    return content


def lesson_content(
    *, lesson: Lesson, code: str, language: str, preview: bool = False, low_bandwidth: bool = False
) -> LessonContent:
    """The media, images and attachments of one lesson; six queries."""
    prefetch_related_objects([lesson], *_prefetches(PREVIEW_STATUSES if preview else READER_STATUSES))
    return content_of(lesson, code=code, language=language, preview=preview, low_bandwidth=low_bandwidth)


def with_content(queryset: Any, *, preview: bool = False) -> Any:
    """`queryset` of lessons with what `content_of` reads prefetched: six queries for any number of lessons."""
    return queryset.prefetch_related(*_prefetches(PREVIEW_STATUSES if preview else READER_STATUSES))


@dataclass
class Managed:
    """A medium, image or attachment as the course team's page lists it: its translations, the
    reader's language first, each with its language's name in the reader's language."""

    obj: Any
    texts: list[tuple[Any, str]]  # (translation row, language name)
    source: Source | None = None  # a medium's main source: an external page is named as such

    @property
    def first_title(self) -> str:
        return next((row.title for row, _name in self.texts if getattr(row, "title", "")), "")


@dataclass
class ManagedLesson:
    """What the course team's media page lists: every row, whatever its status, with all its translations."""

    media: list[Managed]
    images: list[Managed]
    attachments: list[Managed]


def _managed(obj: Any) -> Managed:
    return Managed(obj, [(row, language_name(row.language_code)) for row in obj.translations.all()])


def _reader_first(queryset: "QuerySet[Any]", language: str) -> Prefetch:
    """Translations in the reader's fallback order: their own language's first."""
    rank = Case(
        *(When(language_code=code, then=Value(index)) for index, code in enumerate(fallback_order(language))),
        default=Value(len(settings.LANGUAGES)),
        output_field=IntegerField(),
    )
    return Prefetch("translations", queryset=queryset.order_by(rank, "language_code"))


def lesson_media_managed(*, lesson: Lesson, language: str) -> ManagedLesson:
    """A lesson's media, images and attachments with all their translations, the reader's
    language first; six queries."""
    media = list(
        LessonMedia.objects.filter(lesson=lesson).prefetch_related(
            _reader_first(LessonMediaTranslation.objects.all(), language)
        )
    )
    images = list(
        LessonImage.objects.filter(lesson=lesson).prefetch_related(
            _reader_first(LessonImageTranslation.objects.all(), language)
        )
    )
    attachments = list(
        LessonAttachment.objects.filter(lesson=lesson).prefetch_related(
            _reader_first(LessonAttachmentTranslation.objects.all(), language)
        )
    )
    managed_media = []
    for row in media:
        item = _managed(row)
        item.source = None if row.file else _external_source(row)
        managed_media.append(item)
    return ManagedLesson(
        media=managed_media,
        images=[_managed(image) for image in images],
        attachments=[_managed(attachment) for attachment in attachments],
    )
