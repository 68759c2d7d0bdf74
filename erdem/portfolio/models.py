"""The Faculty AI Portfolio: entries tagged to the UNESCO AI CFT, endorsements issued as Open Badges 3.0
EndorsementCredentials, the public page, and career reviews made with the owner's consent
(docs/portfolio.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Portfolio(models.Model):
    """A person's portfolio settings: the public link and the consent to a career review."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    summary = models.TextField(_("about me"), blank=True)
    public_token = models.CharField(_("public link"), max_length=43, unique=True, null=True, blank=True)
    review_consent_at = models.DateTimeField(
        _("career review allowed since"),
        null=True,
        blank=True,
        help_text=_("While set, the coordinators of the person's institution may read the whole portfolio."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self) -> str:
        return str(self.person_id)


class Entry(models.Model):
    class Kind(models.TextChoices):
        LESSON_PLAN = "lesson_plan", _("lesson plan")
        SYLLABUS_CHANGE = "syllabus_change", _("syllabus change")
        CLASSROOM_USE = "classroom_use", _("classroom use report")
        ASSESSMENT_REDESIGN = "assessment_redesign", _("assessment redesign")
        STUDENT_WORK = "student_work", _("sample of student work")
        REFLECTION = "reflection", _("reflection")
        TALK = "talk", _("talk")
        PUBLICATION = "publication", _("publication")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("only me")
        INSTITUTION = "institution", _("my institution")
        PUBLIC = "public", _("anyone with the public link")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_entries")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown; links and formatting are kept, scripts are removed.")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="mn")
    course_taught = models.CharField(_("course taught"), max_length=200, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    visibility = models.CharField(
        _("who can see it"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    competencies = models.ManyToManyField(
        "frameworks.Competency", blank=True, related_name="portfolio_entries", verbose_name=_("AI CFT competencies")
    )
    descriptors = models.ManyToManyField(
        "recognition.StandardDescriptor",
        blank=True,
        related_name="portfolio_entries",
        verbose_name=_("qualification standards"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-created_at", "-id"]
        verbose_name = _("portfolio entry")
        verbose_name_plural = _("portfolio entries")
        indexes = [models.Index(fields=["person", "visibility"], name="portfolio_entry_person")]
        constraints = [
            models.CheckConstraint(
                name="portfolio_entry_dates",
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class EntryLink(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["entry", "position", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.url


class EntryFile(models.Model):
    """A file attached to an entry: kind sniffed from its content, stored under a random name, served as a download."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="portfolio/")
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.name


class Endorsement(models.Model):
    """A mentor's or a peer's endorsement of an entry: asked by the owner, given (and then signed as an
    Open Badges 3.0 EndorsementCredential) or declined by the endorser."""

    class Relation(models.TextChoices):
        MENTOR = "mentor", _("mentor")
        PEER = "peer", _("peer")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("asked")
        GIVEN = "given", _("endorsed")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="endorsements")
    endorser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given")
    relation = models.CharField(_("as"), max_length=8, choices=Relation.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    request_note = models.TextField(_("note to the endorser"), blank=True)
    comment = models.TextField(_("endorsement"), blank=True)
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    document = models.JSONField(_("signed endorsement (Data Integrity)"), null=True, blank=True)
    jwt = models.TextField(_("signed endorsement (VC-JWT)"), blank=True)
    # The credential's Bitstring Status List entry (like a Credential's), allocated when it is signed and set
    # to revoked when it is withdrawn. Endorsements signed before entries existed have none.
    status_list = models.ForeignKey(
        "credentials.StatusList", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "endorser"],
                condition=Q(status__in=["requested", "given"]),
                name="endorsement_once_per_endorser",
            ),
            models.CheckConstraint(
                name="endorsement_signed_when_given", condition=~Q(status="given") | Q(document__isnull=False)
            ),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="endorsement_status_entry_unique"),
            models.CheckConstraint(
                name="endorsement_status_entry_whole",
                condition=Q(status_list__isnull=True, status_index__isnull=True)
                | Q(status_list__isnull=False, status_index__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class CareerReview(models.Model):
    """A coordinator's review of a staff member's portfolio for promotion, recorded with the owner's consent."""

    class Recommendation(models.TextChoices):
        RECOMMENDED = "recommended", _("recommended for promotion")
        NOT_YET = "not_yet", _("not yet: strengthen the portfolio")
        NO_DECISION = "no_decision", _("noted, no recommendation")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("organisations.Institution", on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField(_("consent given"))
    recommendation = models.CharField(_("recommendation"), max_length=12, choices=Recommendation.choices)
    position_sought = models.CharField(_("position sought"), max_length=100, blank=True)
    summary = models.TextField(_("review"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("career review")
        verbose_name_plural = _("career reviews")

    def __str__(self) -> str:
        return str(self.public_id)
