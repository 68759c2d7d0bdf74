"""Quizzes attached to lessons, their question banks, and the attempts people make.

Texts live in companion translation tables with a status per language, as in the catalog
(docs/decisions/0004); readers see published ones, falling back to the other language. What
makes an answer correct (choice flags, numbers, accepted texts) never leaves the server before
the quiz's feedback setting allows it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from erdem.assessments.grading import ANSWER_MAX_LENGTH, PATTERN_MAX_LENGTH, pattern_validate
from erdem.catalog.models import Translation


class Quiz(models.Model):
    class Feedback(models.TextChoices):
        NONE = "none", _("score only")
        AFTER_ATTEMPT = "after_attempt", _("after each attempt: which answers were correct")
        AFTER_PASSING = "after_passing", _("after passing: the correct answers")

    lesson = models.ForeignKey(
        "catalog.Lesson", on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("lesson")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    attempt_limit = models.PositiveSmallIntegerField(_("attempt limit"), default=0, help_text=_("0: unlimited."))
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), null=True, blank=True)
    feedback = models.CharField(_("feedback"), max_length=20, choices=Feedback.choices, default=Feedback.NONE)
    draw_count = models.PositiveSmallIntegerField(
        _("questions per attempt"), default=0, help_text=_("Drawn at random from the bank; 0: every question.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["lesson", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return f"quiz {self.pk} of lesson {self.lesson_id}"


class QuizTranslation(Translation):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="translations", verbose_name=_("quiz"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "language_code"], name="quiz_translation_unique")]
        verbose_name = _("quiz translation")
        verbose_name_plural = _("quiz translations")

    def __str__(self) -> str:
        return f"{self.quiz_id} [{self.language_code}]"


class Question(models.Model):
    """One question of a quiz's bank; each attempt draws from the bank."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TRUE_FALSE = "true_false", _("true or false")
        NUMERIC = "numeric", _("number")
        SHORT_TEXT = "short_text", _("short text")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    true_false_answer = models.BooleanField(_("true or false: the answer"), null=True, blank=True)
    numeric_answer = models.DecimalField(
        _("number: the answer"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    numeric_tolerance = models.DecimalField(_("number: tolerance"), max_digits=14, decimal_places=4, default=0)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "position"], name="question_position_unique")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.position}"


class QuestionTranslation(Translation):
    """The question's text; for short-text questions also the answer accepted in this language:
    an exact answer (compared ignoring case and spaces) and/or a regular expression."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="translations", verbose_name=_("question")
    )
    text = models.TextField(_("text"), blank=True)
    accepted_answer = models.CharField(_("accepted answer"), max_length=ANSWER_MAX_LENGTH, blank=True)
    accepted_pattern = models.CharField(
        _("accepted pattern (regular expression)"),
        max_length=PATTERN_MAX_LENGTH,
        blank=True,
        validators=[pattern_validate],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "language_code"], name="question_translation_unique")
        ]
        verbose_name = _("question translation")
        verbose_name_plural = _("question translations")

    def __str__(self) -> str:
        return f"{self.question_id} [{self.language_code}]"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"))
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique")]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return f"{self.question_id}/{self.position}"


class ChoiceTranslation(Translation):
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="translations", verbose_name=_("choice"))
    text = models.CharField(_("text"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["choice", "language_code"], name="choice_translation_unique")]
        verbose_name = _("choice translation")
        verbose_name_plural = _("choice translations")

    def __str__(self) -> str:
        return f"{self.choice_id} [{self.language_code}]"


class Attempt(models.Model):
    """One go at a quiz: the questions drawn for it (in order), the answers, the result.

    `answers` maps a question id (as text) to the answer given: a string, or a list of choice
    ids for multiple choice; `results` maps it to whether that answer was correct. An attempt
    submitted after its time limit is closed as `expired` with a score of 0.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("person")
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    started_at = models.DateTimeField(_("started"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    question_ids = models.JSONField(_("questions drawn"), default=list)
    answers = models.JSONField(_("answers"), default=dict)
    results = models.JSONField(_("results per question"), default=dict)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    expired = models.BooleanField(_("expired"), default=False)

    class Meta:
        ordering = ["quiz", "person", "started_at"]
        indexes = [models.Index(fields=["person", "quiz"], name="attempt_person_quiz")]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self) -> str:
        return f"attempt {self.pk} at quiz {self.quiz_id}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None
