"""Verifiable micro-credentials: what can be earned, what was issued, and how it is secured.

An `Achievement` is a programme's definition of something a person can earn (a micro-certificate,
a trainer certification, an award, a participation certificate): bilingual texts, the EU
micro-credential elements, and `AchievementRule`s that decide automatically who has earned it.
A `Credential` is one issued Open Badges 3.0 `OpenBadgeCredential`, stored exactly as signed
(the Data Integrity form and the VC-JWT form) so that what a learner downloads never changes.
Its current state (active, suspended, revoked, replaced) is published through a Bitstring
Status List (`StatusList`); every change of state is a `CredentialEvent`, which is append-only.
Signing keys (`IssuerKey`) are Ed25519, kept encrypted with a key-encryption key that never
enters the database (docs/decisions/0015).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Achievement(models.Model):
    class Kind(models.TextChoices):
        MICRO_CERTIFICATE = "micro_certificate", _("micro-certificate")
        TRAINER_CERTIFICATION = "trainer_certification", _("trainer certification")
        AWARD = "award", _("award")
        PARTICIPATION = "participation", _("participation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    class AssessmentType(models.TextChoices):
        QUIZ = "quiz", _("online quizzes")
        PRACTICAL = "practical", _("reviewed practical task")
        QUIZ_AND_PRACTICAL = "quiz_and_practical", _("online quizzes and a reviewed practical task")
        OBSERVATION = "observation", _("observed practice")
        PORTFOLIO = "portfolio", _("portfolio review")
        NONE = "none", _("no assessment (participation)")

    class Participation(models.TextChoices):
        ONLINE = "online", _("online")
        IN_PERSON = "in_person", _("in person")
        HYBRID = "hybrid", _("hybrid: online and in person")

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="achievements", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=60, help_text=_("Short code shown to people, e.g. AI-101-MC."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MICRO_CERTIFICATE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    auto_issue = models.BooleanField(
        _("issue automatically"), default=True, help_text=_("Issue as soon as a person meets every rule.")
    )
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_traditional = models.CharField(_("name in traditional Mongolian script"), max_length=200, blank=True)
    description_mn = models.TextField(_("description (Mongolian)"))
    description_en = models.TextField(_("description (English)"))
    criteria_mn = models.TextField(_("criteria (Mongolian)"))
    criteria_en = models.TextField(_("criteria (English)"))
    outcomes_mn = models.TextField(_("learning outcomes (Mongolian)"), blank=True, help_text=_("One per line."))
    outcomes_en = models.TextField(_("learning outcomes (English)"), blank=True, help_text=_("One per line."))
    image = models.FileField(_("image"), upload_to="achievements/", blank=True)
    competencies = models.ManyToManyField(
        "frameworks.Competency", related_name="achievements", blank=True, verbose_name=_("competencies")
    )
    # The EU micro-credential recommendation's mandatory elements that belong to the definition;
    # learner, date and awarding body are on each credential.
    workload_hours = models.DecimalField(_("notional workload (hours)"), max_digits=6, decimal_places=1)
    ects = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    mn_credits = models.DecimalField(_("Mongolian credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    nqf_level = models.PositiveSmallIntegerField(
        _("Mongolian qualification framework level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    assessment_type = models.CharField(
        _("type of assessment"), max_length=30, choices=AssessmentType.choices, default=AssessmentType.QUIZ
    )
    participation = models.CharField(
        _("form of participation"), max_length=20, choices=Participation.choices, default=Participation.HYBRID
    )
    quality_assurance_mn = models.TextField(_("quality assurance (Mongolian)"), blank=True)
    quality_assurance_en = models.TextField(_("quality assurance (English)"), blank=True)
    prerequisites_mn = models.TextField(_("prerequisites (Mongolian)"), blank=True)
    prerequisites_en = models.TextField(_("prerequisites (English)"), blank=True)
    valid_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: the credential does not expire.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="achievement_code_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages a credential for this achievement is written in, Mongolian first."""
        return tuple(code for code, name in (("mn", self.name_mn), ("en", self.name_en)) if name)


