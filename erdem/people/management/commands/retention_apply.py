"""Apply the retention rules (settings.ERDEM_RETENTION_*, docs/privacy.md) and carry out deletion requests
past their deadline; to run daily from cron or a systemd timer. Safe to repeat."""

from typing import Any

from django.core.management.base import BaseCommand

from erdem.people.privacy_services import retention_apply


class Command(BaseCommand):
    help = "Delete records kept past their retention period and carry out overdue deletion requests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        counts = retention_apply(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {verb} {count}")
