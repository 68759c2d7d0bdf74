"""Courses, their modules and lessons, and the translated text of each.

The structure (codes, positions, workload) is language-neutral; every text a reader sees
lives in a companion `…Translation` row per language with its own status, as Saleor does
(docs/decisions/0004). Readers see only published translations (erdem.catalog.translations).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    class Level(models.TextChoices):
        FOUNDATIONAL = "foundational", _("foundational")
        INTERMEDIATE = "intermediate", _("intermediate")
        ADVANCED = "advanced", _("advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="courses", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    workload_hours = models.PositiveSmallIntegerField(_("notional workload (hours)"))
    languages = models.JSONField(
        _("languages offered"), default=list, help_text=_('Language codes, for example ["mn", "en"].')
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    competencies = models.ManyToManyField(
        "frameworks.Competency", related_name="courses", blank=True, verbose_name=_("competencies")
    )
    authoring_institutions = models.ManyToManyField(
        "organisations.Institution",
        related_name="authored_courses",
        blank=True,
        verbose_name=_("authoring institutions"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="authored_courses",
        blank=True,
        verbose_name=_("course team"),
        help_text=_("People who write and translate the course; they may edit it whatever its status."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.code


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="module_position_unique")]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.course_id}/{self.position}"


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module"))
    position = models.PositiveSmallIntegerField(_("position"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"))

    class Meta:
        ordering = ["module", "position"]
        constraints = [models.UniqueConstraint(fields=["module", "position"], name="lesson_position_unique")]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return f"{self.module_id}/{self.position}"


class TranslationStatus(models.TextChoices):
    """Where one unit stands in one language; only `published` is shown to readers."""

    MISSING = "missing", _("missing")
    DRAFT = "draft", _("draft")
    MACHINE_DRAFT = "machine_draft", _("machine draft")
    REVIEWED = "reviewed", _("reviewed")
    PUBLISHED = "published", _("published")


class Translation(models.Model):
    language_code = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("translation status"), max_length=20, choices=TranslationStatus.choices, default=TranslationStatus.MISSING
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CourseTranslation(Translation):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="translations", verbose_name=_("course"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "language_code"], name="course_translation_unique")]
        verbose_name = _("course translation")
        verbose_name_plural = _("course translations")

    def __str__(self) -> str:
        return f"{self.course_id} [{self.language_code}]"


class ModuleTranslation(Translation):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="translations", verbose_name=_("module"))
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module", "language_code"], name="module_translation_unique")]
        verbose_name = _("module translation")
        verbose_name_plural = _("module translations")

    def __str__(self) -> str:
        return f"{self.module_id} [{self.language_code}]"


class LessonTranslation(Translation):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="translations", verbose_name=_("lesson"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lesson", "language_code"], name="lesson_translation_unique")]
        verbose_name = _("lesson translation")
        verbose_name_plural = _("lesson translations")

    def __str__(self) -> str:
        return f"{self.lesson_id} [{self.language_code}]"


# --- lesson content beyond the Markdown body ----------------------------------------------------------------
#
# Media, images and attachments belong to a lesson; their texts (titles, captions, transcripts,
# alt texts) live in companion translation rows with a status, like the lesson's own text. Stored
# files get random names under `catalog/<course id>/` and are never served from MEDIA_URL: the
# views in erdem.catalog.media_views check that the reader may read the lesson, then stream them.
# `*_kind` is the kind sniffed from the content at upload (erdem.core.uploads.KINDS), which sets
# the Content-Type they are served with; `*_size` is kept so pages show sizes without touching disk.


def lesson_file_path(instance: models.Model, filename: str) -> str:
    """catalog/<course id>/<random>.<extension>: unguessable, and nothing of the uploader's name."""
    lesson = instance if isinstance(instance, Lesson) else getattr(instance, "lesson", None)
    if lesson is None:
        lesson = instance.media.lesson  # type: ignore[attr-defined]  # a LessonMediaTranslation
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"catalog/{lesson.module.course_id}/{uuid.uuid4().hex}.{extension}"


