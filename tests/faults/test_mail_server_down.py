"""The mail server down, then back but crashing half-way, then back for good: every e-mail written
meanwhile is delivered, none lost and none twice (erdem.outbox, docs/decisions/0019)."""

import io
from collections import Counter
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from erdem.core.mail import emails_send
from erdem.outbox.models import OutgoingEmail
from erdem.people.tests.factories import make_person
from tests.faults.smtp_sink import SmtpSink
from tests.faults.support import free_port

pytestmark = pytest.mark.django_db

NOTICES = 20
pending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING)


def _a_minute_passes() -> None:
    pending.update(next_attempt_at=timezone.now())


def _cron_run() -> str:
    output = io.StringIO()
    call_command("mail_send", stdout=output)
    return output.getvalue()


def test_mail_written_while_the_server_is_away_is_delivered_once(client: Any, settings: Any) -> None:
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 10

    # The server is down (nothing listens): pages and services carry on, the mail waits.
    forgetful = make_person(preferred_language="en")
    response = client.post(reverse("people:password_reset"), {"email": forgetful.email})
    assert response.status_code == 302
    recipients = [make_person() for _ in range(NOTICES)]
    assert emails_send([EmailMessage(f"Notice {i}", "Text", to=[p.email]) for i, p in enumerate(recipients)]) == NOTICES
    assert pending.count() == NOTICES + 1
    assert all(row.attempts == 1 and "ConnectionRefusedError" in row.last_error for row in pending)
    assert mail.outbox == []

    # The server is back, but dies after taking 8 messages: the rest keep waiting, with the error.
    _a_minute_passes()
    with SmtpSink(port, crash_after=8) as crashing:
        assert _cron_run().startswith("8 sent, 13 to retry")
    assert len(crashing.received) == 8
    assert pending.count() == NOTICES + 1 - 8
    assert all(row.attempts == 2 and "SMTPServerDisconnected" in row.last_error for row in pending)

    # Back for good: everything left goes, once; a further run finds nothing to send.
    _a_minute_passes()
    with SmtpSink(port) as healthy:
        assert _cron_run().startswith("13 sent, 0 to retry")
        _a_minute_passes()
        assert _cron_run().startswith("0 sent, 0 to retry")
    delivered = crashing.received + healthy.received
    assert Counter(message["To"] for message in delivered) == Counter(
        [forgetful.email] + [person.email for person in recipients]
    )
    assert len({message["Message-ID"] for message in delivered}) == NOTICES + 1
    assert not pending.exists()
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == NOTICES + 1

    (reset,) = [message for message in delivered if message["To"] == forgetful.email]
    text = next(part for part in reset.walk() if part.get_content_type() == "text/plain")
    assert "/password/reset/" in str(text.get_payload(decode=True))
