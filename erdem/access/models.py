from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("national admin")
    COORDINATOR = "coordinator", _("institution coordinator")
    MASTER_TEACHER = "master_teacher", _("master teacher")
    TRAINER = "trainer", _("trainer")
    MENTOR = "mentor", _("mentor")
    EDUCATOR = "educator", _("educator")
    MINISTRY_VIEWER = "ministry_viewer", _("ministry viewer")


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self) -> "RoleAssignmentQuerySet":
        return self.filter(ended_at__isnull=True)


class RoleAssignment(models.Model):
    """A person holds a role in a programme, optionally narrowed to an institution or a region.

    A coordinator is always scoped to one institution; a regional trainer usually to a
    region. Ending an assignment keeps the row (ended_at) so the history stays readable.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("programme")
    )
    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("institution"),
    )
    region = models.ForeignKey(
        "organisations.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("region"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="coordinator") | Q(institution__isnull=False),
                name="coordinator_has_institution",
            ),
            # An empty scope counts as a value (0), so "no institution" twice is a duplicate;
            # an expression index works on SQLite as well as PostgreSQL, unlike NULLS NOT DISTINCT.
            models.UniqueConstraint(
                F("person"),
                F("role"),
                F("programme"),
                Coalesce(F("institution"), Value(0)),
                Coalesce(F("region"), Value(0)),
                condition=Q(ended_at__isnull=True),
                name="one_current_assignment_per_scope",
            ),
        ]
        indexes = [models.Index(fields=["role", "programme", "institution"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"
