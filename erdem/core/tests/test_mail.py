from typing import Any

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


class _DownBackend:
    def __init__(self, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> "_DownBackend":
        raise ConnectionRefusedError("mail server down")

    def __exit__(self, *args: Any) -> None:
        pass


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    person = PersonFactory(preferred_language="en")
    message = email_render(to=person, template="people/emails/confirm_email", context={"link": "https://x/y"})
    with override_settings(EMAIL_BACKEND="erdem.core.tests.test_mail._DownBackend"):
        assert emails_send([message]) == 0
    assert "could not send 1 e-mails" in caplog.text


def test_nothing_to_send_opens_no_connection() -> None:
    assert emails_send([]) == 0
