"""The platform's append-only audit log: who did what to whom, when, and why.

Every write that a national centre may be asked to account for (credential actions, role
changes, grade changes, recognition decisions, exports and deletions of personal data, sign-in
security events) writes one row through `erdem.audit.services.audit_record`, inside the same
transaction as the change it records. Rows are never changed or deleted through the ORM or the
admin, and a trigger on PostgreSQL and on SQLite refuses UPDATE and DELETE of a row (migration 0002,
`triggers.py`). The people a row names are kept by id without a database constraint and without
cascading: deleting a person leaves the rows naming them as they were.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREDENTIAL_ISSUE = "credential.issue", _("credential issued")
    CREDENTIAL_SUSPEND = "credential.suspend", _("credential suspended")
    CREDENTIAL_REINSTATE = "credential.reinstate", _("credential reinstated")
    CREDENTIAL_REVOKE = "credential.revoke", _("credential revoked")
    CREDENTIAL_REISSUE = "credential.reissue", _("credential reissued")
    CREDENTIAL_BULK_ISSUE = "credential.bulk_issue", _("bulk issuance started")
    ROLE_GRANT = "role.grant", _("role granted")
    ROLE_END = "role.end", _("role ended")
    GRADE_CHANGE = "grade.change", _("grade given or changed")
    ATTENDANCE_CORRECT = "attendance.correct", _("attendance corrected")
    RECOGNITION_DECIDE = "recognition.decide", _("credit request decided")
    DATA_EXPORT = "data.export", _("personal data exported")
    DATA_DELETE = "data.delete", _("personal data deleted")
    SECURITY = "security", _("sign-in security")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One line of the audit log.

    `actor` is who acted (none for the system or an anonymous visitor); `subject` is the person the
    action concerns, when there is one. `target` names the object as "<app>.<model>:<id>" so that a
    row outlives the object; `summary` is a short English line for the log's readers and `details`
    holds the facts (before and after values, reasons, counts), never secrets.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,  # a deleted person's rows keep their id: SET_NULL would be an UPDATE
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        db_constraint=False,
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
        db_constraint=False,
    )
    target = models.CharField(_("object"), max_length=120, blank=True, db_index=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")