class LessonMedia(models.Model):
    """A video or an audio recording on a lesson: an uploaded file or an external https URL, with
    an optional low-bandwidth alternative (audio only or low resolution) offered first to people
    who asked for low bandwidth. Titles, captions and transcripts are per language."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("video")
        AUDIO = "audio", _("audio")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="media", verbose_name=_("lesson"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=lesson_file_path, blank=True, max_length=200)
    file_kind = models.CharField(_("file type"), max_length=10, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    external_url = models.URLField(_("external URL"), max_length=500, blank=True)
    low_bandwidth_file = models.FileField(
        _("low-bandwidth alternative"), upload_to=lesson_file_path, blank=True, max_length=200
    )
    low_bandwidth_kind = models.CharField(_("low-bandwidth file type"), max_length=10, blank=True)
    low_bandwidth_size = models.PositiveBigIntegerField(_("low-bandwidth file size (bytes)"), null=True, blank=True)

    class Meta:
        ordering = ["lesson", "position", "pk"]
        constraints = [
            # Exactly one source: an uploaded file or an external URL.
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(external_url=""))
                | (~models.Q(file="") & models.Q(external_url="")),
                name="lesson_media_one_source",
            ),
        ]
        verbose_name = _("lesson media")
        verbose_name_plural = _("lesson media")

    def __str__(self) -> str:
        return f"{self.lesson_id}/media/{self.pk}"


class LessonMediaTranslation(Translation):
    """A medium's title, WebVTT captions and transcript (Markdown) in one language."""

    media = models.ForeignKey(
        LessonMedia, on_delete=models.CASCADE, related_name="translations", verbose_name=_("media")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    captions = models.FileField(_("captions (WebVTT)"), upload_to=lesson_file_path, blank=True, max_length=200)
    captions_size = models.PositiveIntegerField(_("captions size (bytes)"), null=True, blank=True)
    transcript = models.TextField(_("transcript (Markdown)"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["media", "language_code"], name="lesson_media_translation_unique")
        ]
        verbose_name = _("lesson media translation")
        verbose_name_plural = _("lesson media translations")

    def __str__(self) -> str:
        return f"{self.media_id} [{self.language_code}]"


class LessonImage(models.Model):
    """An image the lesson's Markdown shows with `![](image:<key>)`; alt text per language."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="images", verbose_name=_("lesson"))
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Write ![](image:KEY) in the lesson text where the image goes.")
    )
    file = models.FileField(_("image"), upload_to=lesson_file_path, max_length=200)
    file_kind = models.CharField(_("file type"), max_length=10)
    file_size = models.PositiveIntegerField(_("file size (bytes)"))
    width = models.PositiveIntegerField(_("width (pixels)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (pixels)"), null=True, blank=True)

    class Meta:
        ordering = ["lesson", "key"]
        constraints = [models.UniqueConstraint(fields=["lesson", "key"], name="lesson_image_key_unique")]
        verbose_name = _("lesson image")
        verbose_name_plural = _("lesson images")

    def __str__(self) -> str:
        return f"{self.lesson_id}/image/{self.key}"


class LessonImageTranslation(Translation):
    image = models.ForeignKey(
        LessonImage, on_delete=models.CASCADE, related_name="translations", verbose_name=_("image")
    )
    alt_text = models.CharField(_("alternative text"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "language_code"], name="lesson_image_translation_unique")
        ]
        verbose_name = _("lesson image translation")
        verbose_name_plural = _("lesson image translations")

    def __str__(self) -> str:
        return f"{self.image_id} [{self.language_code}]"


class LessonAttachment(models.Model):
    """A file that comes with a lesson (a worksheet, slides); always downloaded, never shown inline."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("lesson"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    file = models.FileField(_("file"), upload_to=lesson_file_path, max_length=200)
    file_kind = models.CharField(_("file type"), max_length=10)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"))

    class Meta:
        ordering = ["lesson", "position", "pk"]
        verbose_name = _("lesson attachment")
        verbose_name_plural = _("lesson attachments")

    def __str__(self) -> str:
        return f"{self.lesson_id}/attachment/{self.pk}"


class LessonAttachmentTranslation(Translation):
    attachment = models.ForeignKey(
        LessonAttachment, on_delete=models.CASCADE, related_name="translations", verbose_name=_("attachment")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attachment", "language_code"], name="lesson_attachment_translation_unique")
        ]
        verbose_name = _("lesson attachment translation")
        verbose_name_plural = _("lesson attachment translations")

    def __str__(self) -> str:
        return f"{self.attachment_id} [{self.language_code}]"
