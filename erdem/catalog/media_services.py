"""Writes for a lesson's media, images and attachments.

Every file is checked here, whoever calls (the course team's pages, a course package import):
its kind is sniffed from the content (erdem.core.uploads), its size bounded, captions must be
UTF-8 WebVTT, external media must be https. A check that fails raises ValidationError keyed by
the field it concerns, so a form shows it next to that field. A replaced or deleted file is
removed from storage after the commit, unless another row still points at it (the demo shares
its generated files between lessons).
"""

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

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
from erdem.core.uploads import AUDIO, DOCUMENTS, IMAGES, VIDEO, FileKind, upload_check

MB = 1024 * 1024
VIDEO_MAX_BYTES = 300 * MB
AUDIO_MAX_BYTES = 100 * MB
LOW_BANDWIDTH_MAX_BYTES = 60 * MB
CAPTIONS_MAX_BYTES = 512 * 1024
IMAGE_MAX_BYTES = 2 * MB
ATTACHMENT_MAX_BYTES = 20 * MB
ATTACHMENT_KINDS = (*DOCUMENTS, "zip", *IMAGES)
MEDIA_KINDS: dict[str, tuple[str, ...]] = {LessonMedia.Kind.VIDEO: VIDEO, LessonMedia.Kind.AUDIO: AUDIO}
MEDIA_MAX_BYTES: dict[str, int] = {LessonMedia.Kind.VIDEO: VIDEO_MAX_BYTES, LessonMedia.Kind.AUDIO: AUDIO_MAX_BYTES}


# --- checks ------------------------------------------------------------------------------------------------


