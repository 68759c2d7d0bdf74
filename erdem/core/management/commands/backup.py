"""Back up the database, the media files and the keys into one archive encrypted with a passphrase, or
check an archive (`--verify`) without restoring it. The passphrase comes from --passphrase-file or the
ERDEM_BACKUP_PASSPHRASE environment variable, never from the command line. See docs/backup.md.

Messages are in English, like Django's own commands: this is a tool for the people who run the servers."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from erdem.core.backups import BackupError, backup_create, backup_verify, backups_prune, passphrase_read


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value = count / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class Command(BaseCommand):
    help = "Write an encrypted backup (database, media files, keys), or check one with --verify."
    # A tool for bad days: it must work even when the site's own configuration (URLs, views) is broken.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            help="where to write the archive (default: the backups directory in ERDEM_DATA_DIR)",
        )
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")
        parser.add_argument("--keep", type=int, default=0, help="then delete all but this many newest archives")
        parser.add_argument("--verify", type=Path, metavar="ARCHIVE", help="check this archive instead of writing one")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = passphrase_read(passphrase_file=options["passphrase_file"])
            if options["verify"]:
                self._verify(options["verify"], passphrase)
            else:
                self._create(options, passphrase)
        except BackupError as error:
            raise CommandError(str(error)) from error

    def _create(self, options: dict[str, Any], passphrase: str) -> None:
        directory = options["output_dir"] or Path(settings.DATA_DIR) / "backups"
        result = backup_create(destination=directory, passphrase=passphrase)
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {result.path} ({_size(result.size)}).")
            + f"\n  database: {result.rows} rows in {result.tables} tables"
            + f"\n  media: {result.media_files} files, {_size(result.media_bytes)}"
            + f"\n  keys: {', '.join(result.keys) or 'none'}"
        )
        if options["keep"] > 0:
            for removed in backups_prune(directory=directory, keep=options["keep"]):
                self.stdout.write(f"Deleted the older backup {removed.name}.")

    def _verify(self, archive: Path, passphrase: str) -> None:
        result = backup_verify(archive=archive, passphrase=passphrase)
        manifest = result.manifest
        keys = manifest.get("keys", {})
        differences = ", ".join(result.schema_differences[:5]) + (", …" if len(result.schema_differences) > 5 else "")
        schema = {
            "same": "the same as this version's",
            "older": f"older than this version's ({len(result.schema_differences)} migrations to apply after "
            f"restoring: {differences})",
            "newer": f"NEWER than this version's (unknown migrations: {differences}): install the newer erdem "
            "before restoring",
        }[result.schema]
        opens = {
            None: "no signing key in the database",
            True: "the key-encryption key opens the signing keys",
            False: "the key-encryption key does NOT open the signing keys",
        }[result.kek_opens_signing_keys]
        self.stdout.write(
            self.style.SUCCESS(f"{archive}: passphrase, every chunk and every checksum are correct.")
            + f"\n  made: {manifest['created_at']} by erdem {manifest['erdem_version']}"
            + f"\n  database: {manifest['database']['vendor']}, {result.rows} rows in "
            + f"{len(manifest['database']['tables'])} tables; schema {schema}"
            + f"\n  media: {manifest['media']['files']} files, {_size(manifest['media']['bytes'])}"
            + "\n  keys: "
            + (", ".join(f"{name} (from the {facts['source']})" for name, facts in sorted(keys.items())) or "none")
            + f"; {opens}"
        )
        if result.schema == "newer" or result.kek_opens_signing_keys is False:
            raise CommandError("The archive is intact, but it cannot be fully restored here (see above).")
