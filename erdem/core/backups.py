"""Backups: the database, the media files and the keys in one archive encrypted with a passphrase.

The archive is a tar stream (a consistent database dump, every media file, the key-encryption key and
the secret key, then `manifest.json` with a SHA-256 per member) encrypted as a whole, so a stolen copy
reveals nothing, not even file names. The encryption only composes the `cryptography` package's
primitives: scrypt derives 64 bytes from the passphrase and a random salt; the first half keys
AES-256-GCM, the second an HMAC-SHA256 over the header, which tells a wrong passphrase apart from a
damaged archive. The tar stream is cut into chunks, each sealed with AES-GCM under a nonce made of the
chunk's number and a flag marking the last chunk (the STREAM construction), with the header as
associated data: chunks cannot be reordered, dropped, truncated or added without the reader noticing.
The format is described in docs/backup.md.

Restoring reads and checks the whole archive into a staging directory first; nothing is changed
until every chunk, every checksum and the manifest are confirmed.
"""

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from erdem.credentials import keys

FORMAT_VERSION = 1
PASSPHRASE_ENVIRONMENT_VARIABLE = "ERDEM_BACKUP_PASSPHRASE"  # noqa: S105 - a variable name
SECRET_KEY_ENVIRONMENT_VARIABLE = "ERDEM_SECRET_KEY"  # noqa: S105 - a variable name
MIN_PASSPHRASE_LENGTH = 12
ARCHIVE_SUFFIX = ".tar.enc"
ARCHIVE_PATTERN = re.compile(r"^erdem-backup-\d{8}-\d{6}\.tar\.enc$")

MAGIC = b"ERDEMBAK"
CHUNK_SIZE = 1 << 20
SCRYPT_LOG2_N = 17  # 128 MiB of memory and about half a second per derivation, as OWASP advises
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_TAG_BYTES = 16
# magic, version, log2 n, r, p, chunk size, salt; then the HMAC of those bytes
_HEADER_FIELDS_BYTES = len(MAGIC) + 4 + 4 + _SALT_BYTES
_HEADER_BYTES = _HEADER_FIELDS_BYTES + 32

MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
KEYS_PREFIX = "keys/"
# pg_dump's custom format is compressed already; the SQLite copy is compressed with gzip (about 5:1).
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3.gz"}


class BackupError(Exception):
    """The backup or restore cannot go on; the message tells the operator why."""


# -- Encryption ----------------------------------------------------------------------------------


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=1 << log2_n, r=r, p=p).derive(passphrase.encode())
    return material[:32], material[32:]


