"""Recognition: degree programmes and their credit rules, credit requests, stackable pathways and the
national teacher qualification standards (docs/recognition.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import BilingualNameMixin

# --- the national teacher qualification standards ------------------------------------------------------------------


class QualificationLevel(BilingualNameMixin):
    """A level of the national teacher qualification standards (for example "beginning teacher")."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="qualification_levels")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["programme", "position", "id"]
        verbose_name = _("qualification level")
        verbose_name_plural = _("qualification levels")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="qualification_level_code")]


class QualificationStandard(BilingualNameMixin):
    """A standard of the national teacher qualification standards (for example "uses digital tools to teach")."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="qualification_standards"
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["programme", "position", "id"]
        verbose_name = _("qualification standard")
        verbose_name_plural = _("qualification standards")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="qualification_standard_code")]


class StandardDescriptor(models.Model):
    """What a standard asks at a level: the unit achievements and portfolio entries are aligned to."""

    standard = models.ForeignKey(QualificationStandard, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(QualificationLevel, on_delete=models.CASCADE, related_name="descriptors")
    text_mn = models.TextField(_("descriptor (Mongolian)"))
    text_en = models.TextField(_("descriptor (English)"))
    achievements = models.ManyToManyField(
        "credentials.Achievement",
        blank=True,
        related_name="standard_descriptors",
        verbose_name=_("achievements aligned"),
    )

    class Meta:
        ordering = ["standard__position", "level__position", "id"]
        verbose_name = _("standard descriptor")
        verbose_name_plural = _("standard descriptors")
        constraints = [models.UniqueConstraint(fields=["standard", "level"], name="standard_descriptor_once")]

    def __str__(self) -> str:
        return f"{self.standard_id}/{self.level_id}"


# --- degree programmes and recognition rules -----------------------------------------------------------------------


class DegreeProgramme(BilingualNameMixin):
    """A degree programme of an institution (for example a master's in education technology)."""

    class Level(models.TextChoices):
        BACHELOR = "bachelor", _("bachelor's")
        MASTER = "master", _("master's")
        DOCTORATE = "doctorate", _("doctorate")
        CERTIFICATE = "certificate", _("postgraduate certificate")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.PROTECT,
        related_name="degree_programmes",
        verbose_name=_("institution"),
    )
    code = models.SlugField(_("code"), max_length=40)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.MASTER)
    total_credits = models.DecimalField(_("credits in all"), max_digits=5, decimal_places=1)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    office = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="degree_offices",
        verbose_name=_("programme office"),
        help_text=_("People who decide credit requests, besides the institution's coordinators."),
    )
    is_active = models.BooleanField(_("open to requests"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["institution", "code"]
        verbose_name = _("degree programme")
        verbose_name_plural = _("degree programmes")
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="degree_programme_code"),
            models.CheckConstraint(
                name="degree_programme_total_credits",
                condition=Q(total_credits__gt=0),
                violation_error_message=_("A degree programme has more than 0 credits."),
            ),
        ]


