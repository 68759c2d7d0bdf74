import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """What a person sees of a background job: progress, then a result or an error.

    The queue itself is django-tasks' database backend; this row is the
    user-facing record, written by the task through erdem.jobs.services.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("finished")
        FAILED = "failed", _("failed")

    class Kind(models.TextChoices):
        # One entry per kind of background job; each feature adds its own.
        STAFF_INVITATION = "staff_invitation", _("staff invitation")
        CREDENTIAL_ISSUANCE = "credential_issuance", _("bulk credential issuance")
        CERTIFICATE_ARCHIVE = "certificate_archive", _("certificates of a cohort")
        INSIGHTS_REFRESH = "insights_refresh", _("figures refresh")
        NATIONAL_REPORT = "national_report", _("national report")
        SURVEY_SENDING = "survey_sending", _("follow-up survey invitations")
        DATA_EXPORT = "data_export", _("copy of personal data")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60, choices=Kind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["started_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class WorkerHeartbeat(models.Model):
    """A job worker's sign of life, written every few seconds (docs/decisions/0019).

    A task left running by a worker that stopped beating was interrupted (the machine or the
    process died); any live worker puts it back in the queue.
    """

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self) -> str:
        return self.worker_id
