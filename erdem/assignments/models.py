"""Practical assignments on lessons, the rubrics that judge them, and what learners hand in.

An assignment's texts (title, instructions in Markdown) and its rubric's texts (criteria,
levels) live in companion translation tables with a status per language, as in the catalog
(docs/decisions/0004). A learner hands in numbered submissions, one at a time: a new one only
after a reviewer asked for a revision, none after approval. Each review records the decision,
the comment and the level chosen for every criterion. Files are stored under a random name in
a private folder (MEDIA_ROOT is not served) and only go out through the download view.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from erdem.catalog.models import Translation
from erdem.core.uploads import DOCUMENTS, IMAGES, KINDS

MEGABYTE = 1024 * 1024
DEFAULT_KINDS = [*DOCUMENTS, *IMAGES]


def kinds_validate(value: object) -> None:
    if not isinstance(value, list) or not value or any(key not in KINDS for key in value):
        raise ValidationError(
            _("Choose the kinds of file from: %(kinds)s."), params={"kinds": ", ".join(KINDS)}, code="kinds"
        )


def _default_kinds() -> list[str]:
    return list(DEFAULT_KINDS)


class Assignment(models.Model):
    lesson = models.ForeignKey(
        "catalog.Lesson", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("lesson")
    )
    required = models.BooleanField(
        _("required for completion"), default=True, help_text=_("The course completes only once it is approved.")
    )
    max_files = models.PositiveSmallIntegerField(
        _("files per submission (at most)"), default=3, validators=[MaxValueValidator(20)], help_text=_("0: text only.")
    )
    max_file_bytes = models.PositiveIntegerField(
        _("size per file (at most, bytes)"),
        default=10 * MEGABYTE,
        validators=[MinValueValidator(1024), MaxValueValidator(100 * MEGABYTE)],
    )
    max_total_bytes = models.PositiveIntegerField(
        _("size of all files of a submission (at most, bytes)"),
        default=25 * MEGABYTE,
        validators=[MinValueValidator(1024), MaxValueValidator(200 * MEGABYTE)],
    )
    allowed_kinds = models.JSONField(_("kinds of file accepted"), default=_default_kinds, validators=[kinds_validate])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["lesson", "pk"]
        verbose_name = _("practical assignment")
        verbose_name_plural = _("practical assignments")

    def __str__(self) -> str:
        return f"assignment {self.pk} of lesson {self.lesson_id}"


class AssignmentTranslation(Translation):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="translations", verbose_name=_("practical assignment")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    instructions = models.TextField(_("instructions (Markdown)"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "language_code"], name="assignment_translation_unique")
        ]
        verbose_name = _("assignment translation")
        verbose_name_plural = _("assignment translations")

    def __str__(self) -> str:
        return f"{self.assignment_id} [{self.language_code}]"


class Criterion(models.Model):
    """One row of the rubric; its weight multiplies the points of the level chosen."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("practical assignment")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["assignment", "position"]
        constraints = [models.UniqueConstraint(fields=["assignment", "position"], name="criterion_position_unique")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.position}"


class CriterionTranslation(Translation):
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="translations", verbose_name=_("criterion")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "language_code"], name="criterion_translation_unique")
        ]
        verbose_name = _("criterion translation")
        verbose_name_plural = _("criterion translations")

    def __str__(self) -> str:
        return f"{self.criterion_id} [{self.language_code}]"


class Level(models.Model):
    """One column of a criterion's row: a level of achievement and its points."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("criterion")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        ordering = ["criterion", "position"]
        constraints = [models.UniqueConstraint(fields=["criterion", "position"], name="level_position_unique")]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return f"{self.criterion_id}/{self.position}"


class LevelTranslation(Translation):
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="translations", verbose_name=_("level"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    descriptor = models.TextField(_("descriptor"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "language_code"], name="level_translation_unique")]
        verbose_name = _("level translation")
        verbose_name_plural = _("level translations")

    def __str__(self) -> str:
        return f"{self.level_id} [{self.language_code}]"


class Submission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        APPROVED = "approved", _("approved")
        REVISION_REQUESTED = "revision_requested", _("revision requested")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("practical assignment")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("person")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)

    class Meta:
        ordering = ["assignment", "person", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "person", "number"], name="submission_number_unique"),
            # The database backs the service's rules: one submission waiting, one approved, per learner.
            models.UniqueConstraint(
                fields=["assignment", "person"], condition=Q(status="submitted"), name="submission_one_waiting"
            ),
            models.UniqueConstraint(
                fields=["assignment", "person"], condition=Q(status="approved"), name="submission_one_approved"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="submission_queue_idx")]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"submission {self.number} of {self.person_id} to {self.assignment_id}"

    # What the access policy asks (erdem.access.policy): the selectors set both when they load submissions.
    @cached_property
    def programme_id(self) -> int:
        return int(self.assignment.lesson.module.course.programme_id)

    @cached_property
    def cohort_trainer_ids(self) -> frozenset[int]:
        """The trainers of the cohort the learner takes the course with (none when self-enrolled)."""
        from erdem.learning.models import Cohort

        course_id = self.assignment.lesson.module.course_id
        trainers = Cohort.trainers.through.objects.filter(
            cohort__enrolments__person_id=self.person_id, cohort__enrolments__course_id=course_id
        )
        return frozenset(trainers.values_list("person_id", flat=True))


def submission_file_path(instance: "SubmissionFile", filename: str) -> str:
    """A random name in a private folder: the uploader's name never reaches the disk."""
    return f"private/submissions/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submission")
    )
    file = models.FileField(_("file"), upload_to=submission_file_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["submission", "pk"]
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """A reviewer's judgement of one submission; the first review of a submission is the only one."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("approve")
        REVISE = "revise", _("request a revision")

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="review", verbose_name=_("submission")
    )
    # A reviewer's account may be deleted; the judgement stays with the learner's history.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reviews_given",
        verbose_name=_("reviewer"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"))

    class Meta:
        ordering = ["reviewed_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review of {self.submission_id}"


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+", verbose_name=_("criterion"))
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+", verbose_name=_("level"))

    class Meta:
        ordering = ["review", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="criterion_score_unique")]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")

    def __str__(self) -> str:
        return f"{self.review_id}: {self.criterion_id} = {self.level_id}"
