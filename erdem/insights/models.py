"""National insight: the monthly rollup the dashboards read, follow-up impact surveys, reports.

`Fact` is a materialised rollup of the programme's raw records (docs/insights.md, docs/decisions/
0017): one row per measure, month, course, core-course step, institution (with its region) and, for
the person's discipline, gender and language, one marginal row per value beside the total row
(dimension ""), and the same rows summed over all institutions (`national`). `rollups.rollup_refresh`
rebuilds a programme's rows from the raw records in one transaction; `ProgrammeInsights` says when,
and which courses are the programme's core courses.

A `Survey` is sent some months after certification (`SurveyInvitation`, one per survey and
person); its questions (`SurveyQuestion`: choice, scale or text, in both languages) have choices,
some of which count as "integrating AI". A `SurveyResponse` is given once per invitation.

A `Report` is the periodic national report for a period, a PDF in each language, built as a job.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erdem.insights.measures import Measure


class ProgrammeInsights(models.Model):
    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="insights", verbose_name=_("programme")
    )
    core_courses = models.ManyToManyField(
        "catalog.Course",
        blank=True,
        related_name="+",
        verbose_name=_("core courses"),
        help_text=_(
            "The courses whose completion, all together, the programme reports (for example the three AI courses)."
        ),
    )
    refreshed_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    refresh_queued_at = models.DateTimeField(_("refresh queued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme insight settings")
        verbose_name_plural = _("programme insight settings")

    def __str__(self) -> str:
        return str(self.programme)


class Fact(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    month = models.DateField()  # the first day of the month, Ulaanbaatar time
    course = models.ForeignKey("catalog.Course", on_delete=models.CASCADE, null=True, related_name="+")
    step = models.PositiveSmallIntegerField(default=0)  # for CORE_STEP: how many core courses completed
    institution = models.ForeignKey("organisations.Institution", on_delete=models.CASCADE, null=True, related_name="+")
    region = models.ForeignKey("organisations.Region", on_delete=models.CASCADE, null=True, related_name="+")
    dimension = models.CharField(max_length=12, blank=True)  # "" (total), discipline, gender, language
    value = models.CharField(max_length=40, blank=True)
    # The same counts summed over every institution (institution and region empty): what national figures
    # read, a few dozen times fewer rows than the per-institution ones.
    national = models.BooleanField(default=False)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["programme", "national", "dimension", "measure", "month"], name="fact_read_idx")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month} {self.count}"


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("sending")
        CLOSED = "closed", _("closed")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("programme")
    )
    title_mn = models.CharField(_("title (Mongolian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_mn = models.TextField(_("introduction (Mongolian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    months_after = models.PositiveSmallIntegerField(
        _("months after certification"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The survey is sent this many months after a person's micro-certificate was awarded."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("days before a reminder"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    reminders_max = models.PositiveSmallIntegerField(
        _("reminders at most"), default=2, validators=[MaxValueValidator(5)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")

    def __str__(self) -> str:
        return self.title_en or self.title_mn


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("one choice")
        SCALE = "scale", _("scale of 1 to 5")
        TEXT = "text", _("text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_mn = models.CharField(_("question (Mongolian)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text_en or self.text_mn


class SurveyChoice(models.Model):
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    label_mn = models.CharField(_("choice (Mongolian)"), max_length=300)
    label_en = models.CharField(_("choice (English)"), max_length=300)
    integrating = models.BooleanField(
        _("counts as integrating AI"),
        default=False,
        help_text=_("Respondents who pick this choice count as integrating AI in their teaching (the impact figure)."),
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label_en or self.label_mn


class SurveyInvitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations")
    certified_at = models.DateTimeField(_("certified"))
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="survey_invitation_once")]
        indexes = [models.Index(fields=["survey", "sent_at"], name="survey_invitation_send_idx")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.person_id}"


class SurveyResponse(models.Model):
    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(_("answered"))
    language_code = models.CharField(_("language"), max_length=5)
    integrating = models.BooleanField(_("integrating AI"), default=False)

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.submitted_at:%Y-%m-%d}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(SurveyChoice, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    scale = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class Report(models.Model):
    """The national report for a period of whole months, one PDF per language, built by a job."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="reports")
    first_month = models.DateField(_("from"))
    last_month = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_mn = models.FileField(_("report in Mongolian"), upload_to="insights/reports/", blank=True)
    file_en = models.FileField(_("report in English"), upload_to="insights/reports/", blank=True)
    scheduled = models.BooleanField(_("made on schedule"), default=False)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_month__gte=models.F("first_month")), name="report_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.first_month:%Y-%m}–{self.last_month:%Y-%m}"
