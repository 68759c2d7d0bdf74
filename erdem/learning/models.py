"""Who studies which course, how far they got, and the cohorts trainers follow.

An enrolment is one person in one course, however they came (on their own or with a cohort);
`last_lesson` is where "continue where you left off" leads. A lesson is done once per
enrolment (LessonProgress); the course is complete when every completion rule passes
(erdem.learning.completion). Once complete, the learner may answer the course's feedback
survey (CourseFeedback), once per enrolment.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    """A group of educators taking a course together, followed by its trainers."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("course")
    )
    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.PROTECT,
        related_name="cohorts",
        null=True,
        blank=True,
        verbose_name=_("institution"),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trained_cohorts", blank=True, verbose_name=_("trainers")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("self-enrolled")
        COHORT = "cohort", _("with a cohort")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("person")
    )
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SELF)
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.SET_NULL,
        related_name="enrolments",
        null=True,
        blank=True,
        verbose_name=_("cohort"),
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "catalog.Lesson",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("last lesson visited"),
    )
    last_visited_at = models.DateTimeField(_("last visit"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="enrolment_person_course_unique")]
        indexes = [models.Index(fields=["person", "-last_visited_at"], name="enrolment_recent_idx")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.course_id}"


class LessonProgress(models.Model):
    """A lesson an enrolled person marked as done."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lessons_done", verbose_name=_("enrolment")
    )
    lesson = models.ForeignKey(
        "catalog.Lesson", on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson")
    )
    completed_at = models.DateTimeField(_("done"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_unique")]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class CourseFeedback(models.Model):
    """A learner's answers to the survey offered when they complete a course.

    `rating` (the course overall) feeds the "rated highly" figure: the share of answers of 4 or 5.
    `comment` is plain text, stored as written (stripped of control characters, length-limited by the
    service) and escaped wherever it is shown. `language_code` is the language the learner wrote in."""

    SCALE = (1, 5)
    COMMENT_MAX_LENGTH = 2000

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("enrolment")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    language_code = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5), name="feedback_usefulness_1_5"
            ),
        ]
        verbose_name = _("course feedback")
        verbose_name_plural = _("course feedback")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.rating}"