def _header_mac(mac_key: bytes, fields: bytes) -> bytes:
    mac = hmac.HMAC(mac_key, hashes.SHA256())
    mac.update(fields)
    return mac.finalize()


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _EncryptingWriter:
    """Writes the header, then the data in sealed chunks; `finish()` seals the last one."""

    def __init__(self, target: IO[bytes], passphrase: str) -> None:
        self._target = target
        salt = secrets.token_bytes(_SALT_BYTES)
        fields = MAGIC + bytes([FORMAT_VERSION, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + CHUNK_SIZE.to_bytes(4, "big")
        fields += salt
        key, mac_key = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._aead = AESGCM(key)
        self._associated = fields
        self._buffer = bytearray()
        self._counter = 0
        target.write(fields + _header_mac(mac_key, fields))

    def _seal(self, chunk: bytes, last: bool) -> None:
        self._target.write(self._aead.encrypt(_nonce(self._counter, last), chunk, self._associated))
        self._counter += 1

    def write(self, data: Any) -> int:
        self._buffer += data
        # A full chunk is sealed only once more data follows it: the last chunk must carry the flag.
        while len(self._buffer) > CHUNK_SIZE:
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


def _header_read(source: IO[bytes], passphrase: str) -> tuple[AESGCM, bytes, int]:
    header = source.read(_HEADER_BYTES)
    if len(header) < _HEADER_BYTES or not header.startswith(MAGIC):
        raise BackupError("This file is not an erdem backup.")
    fields, mac = header[:_HEADER_FIELDS_BYTES], header[_HEADER_FIELDS_BYTES:]
    version, log2_n, r, p = fields[len(MAGIC) : len(MAGIC) + 4]
    chunk_size = int.from_bytes(fields[len(MAGIC) + 4 : len(MAGIC) + 8], "big")
    salt = fields[len(MAGIC) + 8 :]
    if version != FORMAT_VERSION:
        raise BackupError(f"This backup is in format {version}, which this version of erdem cannot read.")
    # Bounds, so that a forged header cannot make the reader spend unbounded memory.
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16 and 1024 <= chunk_size <= 64 << 20):
        raise BackupError("The backup's header is damaged.")
    key, mac_key = _derive(passphrase, salt, log2_n, r, p)
    expected = _header_mac(mac_key, fields)
    if not secrets.compare_digest(expected, mac):
        raise BackupError("Wrong passphrase (or the backup's header is damaged); nothing was changed.")
    return AESGCM(key), fields, chunk_size


class _DecryptingReader(io.RawIOBase):
    """The plaintext of an archive, chunk by chunk; any tampering raises BackupError."""

    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        self._source = source
        self._aead, self._associated, chunk_size = _header_read(source, passphrase)
        self._sealed_size = chunk_size + _TAG_BYTES
        self._counter = 0
        self._next = source.read(self._sealed_size)
        self._plain = memoryview(b"")
        self._offset = 0
        self._finished = False

    def readable(self) -> bool:
        return True

    def _open_next(self) -> None:
        sealed = self._next
        self._next = self._source.read(self._sealed_size)
        last = not self._next
        try:
            self._plain = memoryview(self._aead.decrypt(_nonce(self._counter, last), sealed, self._associated))
        except InvalidTag as exc:
            raise BackupError("The backup is damaged or was altered; nothing was changed.") from exc
        self._offset = 0
        self._counter += 1
        self._finished = last

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._plain):
            if self._finished:
                return 0
            self._open_next()
        count = min(len(buffer), len(self._plain) - self._offset)
        buffer[:count] = self._plain[self._offset : self._offset + count]
        self._offset += count
        return count

    def drain(self) -> None:
        """Read to the end, so that the last chunk (and thus the whole stream) is authenticated."""
        while self.readinto(bytearray(1 << 16)):
            pass


# -- What the archive holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    name: str  # the member name under keys/ and the file name in the data directory
    variable: str
    label: str


KEYS = (
    _Key("key_encryption_key", keys.KEK_ENVIRONMENT_VARIABLE, "key-encryption key"),
    _Key("secret_key", SECRET_KEY_ENVIRONMENT_VARIABLE, "secret key"),
)


def _key_value(key: _Key) -> tuple[str, str] | None:
    """Where the key is configured ("environment" or "file") and its value, or None if there is none."""
    if value := os.environ.get(key.variable, "").strip():
        return "environment", value
    path = Path(settings.DATA_DIR) / key.name
    if path.is_file():
        return "file", path.read_text().strip()
    return None


def _erdem_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


@dataclass
class _Dump:
    path: Path
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    signing_key_kek_ids: list[str]
    details: dict[str, str] = field(default_factory=dict)


