"""The outbox: e-mails are stored with the data they report on, then delivered by a job that retries.

`emails_send` (erdem.core.mail) stores messages here in the caller's transaction and queues
`outbox_send_task`; the queue lives in the same database, so the messages and the task commit
or roll back together. Delivery takes due messages with a lease (no two workers send the same
one), sends them over one connection, and on failure keeps them with the error and a later
attempt time; `manage.py mail_send` (cron, every minute) delivers whatever is due.
"""

import base64
import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Sequence
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from erdem.outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, ... failed attempt; the last figure repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
# After this many failed attempts (about a day of retries) a message is given up on; an
# administrator can send it again from the admin (or `mail_send --retry-failed`).
MAX_ATTEMPTS = 10
BATCH = 100
# A worker holds the messages it took this long; should it die, they are due again afterwards.
LEASE = dt.timedelta(minutes=15)
SENT_KEPT = dt.timedelta(days=30)
# Errors about one message; anything else (refused connection, dropped session) is the server's.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def outbox_store(*, messages: Sequence[EmailMessage]) -> int:
    """Store `messages` to be sent and queue their delivery; the number stored."""
    from erdem.outbox.tasks import outbox_send_task

    if not messages:
        return 0
    rows = [_row_from_message(message) for message in messages]
    with transaction.atomic():
        OutgoingEmail.objects.bulk_create(rows)
        outbox_send_task.enqueue()
    return len(rows)


def _row_from_message(message: EmailMessage) -> OutgoingEmail:
    alternatives = [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])]
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise TypeError("Attachments must be (filename, content, mimetype); MIME parts cannot be stored.")
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append([filename, base64.b64encode(raw).decode("ascii"), mimetype])
    # A stable Message-ID: a message sent again after a failure is recognisably the same one.
    headers = {"Message-ID": make_msgid(domain=str(DNS_NAME)), **message.extra_headers}
    return OutgoingEmail(
        subject=str(message.subject),
        body=str(message.body),
        alternatives=alternatives,
        attachments=attachments,
        from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        headers=headers,
    )


def _message_from_row(row: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        bcc=row.bcc,
        reply_to=row.reply_to,
        headers=row.headers,
    )
    for content, mimetype in row.alternatives:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in row.attachments:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def _claim(now: dt.datetime) -> list[OutgoingEmail]:
    """Take up to BATCH due messages for this worker by moving their next attempt a lease ahead."""
    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:BATCH]
        )
        OutgoingEmail.objects.filter(pk__in=ids, next_attempt_at__lte=now).update(next_attempt_at=now + LEASE)
    return list(OutgoingEmail.objects.filter(pk__in=ids).order_by("id"))


def _error_text(exc: BaseException) -> str:
    """What went wrong, for the admin; never the mail server's credentials."""
    text = f"{type(exc).__name__}: {exc}"
    for secret in (settings.EMAIL_HOST_PASSWORD, settings.EMAIL_HOST_USER):
        if secret:
            text = text.replace(secret, "***")
    return text[:500]


def _failed(row: OutgoingEmail, exc: BaseException, now: dt.datetime) -> bool:
    """Record a failed attempt; True when the message is now given up on."""
    attempts = row.attempts + 1
    given_up = attempts >= MAX_ATTEMPTS
    wait = dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])
    OutgoingEmail.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1,
        last_error=_error_text(exc),
        next_attempt_at=now + wait,
        status=OutgoingEmail.Status.FAILED if given_up else OutgoingEmail.Status.PENDING,
    )
    return given_up


def _sent(row: OutgoingEmail) -> None:
    # The content is dropped once delivered: it may hold a sign-in or password link.
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        body="",
        alternatives=[],
        attachments=[],
    )


def outbox_deliver(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due message; {"sent", "failed", "given_up"}. Safe to run from several workers at once."""
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    while batch := _claim(at := now or timezone.now()):
        _deliver_batch(batch, counts, at)
    if counts["failed"]:
        logger.warning("mail server: %(sent)s e-mails sent, %(failed)s to retry, %(given_up)s given up", counts)
    return counts


def _deliver_batch(batch: list[OutgoingEmail], counts: dict[str, int], now: dt.datetime) -> None:
    connection = get_connection()
    try:
        connection.open()
        for position, row in enumerate(batch):
            try:
                connection.send_messages([_message_from_row(row)])
            except MESSAGE_ERRORS as exc:
                counts["given_up" if _failed(row, exc, now) else "failed"] += 1
                continue
            except OSError as exc:
                # The server went away: this message and the rest of the batch wait for the next attempt.
                for rest in batch[position:]:
                    counts["given_up" if _failed(rest, exc, now) else "failed"] += 1
                return
            _sent(row)
            counts["sent"] += 1
    except OSError as exc:  # the connection could not be opened
        for row in batch:
            counts["given_up" if _failed(row, exc, now) else "failed"] += 1
    finally:
        with contextlib.suppress(OSError):
            connection.close()


def outbox_retry_failed(*, ids: Sequence[int] | None = None) -> int:
    """Give messages that were given up on a fresh set of attempts, due now; the number."""
    rows = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now())


def outbox_prune(*, now: dt.datetime | None = None) -> int:
    """Forget sent messages after SENT_KEPT; the number removed."""
    cutoff = (now or timezone.now()) - SENT_KEPT
    deleted, _ = OutgoingEmail.objects.filter(Q(status=OutgoingEmail.Status.SENT) & Q(sent_at__lt=cutoff)).delete()
    return deleted
