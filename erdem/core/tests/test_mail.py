import socket

import pytest
from django.core import mail
from django.test import override_settings

from erdem.core.mail import email_render, emails_send
from erdem.people.tests.factories import PersonFactory


@pytest.mark.django_db
def test_a_message_is_rendered_in_the_recipients_language() -> None:
    person = PersonFactory(preferred_language="mn", email="saraa@example.mn")
    message = email_render(to=person, template="people/emails/confirm_email", context={"link": "https://x/y"})
    assert message.to == ["saraa@example.mn"]
    assert "https://x/y" in str(message.body)
    assert [kind for _body, kind in message.alternatives] == ["text/html"]  # type: ignore[attr-defined]
    assert emails_send([message]) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mail_server_that_is_down_keeps_the_message_for_later() -> None:
    """The caller is told the message is queued; it waits in the outbox (erdem.outbox) for the server."""
    from erdem.outbox.models import OutgoingEmail

    person = PersonFactory(preferred_language="en")
    message = email_render(to=person, template="people/emails/confirm_email", context={"link": "https://x/y"})
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port
    ):
        assert emails_send([message]) == 1
    waiting = OutgoingEmail.objects.get()
    assert waiting.status == OutgoingEmail.Status.PENDING
    assert waiting.to == [person.email]
    assert "ConnectionRefusedError" in waiting.last_error
    assert mail.outbox == []


def test_nothing_to_send_opens_no_connection() -> None:
    assert emails_send([]) == 0
