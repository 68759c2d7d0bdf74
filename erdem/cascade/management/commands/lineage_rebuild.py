"""(Re)build the lineage of a programme from its records: appointments, workshop attendance, mentoring.

Idempotent: running it again changes nothing. A trainer set by the national centre is kept. With
--dry-run it only reports what it would do. See erdem.cascade.services.lineage_build for the rules."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from erdem.cascade.services import lineage_build
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current


class Command(BaseCommand):
    help = "Build the train-the-trainer lineage of a programme from appointments, workshops and mentoring."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--programme", default="", help="the programme's slug (default: the current programme)")
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args: Any, programme: str, dry_run: bool, **options: Any) -> None:
        chosen = Programme.objects.filter(slug=programme).first() if programme else programme_current()
        if chosen is None:
            raise CommandError(f"No programme {programme!r}." if programme else "There is no active programme.")
        counts = lineage_build(programme=chosen, dry_run=dry_run)
        self.stdout.write(
            f"{'Would build' if dry_run else 'Built'} the lineage of {chosen.slug}: "
            f"{counts['roots']} master teachers, {counts['trainers']} regional trainers, {counts['others']} others; "
            f"{counts['created']} added, {counts['updated']} changed, {counts['unchanged']} unchanged, "
            f"{counts['removed']} removed."
        )
        left_out = {
            "regional trainers with no master teacher known": counts["trainers_left_out"],
            "people whose trainers do not lead to a master teacher": counts["unplaced"],
            "people in a circle of trainers (refused)": counts["cycles"],
        }
        for what, count in left_out.items():
            if count:
                self.stdout.write(self.style.WARNING(f"Left out: {count} {what}."))
