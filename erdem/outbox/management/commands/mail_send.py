"""Deliver the e-mails that are due (cron, every minute), retrying those the mail server did not take.

`--retry-failed` first gives the messages that were given up on a fresh set of attempts."""

from typing import Any

from django.core.management.base import BaseCommand

from erdem.outbox.selectors import outbox_counts
from erdem.outbox.services import outbox_deliver, outbox_prune, outbox_retry_failed


class Command(BaseCommand):
    help = "Send the e-mails waiting in the outbox (idempotent; run it every minute)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--retry-failed", action="store_true", help="try given-up e-mails again")

    def handle(self, *args: Any, retry_failed: bool, **options: Any) -> None:
        if retry_failed:
            self.stdout.write(f"{outbox_retry_failed()} given-up e-mail(s) queued again.")
        counts = outbox_deliver()
        outbox_prune()
        waiting = outbox_counts()
        self.stdout.write(
            f"{counts['sent']} sent, {counts['failed']} to retry, {counts['given_up']} given up; "
            f"{waiting['pending']} waiting, {waiting['failed']} given up in all."
        )
