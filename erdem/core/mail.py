"""E-mails to people: rendered in the recipient's own language, sent without losing saved work.

Every app writes its messages as templates `<app>/emails/<name>_subject.txt`, `<name>.txt` and,
when it has one, `<name>.html`; `email_render` builds the message and `emails_send` hands a batch
to the outbox (erdem.outbox): stored in the caller's transaction, delivered by a job that retries
while the mail server is away, so the caller's page or job never fails because of the mail server
and no message is lost (docs/decisions/0019).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


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
    """Queue `messages` for delivery with the caller's data (they are sent once it commits); the number queued."""
    from erdem.outbox.services import outbox_store

    return outbox_store(messages=messages)
