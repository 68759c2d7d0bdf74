"""Send the workshop reminders now due; to run every hour or so, should a queued reminder have been lost."""

from typing import Any

from django.core.management.base import BaseCommand

from erdem.workshops.services import workshop_reminders_due


class Command(BaseCommand):
    help = "Send the reminders of workshops starting within a day to registered people not yet reminded."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = workshop_reminders_due()
        self.stdout.write(f"{sent} reminder(s) sent.")
