"""Courses, their modules and lessons, and the translated text of each.

The structure (codes, positions, workload) is language-neutral; every text a reader sees
lives in a companion `…Translation` row per language with its own status, as Saleor does
(docs/decisions/0004). Readers see only published translations (erdem.catalog.translations).
"""

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