class AchievementRule(models.Model):
    """One machine-checked requirement; a person earns the achievement when every rule is met."""

    class Kind(models.TextChoices):
        COURSE_COMPLETED = "course_completed", _("course completed")
        QUIZ_SCORE = "quiz_score", _("quiz score at least")
        WORKSHOPS_ATTENDED = "workshops_attended", _("workshops attended at least")
        ASSIGNMENT_APPROVED = "assignment_approved", _("practical task approved")
        CREDENTIAL_HELD = "credential_held", _("another credential held")
        # Kept by a stackable pathway (erdem.recognition.pathway_services): its electives.
        CREDENTIALS_HELD_ANY = "credentials_held_any", _("some of several credentials held")

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="rules", verbose_name=_("achievement")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("course")
    )
    quiz = models.ForeignKey(
        "assessments.Quiz", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("quiz")
    )
    assignment = models.ForeignKey(
        "assignments.Assignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practical task"),
    )
    required_achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="required_by",
        verbose_name=_("credential required"),
    )
    any_of = models.ManyToManyField(
        Achievement, blank=True, related_name="required_among", verbose_name=_("credentials counted")
    )
    threshold = models.PositiveSmallIntegerField(
        _("at least"),
        null=True,
        blank=True,
        help_text=_("Score in per cent, number of workshops, or number of the credentials counted."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["achievement", "position", "id"]
        verbose_name = _("achievement rule")
        verbose_name_plural = _("achievement rules")
        constraints = [
            models.CheckConstraint(
                name="achievement_rule_target",
                condition=(
                    Q(kind="course_completed", course__isnull=False)
                    | Q(kind="quiz_score", quiz__isnull=False, threshold__isnull=False, threshold__lte=100)
                    | Q(kind="workshops_attended", threshold__isnull=False, threshold__gte=1)
                    | Q(kind="assignment_approved", assignment__isnull=False)
                    | Q(kind="credential_held", required_achievement__isnull=False)
                    | Q(kind="credentials_held_any", threshold__isnull=False, threshold__gte=1)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id}: {self.kind}"


class IssuerKey(models.Model):
    """An Ed25519 signing key. The private half is stored only encrypted (AES-GCM under the KEK)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("signing")
        RETIRED = "retired", _("retired: kept for verification")

    public_multibase = models.CharField(_("public key (multibase)"), max_length=100, unique=True)
    private_encrypted = models.BinaryField(_("encrypted private key"), editable=False)
    kek_id = models.CharField(_("key-encryption key"), max_length=32, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="issuer_key_one_active")
        ]

    def __str__(self) -> str:
        return self.public_multibase


class StatusList(models.Model):
    """One Bitstring Status List: `length` entries of two bits (0 valid, 1 revoked, 2 suspended).

    Entries are handed out in a scrambled order (an odd multiplier modulo the length, a
    permutation) so that neighbouring indices do not reveal who was certified together.
    """

    number = models.PositiveIntegerField(_("number"), unique=True)
    length = models.PositiveIntegerField(_("entries"))
    allocated = models.PositiveIntegerField(_("entries allocated"), default=0)
    bits = models.BinaryField(_("bitstring"))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.CheckConstraint(name="status_list_not_overfull", condition=Q(allocated__lte=models.F("length")))
        ]

    def __str__(self) -> str:
        return str(self.number)


class Credential(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        REVOKED = "revoked", _("revoked")
        REPLACED = "replaced", _("replaced by a reissue")

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", _("automatic")
        MANUAL = "manual", _("by an administrator")
        BULK = "bulk", _("bulk issuance")
        REISSUE = "reissue", _("reissue")

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    verification_code = models.CharField(_("verification code"), max_length=9, unique=True)
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="credentials", verbose_name=_("achievement")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="credentials",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    method = models.CharField(_("issued"), max_length=10, choices=Method.choices)
    issued_at = models.DateTimeField(_("issued at"))
    # When the person earned it: the first issue's date, kept by every reissue (corrections, a new DID).
    awarded_at = models.DateTimeField(_("awarded at"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    subject_did = models.CharField(_("learner's DID"), max_length=300, blank=True)
    identity_salt = models.CharField(_("salt"), max_length=32, editable=False)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField(_("status list index"))
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    document = models.JSONField(_("signed credential (Data Integrity)"))
    jwt = models.TextField(_("signed credential (VC-JWT)"))
    show_name = models.BooleanField(_("show my name on the public page"), default=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "achievement"],
                condition=Q(status__in=["active", "suspended"]),
                name="credential_one_current",
            ),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credential_status_entry_unique"),
        ]
        indexes = [models.Index(fields=["achievement", "status"], name="credential_achievement_idx")]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_current(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.SUSPENDED)


class CredentialEventQuerySet(models.QuerySet["CredentialEvent"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("The credential audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The credential audit log is append-only.")


class CredentialEvent(models.Model):
    """One line of the append-only audit log of credentials: who did what, when and why."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("issued")
        SUSPEND = "suspend", _("suspended")
        REINSTATE = "reinstate", _("reinstated")
        REVOKE = "revoke", _("revoked")
        REISSUE = "reissue", _("reissued")

    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="events", verbose_name=_("credential")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = CredentialEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("credential event")
        verbose_name_plural = _("credential events")

    def __str__(self) -> str:
        return f"{self.credential_id} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("The credential audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("The credential audit log is append-only.")


class IssuanceRun(models.Model):
    """A bulk issuance: the people chosen, and the job that issues to those who qualify.

    `person_ids` is fixed when the run is created; the job skips whoever already holds a
    current credential, so a rerun after a crash issues the rest and nothing twice.
    """

    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="issuance_runs", verbose_name=_("achievement")
    )
    cohort = models.ForeignKey(
        "learning.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cohort")
    )
    person_ids = models.JSONField(_("people"), default=list)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    reason = models.TextField(_("reason"), blank=True)
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    issued = models.PositiveIntegerField(_("issued"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk issuance")
        verbose_name_plural = _("bulk issuances")

    def __str__(self) -> str:
        return f"{self.achievement_id} ({self.created_at:%Y-%m-%d})"
