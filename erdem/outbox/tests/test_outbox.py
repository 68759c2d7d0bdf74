import datetime as dt
import io
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from erdem.core.mail import emails_send
from erdem.outbox.models import OutgoingEmail
from erdem.outbox.services import BACKOFF_MINUTES, MAX_ATTEMPTS, outbox_deliver, outbox_retry_failed

pytestmark = pytest.mark.django_db


class _RefusingBackend:
    """A mail server that accepts the connection and refuses every message, with its password in the reply."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages: list[EmailMessage]) -> int:
        raise smtplib.SMTPSenderRefused(550, b"relay denied for s3cret-pass", "x@example.mn")


class _DownBackend(_RefusingBackend):
    def open(self) -> bool:
        raise ConnectionRefusedError("mail server down")


def test_a_message_is_stored_then_sent_whole() -> None:
    message = EmailMultiAlternatives("Subject", "Text", "from@example.mn", ["to@example.mn"], cc=["cc@example.mn"])
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.attach("report.csv", "a,b\n1,2\n", "text/csv")
    assert emails_send([message]) == 1
    (delivered,) = mail.outbox
    assert delivered.subject == "Subject"
    assert delivered.body == "Text"
    assert delivered.to == ["to@example.mn"]
    assert delivered.cc == ["cc@example.mn"]
    assert delivered.alternatives == [("<p>HTML</p>", "text/html")]  # type: ignore[attr-defined]
    assert delivered.attachments[0][:2] == ("report.csv", "a,b\n1,2\n")
    assert delivered.extra_headers["Message-ID"]
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.SENT
    assert row.body == ""  # the content is not kept once delivered


def test_a_rolled_back_transaction_sends_nothing() -> None:
    from django.db import transaction

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        try:
            with transaction.atomic():
                emails_send([EmailMessage("S", "B", to=["a@example.mn"])])
                raise RuntimeError
        except RuntimeError:
            pass
    assert not OutgoingEmail.objects.exists()


@override_settings(EMAIL_BACKEND="erdem.outbox.tests.test_outbox._DownBackend")
def test_failures_wait_longer_each_time_then_give_up() -> None:
    emails_send([EmailMessage("S", "B", to=["a@example.mn"])])
    row = OutgoingEmail.objects.get()
    assert row.attempts == 1
    while row.status == OutgoingEmail.Status.PENDING:
        outbox_deliver(now=row.next_attempt_at)
        row.refresh_from_db()
    assert row.attempts == MAX_ATTEMPTS
    assert row.status == OutgoingEmail.Status.FAILED
    assert "ConnectionRefusedError: mail server down" in row.last_error
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND="erdem.outbox.tests.test_outbox._DownBackend")
def test_the_backoff_grows() -> None:
    emails_send([EmailMessage("S", "B", to=["a@example.mn"])])
    row = OutgoingEmail.objects.get()
    assert round((row.next_attempt_at - timezone.now()).total_seconds() / 60) == 1
    waits = []
    for _ in range(len(BACKOFF_MINUTES) + 1):
        attempted_at = row.next_attempt_at
        outbox_deliver(now=attempted_at)
        row.refresh_from_db()
        waits.append(row.next_attempt_at - attempted_at)
    assert [round(wait.total_seconds() / 60) for wait in waits] == [5, 15, 60, 240, 240, 240]


@override_settings(EMAIL_BACKEND="erdem.outbox.tests.test_outbox._RefusingBackend", EMAIL_HOST_PASSWORD="s3cret-pass")
def test_the_error_kept_holds_no_credentials() -> None:
    emails_send([EmailMessage("S", "B", to=["a@example.mn"])])
    error = OutgoingEmail.objects.get().last_error
    assert "SMTPSenderRefused" in error
    assert "s3cret-pass" not in error


def test_nothing_is_sent_before_it_is_due() -> None:
    with override_settings(EMAIL_BACKEND="erdem.outbox.tests.test_outbox._DownBackend"):
        emails_send([EmailMessage("S", "B", to=["a@example.mn"])])
    assert outbox_deliver() == {"sent": 0, "failed": 0, "given_up": 0}
    row = OutgoingEmail.objects.get()
    assert outbox_deliver(now=row.next_attempt_at) == {"sent": 1, "failed": 0, "given_up": 0}
    assert outbox_deliver(now=row.next_attempt_at + dt.timedelta(days=1)) == {"sent": 0, "failed": 0, "given_up": 0}
    assert len(mail.outbox) == 1


def test_given_up_mail_can_be_sent_again() -> None:
    with override_settings(EMAIL_BACKEND="erdem.outbox.tests.test_outbox._DownBackend"):
        emails_send([EmailMessage("S", "B", to=["a@example.mn"])])
    OutgoingEmail.objects.update(status=OutgoingEmail.Status.FAILED)
    call_command("mail_send", "--retry-failed", stdout=io.StringIO())
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert outbox_retry_failed() == 0


def test_the_admin_lists_outgoing_mail_without_its_content(admin_client: Any) -> None:
    with override_settings(EMAIL_BACKEND="erdem.outbox.tests.test_outbox._DownBackend"):
        emails_send([EmailMessage("Your sign-in link", "secret-link-123", to=["a@example.mn"])])
    page = admin_client.get("/admin/outbox/outgoingemail/").content.decode()
    assert "Your sign-in link" in page
    detail = admin_client.get(f"/admin/outbox/outgoingemail/{OutgoingEmail.objects.get().pk}/change/")
    assert "secret-link-123" not in detail.content.decode()
