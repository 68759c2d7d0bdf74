"""The train-the-trainer cascade: who is appointed to train, who trained whom, and peer mentoring.

An `Appointment` makes someone a master teacher, a regional trainer or a mentor for a term, with a
scope (regions, institutions, courses), the prerequisites that were checked and who appointed them;
it holds the matching `access.RoleAssignment`, which is what grants the permissions. A `Nomination`
is a trainer's proposal that a participant become a trainer, decided by the national centre.

The lineage is one `LineageNode` per person in a programme: the person who trained them (`trainer`,
empty for the master teachers at the roots), the master teacher their branch starts from (`root`),
their depth, and a materialised path of ids from the root ("/12/57/301/"). Reach queries are then
one indexed prefix match, whatever the depth (docs/decisions/0016). A node's trainer comes from the
workshops the person attended and the mentor assigned to them (`services.lineage_*`).

Peer mentoring: a `MentorAssignment` pairs a mentor with a mentee (one current mentor per mentee,
within the mentor's capacity); `MentoringSession`s are logged by the pair, with notes only the pair
and coordinators read; the mentee gives `MentoringFeedback`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    MASTER_TEACHER = "master_teacher", _("master teacher (national)")
    REGIONAL_TRAINER = "regional_trainer", _("regional trainer")
    MENTOR = "mentor", _("mentor")


class Appointment(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("programme")
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    starts_on = models.DateField(_("starts on"))
    term_ends_on = models.DateField(_("term ends on"))
    regions = models.ManyToManyField("organisations.Region", blank=True, related_name="+", verbose_name=_("regions"))
    institutions = models.ManyToManyField(
        "organisations.Institution", blank=True, related_name="+", verbose_name=_("institutions")
    )
    courses = models.ManyToManyField("catalog.Course", blank=True, related_name="+", verbose_name=_("courses"))
    mentee_capacity = models.PositiveSmallIntegerField(
        _("mentees at most"), default=8, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    prerequisites = models.JSONField(
        _("prerequisites checked"),
        default=list,
        help_text=_("What was checked at appointment: each requirement, and whether it was met."),
    )
    reason = models.TextField(_("reason"), blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("appointed by"),
    )  # fmt: skip
    nomination = models.OneToOneField(
        "Nomination", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment",
        verbose_name=_("nomination"),
    )  # fmt: skip
    role_assignment = models.OneToOneField(
        "access.RoleAssignment", on_delete=models.PROTECT, related_name="appointment", verbose_name=_("role")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)

    class Meta:
        ordering = ["programme", "tier", "-starts_on"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme", "tier"],
                condition=Q(ended_at__isnull=True),
                name="appointment_one_current",
            ),
            models.CheckConstraint(condition=Q(term_ends_on__gt=models.F("starts_on")), name="appointment_term_order"),
        ]
        indexes = [models.Index(fields=["programme", "tier", "ended_at"], name="appointment_current_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.tier}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None and self.term_ends_on >= timezone.localdate()


class Nomination(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("programme")
    )
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("nominee")
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.REGIONAL_TRAINER)
    regions = models.ManyToManyField("organisations.Region", blank=True, related_name="+", verbose_name=_("regions"))
    statement = models.TextField(_("why this person"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominated by")
    )
    nominated_at = models.DateTimeField(_("nominated"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-nominated_at"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "nominee", "tier"], condition=Q(status="pending"), name="nomination_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nominee_id} ({self.status})"


class LineageNode(models.Model):
    """A person's place in the cascade of a programme. Master teachers are roots (no trainer)."""

    class Source(models.TextChoices):
        APPOINTMENT = "appointment", _("appointed master teacher")
        WORKSHOP = "workshop", _("attended a workshop")
        MENTORING = "mentoring", _("mentored")
        MANUAL = "manual", _("set by the national centre")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="lineage", verbose_name=_("programme")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lineage_nodes", verbose_name=_("person")
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("trained by"),
    )  # fmt: skip
    root = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("master teacher"),
    )  # fmt: skip
    depth = models.PositiveSmallIntegerField(_("generation"), default=0)
    path = models.CharField(_("path"), max_length=400, db_index=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("workshop"),
    )  # fmt: skip
    trained_at = models.DateTimeField(_("trained"))

    class Meta:
        ordering = ["programme", "path"]
        verbose_name = _("lineage entry")
        verbose_name_plural = _("lineage")
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="lineage_one_node")]
        indexes = [
            models.Index(fields=["programme", "trainer"], name="lineage_trainer_idx"),
            models.Index(fields=["programme", "root", "trained_at"], name="lineage_root_idx"),
        ]

    def __str__(self) -> str:
        return self.path


class MentorAssignment(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="mentor_assignments", verbose_name=_("programme")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentees_assigned", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentors_assigned", verbose_name=_("mentee")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("assigned by"),
    )  # fmt: skip
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why this mentor, when not a suggestion."))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"], condition=Q(ended_at__isnull=True), name="mentee_one_current_mentor"
            ),
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="mentor_not_own_mentee"),
        ]
        indexes = [models.Index(fields=["mentor", "ended_at"], name="mentor_current_idx")]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.mentee_id}"


class MentoringSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        PHONE = "phone", _("phone")

    assignment = models.ForeignKey(
        MentorAssignment, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("mentoring pair")
    )
    held_on = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    topics = models.CharField(_("topics"), max_length=300)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Seen only by the pair and coordinators."))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.held_on}"


class MentoringFeedback(models.Model):
    assignment = models.OneToOneField(
        MentorAssignment, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("mentoring pair")
    )
    rating = models.PositiveSmallIntegerField(
        _("how helpful (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("mentoring feedback")
        verbose_name_plural = _("mentoring feedback")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.rating}"