class DegreeModule(BilingualNameMixin):
    """A module of a degree programme, worth a number of credits."""

    degree = models.ForeignKey(DegreeProgramme, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(_("code"), max_length=20)
    credits = models.DecimalField(_("credits"), max_digits=4, decimal_places=1)
    is_elective = models.BooleanField(_("elective"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["degree", "position", "id"]
        verbose_name = _("degree module")
        verbose_name_plural = _("degree modules")
        constraints = [
            models.UniqueConstraint(fields=["degree", "code"], name="degree_module_code"),
            models.CheckConstraint(
                name="degree_module_credits",
                condition=Q(credits__gt=0),
                violation_error_message=_("A module is worth more than 0 credits."),
            ),
        ]


class RecognitionRule(models.Model):
    """Which achievements, alone or stacked, count for which module and for how many credits.

    A request is decided by the rule as it stood when the request was made (`RecognitionRequest.rule_snapshot`);
    editing a rule raises its `version`, so a decision can say that the rule has changed since."""

    degree = models.ForeignKey(DegreeProgramme, on_delete=models.CASCADE, related_name="rules")
    module = models.ForeignKey(DegreeModule, on_delete=models.PROTECT, related_name="rules", verbose_name=_("module"))
    name_mn = models.CharField(_("name (Mongolian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    credits = models.DecimalField(_("credits granted"), max_digits=4, decimal_places=1)
    achievements = models.ManyToManyField(
        "credentials.Achievement",
        blank=True,
        related_name="recognition_rules",
        verbose_name=_("erdem credentials required (all of them)"),
    )
    external_count = models.PositiveSmallIntegerField(
        _("external credentials required"),
        default=0,
        help_text=_("How many Open Badges 3.0 credentials from the accepted issuers below are needed as well."),
    )
    external_issuers = models.TextField(
        _("accepted external issuers"),
        blank=True,
        help_text=_("One issuer identifier (a DID or an https address) per line."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approval_reference = models.CharField(
        _("approval"), max_length=255, blank=True, help_text=_("For example the council's decision and its date.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["degree", "module__position", "id"]
        verbose_name = _("recognition rule")
        verbose_name_plural = _("recognition rules")
        constraints = [
            models.CheckConstraint(
                name="recognition_rule_dates",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(name="recognition_rule_credits", condition=Q(credits__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name_en or self.name_mn


class RecognitionRequest(models.Model):
    """An educator asks a degree programme for credit with one or more credentials."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognition_requests")
    degree = models.ForeignKey(DegreeProgramme, on_delete=models.PROTECT, related_name="requests")
    rule = models.ForeignKey(RecognitionRule, on_delete=models.PROTECT, related_name="requests")
    rule_version = models.PositiveIntegerField(_("rule version at submission"))
    rule_snapshot = models.JSONField(_("the rule at submission"))
    message = models.TextField(_("message to the programme office"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    credits_granted = models.DecimalField(_("credits granted"), max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("recognition request")
        verbose_name_plural = _("recognition requests")
        indexes = [models.Index(fields=["degree", "status", "-submitted_at"], name="recognition_request_queue")]

    def __str__(self) -> str:
        return str(self.public_id)


class RequestCredential(models.Model):
    """A credential offered in a request: one of erdem's own or an external Open Badges 3.0 credential,
    with what the verifier said when the request was submitted.

    `credential_key` names the credential whatever its form (erdem's id, or the external credential's `id`,
    else the SHA-256 of its text); while the request is open or approved (`counts`), the database refuses the
    same key twice in one degree programme, so nothing is counted twice."""

    request = models.ForeignKey(RecognitionRequest, on_delete=models.CASCADE, related_name="credentials")
    degree = models.ForeignKey(DegreeProgramme, on_delete=models.PROTECT, related_name="+")
    credential = models.ForeignKey(
        "credentials.Credential", on_delete=models.PROTECT, null=True, blank=True, related_name="recognition_uses"
    )
    external_document = models.JSONField(_("external credential"), null=True, blank=True)
    external_jwt = models.TextField(_("external credential (VC-JWT)"), blank=True)
    credential_key = models.CharField(_("credential identifier"), max_length=300)
    issuer_id = models.CharField(_("issuer"), max_length=500, blank=True)
    issuer_name = models.CharField(_("issuer's name"), max_length=300, blank=True)
    achievement_name = models.CharField(_("achievement"), max_length=500, blank=True)
    verdict = models.CharField(_("verification"), max_length=12)
    verification = models.JSONField(_("verification checks"), default=list)
    counts = models.BooleanField(default=True)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("credential in a request")
        verbose_name_plural = _("credentials in requests")
        constraints = [
            models.UniqueConstraint(
                fields=["degree", "credential_key"], condition=Q(counts=True), name="recognition_credential_once"
            ),
            models.CheckConstraint(
                name="request_credential_source",
                condition=Q(credential__isnull=False) | Q(external_document__isnull=False) | ~Q(external_jwt=""),
            ),
        ]

    def __str__(self) -> str:
        return self.credential_key


# --- stackable pathways ---------------------------------------------------------------------------------------------


class Pathway(BilingualNameMixin):
    """Stacked achievements leading to a pathway credential: every required one and `electives_required`
    electives. The pathway credential's achievement carries matching credential rules, so the credentials
    app issues it by itself when the pathway is complete."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="pathways")
    code = models.SlugField(_("code"), max_length=60)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    achievement = models.OneToOneField(
        "credentials.Achievement",
        on_delete=models.PROTECT,
        related_name="pathway",
        verbose_name=_("pathway credential"),
    )
    electives_required = models.PositiveSmallIntegerField(_("electives required"), default=0)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="pathway_code")]


class PathwayStep(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    achievement = models.ForeignKey(
        "credentials.Achievement", on_delete=models.PROTECT, related_name="pathway_steps", verbose_name=_("achievement")
    )
    is_elective = models.BooleanField(_("elective"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["pathway", "position", "id"]
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")
        constraints = [models.UniqueConstraint(fields=["pathway", "achievement"], name="pathway_step_once")]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.achievement_id}"


class PathwayMilestone(BilingualNameMixin):
    """A named point along a pathway, reached when every one of its steps is done."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="milestones")
    steps = models.ManyToManyField(PathwayStep, related_name="milestones", verbose_name=_("steps"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["pathway", "position", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
