"""Workshops: face-to-face or live online sessions of a course, who registered, who attended.

A workshop belongs to a course and, optionally, to a cohort: the cohort's members are on its
roster without registering. `Attendance` is the current state, one row per person and
workshop; `AttendanceMark` keeps every mark ever received (from the roster page, self check-in,
the offline roster or a paper sheet), so the history can be shown and a mark sent twice is
recognised by its id. Which mark is current is decided by `services.attendance_mark`.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import localized


def _new_secret() -> str:
    return secrets.token_hex(32)


class Workshop(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="workshops", verbose_name=_("programme")
    )
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.CASCADE, related_name="workshops", verbose_name=_("course")
    )
    cohort = models.ForeignKey(
        "learning.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("cohort"),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    region = models.ForeignKey(
        "organisations.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("region"),
    )
    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("institution"),
    )
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Address and room."))
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workshops_led", blank=True, verbose_name=_("trainers")
    )
    counts_for_completion = models.BooleanField(_("counts for completion"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    checkin_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="workshop_upcoming_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            )
        ]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title_en or self.title_mn

    @property
    def title(self) -> str:
        """The title in the active language, falling back to the other one."""
        return localized(self, "title")

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("workshop")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "person"], name="registration_workshop_person")]
        indexes = [models.Index(fields=["workshop", "status", "registered_at"], name="registration_queue_idx")]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.person_id} for {self.workshop_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("present")
    LATE = "late", _("late")
    ABSENT = "absent", _("absent")


class AttendanceSource(models.TextChoices):
    ROSTER = "roster", _("roster")
    CHECKIN = "checkin", _("self check-in")
    OFFLINE = "offline", _("offline roster")
    PAPER = "paper", _("paper sheet")


class Attendance(models.Model):
    """The current attendance of one person at one workshop: the mark that won."""

    Status = AttendanceStatus
    Source = AttendanceSource

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("workshop")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_attendance",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    source = models.CharField(_("source"), max_length=10, choices=AttendanceSource.choices)
    marked_at = models.DateTimeField(_("marked"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "person"], name="attendance_workshop_person")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.person_id} at {self.workshop_id}: {self.status}"


class AttendanceMark(models.Model):
    """Every mark received, applied or not; append-only."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("applied")
        SUPERSEDED = "superseded", _("superseded by a later mark")

    Status = AttendanceStatus
    Source = AttendanceSource

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="marks", verbose_name=_("workshop"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    source = models.CharField(_("source"), max_length=10, choices=AttendanceSource.choices)
    marked_at = models.DateTimeField(_("marked"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)

    class Meta:
        ordering = ["-marked_at", "-received_at"]
        indexes = [models.Index(fields=["workshop", "person", "-marked_at"], name="mark_history_idx")]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")

    def __str__(self) -> str:
        return f"{self.id}: {self.person_id} {self.status} ({self.source})"
