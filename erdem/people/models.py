import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "Person":
        if not email:
            raise ValueError("An e-mail address is required.")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "Person":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **fields)


class Discipline(models.TextChoices):
    EDUCATION = "education", _("education")
    HUMANITIES = "humanities", _("humanities and arts")
    LANGUAGES = "languages", _("languages")
    SOCIAL_SCIENCES = "social_sciences", _("social sciences")
    BUSINESS_LAW = "business_law", _("business, administration and law")
    NATURAL_SCIENCES = "natural_sciences", _("natural sciences and mathematics")
    ICT = "ict", _("information and communication technologies")
    ENGINEERING = "engineering", _("engineering and construction")
    AGRICULTURE = "agriculture", _("agriculture and veterinary")
    HEALTH = "health", _("health and welfare")
    SERVICES = "services", _("services")


class AcademicPosition(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    SENIOR_TEACHER = "senior_teacher", _("senior teacher")
    ASSOCIATE_PROFESSOR = "associate_professor", _("associate professor")
    PROFESSOR = "professor", _("professor")
    RESEARCHER = "researcher", _("researcher")
    OTHER = "other", _("other")


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")


class Language(models.TextChoices):
    MONGOLIAN = "mn", "Монгол"
    ENGLISH = "en", "English"


class Person(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: educators, trainers, coordinators, admins, viewers.

    Names are kept as people write them: Cyrillic (the legal form), a Latin form
    for international documents, and optionally the traditional Mongolian script,
    which is entered or confirmed by a person and never converted by machine.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name_latin = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    given_name_latin = models.CharField(_("given name (Latin)"), max_length=100, blank=True)
    name_traditional = models.CharField(_("name in traditional script"), max_length=200, blank=True)
    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("institution"),
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    discipline = models.CharField(_("discipline"), max_length=30, choices=Discipline.choices, blank=True)
    academic_position = models.CharField(
        _("academic position"), max_length=30, choices=AcademicPosition.choices, blank=True
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.MONGOLIAN
    )
    low_bandwidth = models.BooleanField(
        _("low bandwidth"),
        default=False,
        help_text=_("Offer audio-only and low-resolution material first."),
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["family_name", "given_name"]

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("email"), name="person_email_ci_unique")]
        indexes = [
            models.Index(fields=["institution", "family_name", "given_name"]),
            models.Index(fields=["date_joined"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Mongolian order: family name (often the patronymic) then given name."""
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name_latin(self) -> str:
        return f"{self.given_name_latin} {self.family_name_latin}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.given_name

    @property
    def invitation_pending(self) -> bool:
        """Invited by their institution and has not chosen a password yet (so not confirmed either)."""
        return self.email_confirmed_at is None and not self.has_usable_password()


class StaffImport(models.Model):
    """One uploaded staff list: what was in the file, what each row will become, and its outcome.

    The rows are validated when the file is uploaded; the coordinator reads the report,
    then confirms, and a background job creates the people (erdem.people.tasks).
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("not sent yet")
        QUEUED = "queued", _("invitations in progress")
        DONE = "done", _("invitations sent")
        FAILED = "failed", _("failed")

    class RowStatus(models.TextChoices):
        INVITE = "invite", _("will be invited")
        MEMBER = "member", _("already a member (skipped)")
        ERROR = "error", _("error (skipped)")

    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.CASCADE,
        related_name="staff_imports",
        verbose_name=_("institution"),
    )
    uploaded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=10)
    rows = models.JSONField(_("rows"), default=list, help_text=_("The data rows as uploaded, with line numbers."))
    report = models.JSONField(_("report"), default=list, help_text=_("What happens to each row, and why."))
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    invite_count = models.PositiveIntegerField(_("to invite"), default=0)
    member_count = models.PositiveIntegerField(_("already members"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        indexes = [models.Index(fields=["institution", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("terms of use and privacy notice")
    CAREER_REVIEW = "career_review", _("career review of the portfolio")


class ConsentRecord(models.Model):
    """One consent as given: what was agreed to, which version, when, and when it was withdrawn.

    Rows are added, never rewritten, except to note the withdrawal; a newer version of the terms
    is a new row. `Person.consent_version` mirrors the latest accepted version of the terms, so the
    check on each request needs no query (docs/privacy.md)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("person")
    )
    kind = models.CharField(_("consent to"), max_length=20, choices=ConsentKind.choices)
    version = models.CharField(_("version"), max_length=20, blank=True)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["person", "kind", "-given_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"


class DataExport(models.Model):
    """A copy of everything held about a person, built by a job into a private ZIP file.

    Only the person may download it; the file is deleted when it expires
    (settings.ERDEM_DATA_EXPORT_DAYS) by `manage.py retention_apply`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("person"))
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    file = models.FileField(_("file"), upload_to="data-exports/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["person", "-created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.created_at:%Y-%m-%d}"


class DeletionRequest(models.Model):
    """A person's request to have their account and personal data erased.

    It waits for the cooling-off period (settings.ERDEM_DELETION_COOLING_OFF_DAYS), during which the
    person may cancel it; then a national admin processes it from the queue, or `manage.py
    retention_apply` does when it has waited ERDEM_DELETION_DEADLINE_DAYS in all (docs/privacy.md)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        CANCELLED = "cancelled", _("cancelled")
        DONE = "done", _("carried out")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="deletion_requests", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    due_at = models.DateTimeField(_("can be carried out from"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    processed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried out by")
    )
    outcome = models.JSONField(_("outcome"), default=dict, blank=True, help_text=_("What was removed, in figures."))

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="pending"), name="deletion_request_one_pending"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()}"
