"""E-mails to people: rendered in the recipient's own language, sent without losing saved work.

Every app writes its messages as templates `<app>/emails/<name>_subject.txt`, `<name>.txt` and,
when it has one, `<name>.html`; `email_render` builds the message and `emails_send` sends a batch
over one connection. A failing mail server is logged, not raised: the data the e-mail reports on
is already saved, and the caller's page or job should not fail because of it.
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def email_render(*, to: Any, template: str, context: Mapping[str, Any], html: bool = True) -> EmailMessage:
    """The message `template` ("people/emails/invitation") for the person `to`, in their language;
    the context always holds `person` and `site_url`."""
    with translation.override(to.preferred_language):
        values = {"person": to, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
        text = render_to_string(f"{template}.txt", values)
        html_body = render_to_string(f"{template}.html", values) if html else ""
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to.email])
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message


def emails_send(messages: Sequence[EmailMessage]) -> int:
    """Send `messages` over one connection; the number sent (0 when the mail server failed)."""
    if not messages:
        return 0
    try:
        with get_connection() as connection:
            return int(connection.send_messages(list(messages)) or 0)
    except OSError:
        logger.exception("could not send %s e-mails", len(messages))
        return 0