def _migrations_from(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


# PostgreSQL ------------------------------------------------------------------------------------


def _pg_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq connection parameters of a Django database, without the password."""
    params = {
        "dbname": settings_dict.get("NAME") or "",
        "user": settings_dict.get("USER") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    for name in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options", "service"):
        if value := (settings_dict.get("OPTIONS") or {}).get(name):
            params[name] = str(value)
    return {name: value for name, value in params.items() if value}


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: the password never goes on a command line."""
    environment = dict(os.environ)
    if password := settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(password)
    return environment


def _pg_connect(settings_dict: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(_conninfo(settings_dict), password=settings_dict.get("PASSWORD") or None)


def _pg_tool(name: str, server_major: int) -> str:
    """The PostgreSQL client program matching the server's major version, else the newest one found."""
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")]
    newer = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
        reverse=True,
    )
    candidates += [path for path in newer if path.parts[-3].isdigit() and int(path.parts[-3]) >= server_major]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    if found := shutil.which(name):
        return found
    raise BackupError(f"{name} (PostgreSQL {server_major} or newer) was not found; install postgresql-client.")


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _pg_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    from psycopg import sql

    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_dump(work: Path) -> _Dump:
    """`pg_dump --format=custom` run on a snapshot exported by a transaction that also counts the rows,
    so that the counts in the manifest describe exactly what the dump holds."""
    settings_dict = connection.settings_dict
    path = work / DATABASE_MEMBERS["postgresql"]
    with _pg_connect(settings_dict) as snapshot_connection, snapshot_connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
        snapshot, server_version = cursor.fetchone()
        tables = _pg_tables(cursor)
        counts = _pg_counts(cursor, tables)
        migrations: list[tuple[str, str]] = []
        kek_ids: list[str] = []
        if "django_migrations" in tables:
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = cursor.fetchall()
        if "credentials_issuerkey" in tables:
            cursor.execute("SELECT DISTINCT kek_id FROM credentials_issuerkey ORDER BY kek_id")
            kek_ids = [row[0] for row in cursor.fetchall()]
        tool = _pg_tool("pg_dump", server_version // 10000)
        command = [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"]
        command += ["--dbname", _conninfo(settings_dict)]
        result = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
            command, env=_pg_environment(settings_dict), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    return _Dump(
        path=path,
        tables=counts,
        migrations=_migrations_from(migrations),
        signing_key_kek_ids=kek_ids,
        details={"server_version": str(server_version), "pg_dump": version},
    )


def _conninfo(settings_dict: dict[str, Any]) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**_pg_params(settings_dict))


# SQLite ----------------------------------------------------------------------------------------


def _sqlite_tables(database: sqlite3.Connection) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _sqlite_facts(database: sqlite3.Connection) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
    tables = _sqlite_tables(database)
    counts = {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608 - names read from sqlite_master
    migrations: list[tuple[str, str]] = []
    kek_ids: list[str] = []
    if "django_migrations" in tables:
        migrations = database.execute("SELECT app, name FROM django_migrations").fetchall()
    if "credentials_issuerkey" in tables:
        rows = database.execute("SELECT DISTINCT kek_id FROM credentials_issuerkey ORDER BY kek_id").fetchall()
        kek_ids = [row[0] for row in rows]
    return counts, migrations, kek_ids


def _sqlite_dump(work: Path) -> _Dump:
    """A consistent copy made with SQLite's online backup API, while the application keeps running."""
    if connection.in_atomic_block:
        # The backup API would wait forever for the transaction this process itself holds.
        raise BackupError("A backup of SQLite cannot be made inside a transaction.")
    copy_path = work / "database.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(copy_path)
    try:
        connection.connection.backup(copy)
        counts, migrations, kek_ids = _sqlite_facts(copy)
    finally:
        copy.close()
    path = work / DATABASE_MEMBERS["sqlite"]
    with open(copy_path, "rb") as plain, gzip.open(path, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)
    copy_path.unlink()
    return _Dump(
        path=path,
        tables=counts,
        migrations=_migrations_from(migrations),
        signing_key_kek_ids=kek_ids,
        details={"sqlite_version": sqlite3.sqlite_version},
    )


# -- Creating a backup ------------------------------------------------------------------------------


class _HashingReader:
    """Reads exactly `size` bytes from a file while hashing them; a file that shrank is an error."""

    def __init__(self, handle: IO[bytes], size: int, name: str) -> None:
        self._handle, self._left, self._name = handle, size, name
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        wanted = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(wanted)
        if len(data) < wanted:
            raise BackupError(f"{self._name} changed while it was being read; run the backup again.")
        self._left -= len(data)
        self.digest.update(data)
        return data


def _kek_warnings(signing_key_kek_ids: list[str], key_facts: dict[str, Any]) -> list[str]:
    """Notes the fingerprint of the KEK backed up, and warns when it cannot open the database's keys."""
    kek = _key_value(KEYS[0])
    if kek is None:
        return ["The database holds signing keys but no key-encryption key was found."] if signing_key_kek_ids else []
    try:
        fingerprint = keys.kek_fingerprint(keys.kek_decode(kek[1].encode()))
    except keys.SigningKeyError as error:
        return [f"The key-encryption key cannot be read: {error}"]
    key_facts[KEYS[0].name]["fingerprint"] = fingerprint
    if others := [kek_id for kek_id in signing_key_kek_ids if kek_id != fingerprint]:
        return [
            f"{len(others)} signing key(s) in the database were encrypted under another key-encryption key "
            "than the one backed up; they cannot be used after a restore."
        ]
    return []


@dataclass
class BackupResult:
    path: Path
    size: int
    rows: int
    tables: int
    media_files: int
    media_bytes: int
    keys: list[str]
    warnings: list[str]


def _add(archive: tarfile.TarFile, name: str, handle: IO[bytes], size: int, members: dict[str, Any]) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    reader = _HashingReader(handle, size, name)
    archive.addfile(info, reader)  # tarfile only calls read()
    members[name] = {"size": size, "sha256": reader.digest.hexdigest()}


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


@dataclass
class _Contents:
    members: dict[str, Any] = field(default_factory=dict)
    media_files: int = 0
    media_bytes: int = 0
    keys: dict[str, Any] = field(default_factory=dict)


def _archive_fill(archive: tarfile.TarFile, dump: _Dump, vendor: str) -> _Contents:
    """The database dump, every media file and the keys, in that order; the manifest comes after."""
    contents = _Contents()
    with open(dump.path, "rb") as handle:
        _add(archive, DATABASE_MEMBERS[vendor], handle, dump.path.stat().st_size, contents.members)
    dump.path.unlink()
    for file_path, relative in _media_files():
        try:
            media = open(file_path, "rb")  # noqa: SIM115 - closed just below
        except FileNotFoundError:
            continue  # deleted since the directory was listed
        with media:
            size = os.fstat(media.fileno()).st_size
            _add(archive, MEDIA_PREFIX + relative, media, size, contents.members)
        contents.media_files += 1
        contents.media_bytes += size
    for key in KEYS:
        if found := _key_value(key):
            source, value = found
            data = value.encode()
            _add(archive, KEYS_PREFIX + key.name, io.BytesIO(data), len(data), contents.members)
            contents.keys[key.name] = {"source": source}
    return contents


def _manifest(*, dump: _Dump, vendor: str, moment: dt.datetime, contents: _Contents) -> bytes:
    manifest = {
        "format": "erdem-backup",
        "format_version": FORMAT_VERSION,
        "created_at": moment.isoformat(),
        "erdem_version": _erdem_version(),
        "database": {"vendor": vendor, "tables": dump.tables, **dump.details},
        "migrations": dump.migrations,
        "signing_key_kek_ids": dump.signing_key_kek_ids,
        "media": {"files": contents.media_files, "bytes": contents.media_bytes},
        "keys": contents.keys,
        "members": contents.members,
    }
    return json.dumps(manifest, indent=1, sort_keys=True).encode()


def backup_create(*, destination: Path, passphrase: str, now: dt.datetime | None = None) -> BackupResult:
    """Write `erdem-backup-<UTC time>.tar.enc` into `destination` (created, mode 0700) and return what it holds."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise BackupError(f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters.")
    vendor = _vendor()
    moment = (now or timezone.now()).astimezone(dt.UTC)
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = destination / f"erdem-backup-{moment:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"
    if path.exists():
        raise BackupError(f"{path} already exists.")
    partial = destination / f".{path.name}.partial"
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # The plain dump waits in the data directory (private, beside the database), never in a shared /tmp.
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=data_dir) as work:
            dump = _pg_dump(Path(work)) if vendor == "postgresql" else _sqlite_dump(Path(work))
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as target:
                writer = _EncryptingWriter(target, passphrase)
                # tarfile only calls write() on the file object it is given.
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
                    contents = _archive_fill(archive, dump, vendor)
                    warnings = _kek_warnings(dump.signing_key_kek_ids, contents.keys)
                    data = _manifest(dump=dump, vendor=vendor, moment=moment, contents=contents)
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
                    archive.addfile(info, io.BytesIO(data))
                writer.finish()
                target.flush()
                os.fsync(target.fileno())
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        rows=sum(dump.tables.values()),
        tables=len(dump.tables),
        media_files=contents.media_files,
        media_bytes=contents.media_bytes,
        keys=sorted(contents.keys),
        warnings=warnings,
    )


def backups_prune(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives in `directory` (named as `backup_create` names them)."""
    archives = sorted(path for path in directory.iterdir() if ARCHIVE_PATTERN.match(path.name))
    removed = archives[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


# -- Reading and checking a backup -----------------------------------------------------------------


def _member_path(staging: Path, name: str) -> Path:
    """Where a member goes in the staging directory; refuses names that would leave it."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BackupError(f"The backup holds a file with an unsafe name: {name!r}.")
    return staging.joinpath(*pure.parts)


def _allowed(name: str) -> bool:
    return (
        name == MANIFEST
        or name in DATABASE_MEMBERS.values()
        or name.startswith(MEDIA_PREFIX)
        or name in {KEYS_PREFIX + key.name for key in KEYS}
    )


def _read(archive_path: Path, passphrase: str, staging: Path) -> dict[str, Any]:
    """Decrypt and check the archive, unpacking it into `staging`. Returns the manifest."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_data = b""
    try:
        source = open(archive_path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise BackupError(f"{archive_path} cannot be read: {exc.strerror}.") from exc
    with source:
        reader = _DecryptingReader(source, passphrase)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as archive:
                for member in archive:
                    if not member.isfile() or not _allowed(member.name) or member.name in seen:
                        raise BackupError(f"The backup holds an unexpected entry: {member.name!r}.")
                    handle = archive.extractfile(member)
                    if handle is None:
                        raise BackupError(f"The backup holds an unreadable entry: {member.name!r}.")
                    digest = hashlib.sha256()
                    if member.name == MANIFEST:
                        manifest_data = handle.read(16 << 20)
                        digest.update(manifest_data)
                    else:
                        path = _member_path(staging, member.name)
                        path.parent.mkdir(parents=True, exist_ok=True)
                        with open(path, "wb") as target:
                            while chunk := handle.read(1 << 20):
                                digest.update(chunk)
                                target.write(chunk)
                    seen[member.name] = {"size": member.size, "sha256": digest.hexdigest()}
            reader.drain()
        except tarfile.TarError as exc:
            raise BackupError(f"The backup cannot be unpacked: {exc}.") from exc
    if not manifest_data:
        raise BackupError("The backup has no manifest; it is incomplete.")
    try:
        manifest = json.loads(manifest_data)
    except ValueError as exc:
        raise BackupError("The backup's manifest cannot be read.") from exc
    if manifest.get("format") != "erdem-backup" or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("The backup's manifest is not in a format this version of erdem reads.")
    seen.pop(MANIFEST)
    listed = manifest.get("members", {})
    if set(listed) != set(seen):
        raise BackupError("The files in the backup differ from those its manifest lists.")
    for name, facts in listed.items():
        if facts != seen[name]:
            raise BackupError(f"The checksum of {name} does not match the manifest.")
    if (
        manifest["database"]["vendor"] not in DATABASE_MEMBERS
        or DATABASE_MEMBERS[manifest["database"]["vendor"]] not in seen
    ):
        raise BackupError("The backup holds no database dump.")
    return manifest


def _schema_relation(migrations: dict[str, list[str]]) -> tuple[str, list[str]]:
    """("same" | "older" | "newer", the migrations that differ) of the backup against this code."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {(app, name) for app, names in migrations.items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in applied - set(loader.disk_migrations))
    if unknown:
        return "newer", unknown
    missing = []
    for key, migration in loader.graph.nodes.items():
        replaced = migration.replaces or []  # a squashed migration counts as applied when all it replaces are
        if key not in applied and not (replaced and all(tuple(old) in applied for old in replaced)):
            missing.append(f"{key[0]}.{key[1]}")
    return ("older", sorted(missing)) if missing else ("same", [])


@dataclass
class VerifyResult:
    manifest: dict[str, Any]
    schema: str  # "same", "older" (migrate runs after a restore) or "newer" (cannot be restored here)
    schema_differences: list[str]
    kek_opens_signing_keys: bool | None  # None: no signing key in the backup

    @property
    def rows(self) -> int:
        return sum(self.manifest["database"]["tables"].values())


def _kek_opens(manifest: dict[str, Any], staging: Path) -> bool | None:
    """Whether the backed-up KEK is the one the database's signing keys were encrypted under."""
    kek_ids = manifest.get("signing_key_kek_ids", [])
    if not kek_ids:
        return None
    path = staging / KEYS_PREFIX / KEYS[0].name
    if not path.exists():
        return False
    try:
        fingerprint = keys.kek_fingerprint(keys.kek_decode(path.read_bytes().strip()))
    except keys.SigningKeyError:
        return False
    return set(kek_ids) == {fingerprint}


def backup_verify(*, archive: Path, passphrase: str) -> VerifyResult:
    """Check an archive completely (passphrase, every chunk, every checksum) without restoring anything."""
    with tempfile.TemporaryDirectory(prefix="erdem-verify-") as staging:
        manifest = _read(archive, passphrase, Path(staging))
        schema, differences = _schema_relation(manifest.get("migrations", {}))
        return VerifyResult(manifest, schema, differences, _kek_opens(manifest, Path(staging)))


# -- Restoring -----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables: dict[str, int]
    mismatched_tables: list[str]
    media_files: int
    media_left_in_place: int
    keys_written: list[Path]
    notes: list[str]
    migrated: bool

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _database_has_people() -> bool:
    """Whether the configured database already holds erdem's data: anyone registered. A database that
    is new, or only migrated (reference data such as regions), counts as empty."""
    tables = connection.introspection.table_names()
    if "people_person" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM people_person LIMIT 1")
        return cursor.fetchone() is not None


def _restore_postgresql(dump: Path) -> None:
    settings_dict = connection.settings_dict
    connections.close_all()
    with _pg_connect(settings_dict) as target, target.cursor() as cursor:
        from psycopg import sql

        cursor.execute("SELECT current_setting('server_version_num')::int")
        server_version = cursor.fetchone()[0]
        # Tables of a newer schema than the dump's would survive `--clean` and trouble `migrate`.
        if tables := _pg_tables(cursor):
            names = sql.SQL(", ").join(sql.Identifier(table) for table in tables)
            cursor.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(names))
    command = [
        _pg_tool("pg_restore", server_version // 10000),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        _conninfo(settings_dict),
        str(dump),
    ]
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
        command, env=_pg_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (the database is left empty): {result.stderr.strip()}")


def _restore_sqlite(packed: Path) -> None:
    database = Path(connection.settings_dict["NAME"])
    connections.close_all()
    database.parent.mkdir(parents=True, exist_ok=True)
    incoming = database.with_name(database.name + ".restoring")
    with gzip.open(packed, "rb") as source, open(incoming, "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
        target.flush()
        os.fsync(target.fileno())
    # A write-ahead log left by the old database would be replayed into the new one.
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            database.with_name(database.name + suffix).unlink()
    os.replace(incoming, database)


def _restore_media(staged: Path) -> tuple[int, int]:
    """Move the backup's files into MEDIA_ROOT (replacing files of the same name); returns the number
    restored and the number of files already there that the backup does not have (left in place)."""
    root = Path(settings.MEDIA_ROOT)
    restored: set[str] = set()
    if staged.is_dir():
        for file_path in sorted(path for path in staged.rglob("*") if path.is_file()):
            relative = file_path.relative_to(staged)
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(file_path, target)
            restored.add(relative.as_posix())
    left = 0
    if root.is_dir():
        for _, name in _media_files():
            left += name not in restored
    return len(restored), left


def _restore_keys(staging: Path, manifest: dict[str, Any], stamp: str) -> tuple[list[Path], list[str]]:
    written: list[Path] = []
    notes: list[str] = []
    for key in KEYS:
        staged = staging / KEYS_PREFIX / key.name
        if not staged.exists():
            notes.append(f"The backup holds no {key.label}.")
            continue
        value = staged.read_text().strip()
        configured = os.environ.get(key.variable, "").strip()
        path = Path(settings.DATA_DIR) / key.name
        if configured and configured == value:
            notes.append(f"The {key.label} in {key.variable} is the backup's; nothing to write.")
            continue
        if configured:
            # The environment wins over the file: the operator must put the backup's key there.
            path = path.with_name(key.name + ".restored")
            notes.append(
                f"{key.variable} is set to another {key.label} than the backup's. The backup's is in {path}: "
                f"put it into {key.variable} (in the secret store), restart, then delete the file."
            )
        elif path.exists() and path.read_text().strip() != value:
            kept = path.with_name(f"{key.name}.before-restore-{stamp}")
            os.replace(path, kept)
            notes.append(f"The previous {key.label} was kept in {kept}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        incoming = path.with_name(path.name + ".incoming")
        descriptor = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(value)
        os.replace(incoming, path)
        written.append(path)
    return written, notes


def _current_counts(tables: list[str]) -> dict[str, int]:
    counts = {}
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table in present:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - quoted names from the manifest, checked against the database's own list
                counts[table] = cursor.fetchone()[0]
    return counts


def backup_restore(
    *, archive: Path, passphrase: str, force: bool = False, progress: Callable[[str], None] | None = None
) -> RestoreResult:
    """Replace the configured database, add the media files and write the keys from `archive`.

    Refuses, changing nothing, when the passphrase is wrong, the archive damaged, its database from
    another vendor or a newer erdem, or the target already holds people (unless `force`)."""
    say = progress or (lambda message: None)
    vendor = _vendor()
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Staged beside the data (not in /tmp), so that the database and keys are moved, not copied.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        say("Reading and checking the backup…")
        manifest = _read(archive, passphrase, staging)
        backup_vendor = manifest["database"]["vendor"]
        if backup_vendor != vendor:
            raise BackupError(
                f"This backup holds a {backup_vendor} database; the configured database is {vendor}. "
                "Nothing was changed."
            )
        schema, differences = _schema_relation(manifest.get("migrations", {}))
        if schema == "newer":
            raise BackupError(
                "This backup comes from a newer version of erdem (unknown migrations: "
                f"{', '.join(differences[:5])}). Install that version first. Nothing was changed."
            )
        if _database_has_people() and not force:
            raise BackupError(
                "The configured database already holds people. Restore into an empty database, "
                "or pass --force to replace its contents. Nothing was changed."
            )
        say("Restoring the database…")
        dump = staging / DATABASE_MEMBERS[vendor]
        if vendor == "postgresql":
            _restore_postgresql(dump)
        else:
            _restore_sqlite(dump)
        say("Restoring the media files…")
        media_files, media_left = _restore_media(staging / MEDIA_PREFIX.rstrip("/"))
        written, notes = _restore_keys(staging, manifest, f"{timezone.now():%Y%m%d-%H%M%S}")
        expected = manifest["database"]["tables"]
        counts = _current_counts(list(expected))
        mismatched = sorted(table for table, count in expected.items() if counts.get(table) != count)
        migrated = False
        if schema == "older":
            say("Applying the migrations this version adds…")
            call_command("migrate", interactive=False, verbosity=0)
            migrated = True
        return RestoreResult(
            manifest=manifest,
            tables=counts,
            mismatched_tables=mismatched,
            media_files=media_files,
            media_left_in_place=media_left,
            keys_written=written,
            notes=notes,
            migrated=migrated,
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def passphrase_read(*, passphrase_file: str | None) -> str:
    """The passphrase from a file (its first line) or the environment; never from the command line."""
    if passphrase_file:
        try:
            text = Path(passphrase_file).read_text()
        except OSError as exc:
            raise BackupError(f"The passphrase file cannot be read: {exc.strerror}.") from exc
        passphrase = text.splitlines()[0] if text else ""
    else:
        passphrase = os.environ.get(PASSPHRASE_ENVIRONMENT_VARIABLE, "")
    if not passphrase:
        raise BackupError(f"Give the passphrase with --passphrase-file or {PASSPHRASE_ENVIRONMENT_VARIABLE}.")
    return passphrase