def _error(field: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check(upload: Any, field: str, *, kinds: Iterable[str], max_bytes: int) -> FileKind:
    try:
        return upload_check(upload, kinds=kinds, max_bytes=max_bytes)
    except ValidationError as error:
        raise ValidationError({field: error}) from error


def external_url_check(url: str, field: str = "external_url") -> str:
    """An external medium's address: https, a host, no user name or password in it."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        message = _("Give an address that starts with https:// (secure links only), without a password in it.")
        raise _error(field, message, "external_url")
    return url.strip()


def captions_check(upload: Any, field: str) -> int:
    """A WebVTT captions file: sniffed as such, within the size limit, UTF-8 throughout, and
    starting with the WEBVTT signature line. Returns its size."""
    _check(upload, field, kinds=("vtt",), max_bytes=CAPTIONS_MAX_BYTES)
    upload.seek(0)
    content: bytes = upload.read()
    upload.seek(0)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _error(field, _("The captions file must be written in UTF-8."), "encoding") from error
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise _error(field, _("A WebVTT captions file starts with the line WEBVTT."), "vtt")
    return len(content)


def image_dimensions(head: bytes) -> tuple[int, int] | None:
    """(width, height) read from the first bytes of a PNG, GIF, JPEG or WebP image; None when
    they do not say (the page then reserves no space, which is only a layout shift)."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            width, height = struct.unpack(">II", head[16:24])
            return width, height
        if head[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", head[6:10])
            return width, height
        if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            chunk = head[12:16]
            if chunk == b"VP8 ":
                width, height = struct.unpack("<HH", head[26:30])
                return width & 0x3FFF, height & 0x3FFF
            if chunk == b"VP8L":
                bits = int.from_bytes(head[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if chunk == b"VP8X":
                return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
            return None
        if head.startswith(b"\xff\xd8"):
            return _jpeg_dimensions(head)
    except (struct.error, IndexError):
        return None
    return None


def _jpeg_dimensions(head: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(head):
        if head[index] != 0xFF:
            return None
        marker = head[index + 1]
        length = struct.unpack(">H", head[index + 2 : index + 4])[0]
        # Start-of-frame markers (baseline, progressive, …), not DHT (C4), JPG (C8) or DAC (CC).
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", head[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None


# --- writes ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaText:
    """What the course team writes for a medium in one language."""

    title: str = ""
    transcript: str = ""
    status: str = TranslationStatus.PUBLISHED
    captions: Any = None  # a new WebVTT upload, or None to keep what is there
    remove_captions: bool = False


_FILE_ROWS = (
    (LessonMedia, "file"),
    (LessonMedia, "low_bandwidth_file"),
    (LessonMediaTranslation, "captions"),
    (LessonImage, "file"),
    (LessonAttachment, "file"),
)


def _file_in_use(name: str) -> bool:
    return any(model.objects.filter(Q(**{field: name})).exists() for model, field in _FILE_ROWS)


def _discard_later(names: Iterable[str]) -> None:
    """Delete stored files once the change that let go of them is committed and nothing points at them."""
    names = [name for name in names if name]

    def discard() -> None:
        for name in names:
            if not _file_in_use(name):
                default_storage.delete(name)

    if names:
        transaction.on_commit(discard)


@transaction.atomic
def lesson_media_save(
    *,
    lesson: Lesson,
    media: LessonMedia | None = None,
    kind: str,
    position: int = 1,
    file: Any = None,
    external_url: str = "",
    low_bandwidth_file: Any = None,
    remove_low_bandwidth: bool = False,
    texts: dict[str, MediaText] | None = None,
) -> LessonMedia:
    """Add a medium to `lesson` (media=None) or change one of its media. The source is the new
    `file` if given, else the new `external_url` if given, else what it was; one is required."""
    if media is not None and media.lesson_id != lesson.pk:
        raise ValueError("the medium belongs to another lesson")
    media = media or LessonMedia(lesson=lesson)
    old_names: list[str] = []
    media.kind, media.position = kind, position
    if file is not None:
        checked = _check(file, "file", kinds=MEDIA_KINDS[kind], max_bytes=MEDIA_MAX_BYTES[kind])
        old_names.append(media.file.name or "")
        media.file, media.file_kind, media.file_size, media.external_url = file, checked.key, file.size, ""
    elif external_url:
        old_names.append(media.file.name or "")
        media.external_url = external_url_check(external_url)
        media.file, media.file_kind, media.file_size = "", "", None
    elif not media.file and not media.external_url:
        raise _error("file", _("Upload a file or give an external address."), "required")
    elif media.file and media.file_kind not in MEDIA_KINDS[kind]:
        raise _error("kind", _("The uploaded file does not match this kind."), "kind")
    if low_bandwidth_file is not None:
        checked = _check(
            low_bandwidth_file, "low_bandwidth_file", kinds=(*AUDIO, *VIDEO), max_bytes=LOW_BANDWIDTH_MAX_BYTES
        )
        old_names.append(media.low_bandwidth_file.name or "")
        media.low_bandwidth_file = low_bandwidth_file
        media.low_bandwidth_kind, media.low_bandwidth_size = checked.key, low_bandwidth_file.size
    elif remove_low_bandwidth and media.low_bandwidth_file:
        old_names.append(media.low_bandwidth_file.name)
        media.low_bandwidth_file, media.low_bandwidth_kind, media.low_bandwidth_size = "", "", None
    media.save()
    for language, text in (texts or {}).items():
        _media_text_save(media, language, text, old_names)
    _discard_later(old_names)
    return media


def _media_text_save(media: LessonMedia, language: str, text: MediaText, old_names: list[str]) -> None:
    field = f"captions_{language}"
    row = LessonMediaTranslation.objects.filter(media=media, language_code=language).first()
    row = row or LessonMediaTranslation(media=media, language_code=language)
    row.title, row.transcript, row.status = text.title.strip(), text.transcript.strip(), text.status
    if text.captions is not None:
        size = captions_check(text.captions, field)
        old_names.append(row.captions.name or "")
        row.captions, row.captions_size = text.captions, size
    elif text.remove_captions and row.captions:
        old_names.append(row.captions.name)
        row.captions, row.captions_size = "", None
    if row.pk is None and not (row.title or row.transcript or row.captions):
        return  # nothing written in this language: no row, so the other language is shown
    row.save()


@transaction.atomic
def lesson_media_delete(*, media: LessonMedia) -> None:
    names = [media.file.name, media.low_bandwidth_file.name]
    names += [row.captions.name for row in media.translations.all()]
    media.delete()
    _discard_later(names)


@transaction.atomic
def lesson_image_save(
    *,
    lesson: Lesson,
    image: LessonImage | None = None,
    key: str,
    file: Any = None,
    alt_texts: dict[str, str],
    status: str = TranslationStatus.PUBLISHED,
) -> LessonImage:
    """Add an image to `lesson` or change one (its key, file and alt texts)."""
    if image is not None and image.lesson_id != lesson.pk:
        raise ValueError("the image belongs to another lesson")
    same_key = LessonImage.objects.filter(lesson=lesson, key=key)
    if (same_key.exclude(pk=image.pk) if image else same_key).exists():
        raise _error("key", _("This lesson already has an image with this key."), "unique")
    image = image or LessonImage(lesson=lesson)
    image.key = key
    old_names: list[str] = []
    if file is not None:
        checked = _check(file, "file", kinds=IMAGES, max_bytes=IMAGE_MAX_BYTES)
        file.seek(0)
        dimensions = image_dimensions(file.read(64 * 1024))
        file.seek(0)
        old_names.append(image.file.name or "")
        image.file, image.file_kind, image.file_size = file, checked.key, file.size
        image.width, image.height = dimensions or (None, None)
    elif not image.file:
        raise _error("file", _("Choose an image to upload."), "required")
    image.save()
    for language, alt_text in alt_texts.items():
        LessonImageTranslation.objects.update_or_create(
            image=image,
            language_code=language,
            defaults={
                "alt_text": alt_text.strip(),
                "status": status if alt_text.strip() else TranslationStatus.MISSING,
            },
        )
    _discard_later(old_names)
    return image


@transaction.atomic
def lesson_image_delete(*, image: LessonImage) -> None:
    name = image.file.name
    image.delete()
    _discard_later([name])


@transaction.atomic
def lesson_attachment_save(
    *,
    lesson: Lesson,
    attachment: LessonAttachment | None = None,
    position: int = 1,
    file: Any = None,
    titles: dict[str, str],
    status: str = TranslationStatus.PUBLISHED,
) -> LessonAttachment:
    """Add a file to download to `lesson` or change one (its file and titles)."""
    if attachment is not None and attachment.lesson_id != lesson.pk:
        raise ValueError("the attachment belongs to another lesson")
    attachment = attachment or LessonAttachment(lesson=lesson)
    attachment.position = position
    old_names: list[str] = []
    if file is not None:
        checked = _check(file, "file", kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
        old_names.append(attachment.file.name or "")
        attachment.file, attachment.file_kind, attachment.file_size = file, checked.key, file.size
    elif not attachment.file:
        raise _error("file", _("Choose a file to upload."), "required")
    if not any(title.strip() for title in titles.values()):
        raise _error("title_en", _("Give the file a title in at least one language."), "required")
    attachment.save()
    for language, title in titles.items():
        LessonAttachmentTranslation.objects.update_or_create(
            attachment=attachment,
            language_code=language,
            defaults={"title": title.strip(), "status": status if title.strip() else TranslationStatus.MISSING},
        )
    _discard_later(old_names)
    return attachment


@transaction.atomic
def lesson_attachment_delete(*, attachment: LessonAttachment) -> None:
    name = attachment.file.name
    attachment.delete()
    _discard_later([name])


def limits_description() -> dict[str, str]:
    """The size limits, written for people: shown next to the upload fields."""
    return {
        "video": filesizeformat(VIDEO_MAX_BYTES),
        "audio": filesizeformat(AUDIO_MAX_BYTES),
        "low_bandwidth": filesizeformat(LOW_BANDWIDTH_MAX_BYTES),
        "captions": filesizeformat(CAPTIONS_MAX_BYTES),
        "image": filesizeformat(IMAGE_MAX_BYTES),
        "attachment": filesizeformat(ATTACHMENT_MAX_BYTES),
    }
