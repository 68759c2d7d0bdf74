"""Restore a backup made by `manage.py backup` into the configured database, media directory and data
directory. Everything is checked before anything is changed; see docs/backup.md for the drill.

Messages are in English, like Django's own commands: this is a tool for the people who run the servers."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from erdem.core.backups import BackupError, backup_restore, passphrase_read


class Command(BaseCommand):
    help = "Restore an encrypted backup (database, media files, keys). Stop the app and workers first."
    # A tool for bad days: it must work even when the site's own configuration (URLs, views) is broken.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive written by manage.py backup")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")
        parser.add_argument(
            "--force", action="store_true", help="replace the database's contents even if it already holds people"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = passphrase_read(passphrase_file=options["passphrase_file"])
            result = backup_restore(
                archive=options["archive"], passphrase=passphrase, force=options["force"], progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = result.manifest["database"]["tables"]
        people = result.tables.get("people_person", 0)
        credentials = result.tables.get("credentials_credential", 0)
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup made at {result.manifest['created_at']}.")
            + f"\n  database: {result.rows} rows in {len(result.tables)} tables "
            + f"({people} people, {credentials} credentials)"
            + f"\n  media: {result.media_files} files"
            + (
                f" ({result.media_left_in_place} files already there and not in the backup were left in place)"
                if result.media_left_in_place
                else ""
            )
            + f"\n  keys written: {', '.join(str(path) for path in result.keys_written) or 'none'}"
            + ("\n  migrations: applied those this version adds" if result.migrated else "")
        )
        for note in result.notes:
            self.stdout.write(f"  {note}")
        if result.mismatched_tables:
            raise CommandError(
                f"{len(result.mismatched_tables)} tables do not hold the number of rows the backup recorded: "
                f"{', '.join(result.mismatched_tables[:10])} (of {len(tables)})."
            )
