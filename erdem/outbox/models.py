from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One e-mail waiting for the mail server, sent, or given up on (docs/decisions/0019).

    The message is stored whole, so that it can be sent again exactly as it was written,
    in the recipient's language, however long the mail server is away.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    # [[content, mimetype], ...]: the HTML version, when the message has one.
    alternatives = models.JSONField(default=list, blank=True)
    # [[filename, base64 content, mimetype], ...]
    attachments = models.JSONField(default=list, blank=True)
    from_email = models.CharField(_("sender"), max_length=320)
    to = models.JSONField(_("recipients"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a worker may try next; a worker that takes a message moves it forward by a lease,
    # so that no other worker sends it meanwhile.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return self.subject
