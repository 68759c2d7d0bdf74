"""Backups: the encrypted stream refuses any tampering, a restore changes nothing until the whole
archive is confirmed, and a backup restored into a fresh database (run as the operator would, with
`manage.py backup` and `manage.py restore` in their own processes) holds the same data, still verifies
its credentials and can sign new ones with the restored key-encryption key."""

import base64
import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from erdem.core import backups
from erdem.credentials import keys
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

PASSPHRASE = "a long passphrase for tests"
KEK = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


@pytest.fixture
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap key derivation and small chunks, so that the stream's edge cases are quick to reach."""
    monkeypatch.setattr(backups, "SCRYPT_LOG2_N", 10)
    monkeypatch.setattr(backups, "CHUNK_SIZE", 1024)


@pytest.fixture
def known_kek(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process signs with a KEK the test knows, so that it can hand it to the backed-up server."""
    monkeypatch.setenv(keys.KEK_ENVIRONMENT_VARIABLE, KEK)
    keys._kek.cache_clear()
    keys._private_cached.cache_clear()
    yield
    keys._kek.cache_clear()
    keys._private_cached.cache_clear()


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    (tmp_path / "data" / "media").mkdir(parents=True)
    return tmp_path / "data"


def _encrypt(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    target = io.BytesIO()
    writer = backups._EncryptingWriter(target, passphrase)
    writer.write(data)
    writer.finish()
    return target.getvalue()


def _decrypt(sealed: bytes, passphrase: str = PASSPHRASE) -> bytes:
    return backups._DecryptingReader(io.BytesIO(sealed), passphrase).read()


# -- The encrypted stream -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 1024, 1025, 5000])
def test_the_stream_reads_back_what_was_written(fast_scrypt: None, size: int) -> None:
    data = secrets.token_bytes(size)
    sealed = _encrypt(data)
    assert size < 16 or data not in sealed  # (a byte or two may turn up in any random ciphertext)
    assert _decrypt(sealed) == data
    assert _encrypt(data) != sealed  # a new salt, so a new key, every time


def test_a_wrong_passphrase_is_told_apart_from_damage(fast_scrypt: None) -> None:
    sealed = _encrypt(b"x" * 3000)
    with pytest.raises(backups.BackupError, match="Wrong passphrase"):
        _decrypt(sealed, "another passphrase")
    with pytest.raises(backups.BackupError, match="not an erdem backup"):
        _decrypt(b"PK\x03\x04" + sealed[4:])


def test_any_change_to_the_chunks_is_refused(fast_scrypt: None) -> None:
    sealed = _encrypt(secrets.token_bytes(3000))  # chunks of 1024, 1024 and 952 bytes
    header, block = backups._HEADER_BYTES, 1024 + 16
    first, second, last = (sealed[header + i * block : header + (i + 1) * block] for i in range(3))
    flipped = bytearray(sealed)
    flipped[header + 100] ^= 1
    changed = {
        "a flipped bit": bytes(flipped),
        "the last chunk dropped": sealed[: header + 2 * block],
        "the last bytes cut": sealed[:-5],
        "two chunks swapped": sealed[:header] + second + first + last,
        "a chunk repeated": sealed[:header] + first + first + second + last,
        "a chunk appended": sealed + second,
    }
    for what, data in changed.items():
        with pytest.raises(backups.BackupError, match="damaged or was altered"):
            _decrypt(data)
            pytest.fail(what)


def test_the_passphrase_comes_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(backups.PASSPHRASE_ENVIRONMENT_VARIABLE, raising=False)
    with pytest.raises(backups.BackupError, match="--passphrase-file"):
        backups.passphrase_read(passphrase_file=None)
    path = tmp_path / "passphrase"
    path.write_text("from the file with spaces \nsecond line\n")
    assert backups.passphrase_read(passphrase_file=str(path)) == "from the file with spaces "
    monkeypatch.setenv(backups.PASSPHRASE_ENVIRONMENT_VARIABLE, "from the environment")
    assert backups.passphrase_read(passphrase_file=None) == "from the environment"


# -- Refusals (the archive is written by this process; nothing is ever applied here) ------------------------
# Transactional: SQLite's backup API cannot copy a database while this process holds it in a transaction.
on_committed_data = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive(data_dir: Path, fast_scrypt: None, known_kek: None) -> Path:
    (data_dir / "media" / "catalog").mkdir()
    (data_dir / "media" / "catalog" / "lesson.vtt").write_text("WEBVTT\n")
    (data_dir / "secret_key").write_text("the secret key")
    return backups.backup_create(destination=data_dir.parent / "backups", passphrase=PASSPHRASE).path


def _state(data_dir: Path) -> dict[str, Any]:
    files = {path.relative_to(data_dir).as_posix(): path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}
    return {"files": files, "people": Person.objects.count()}


def test_a_short_passphrase_is_refused(data_dir: Path) -> None:
    with pytest.raises(backups.BackupError, match="at least 12 characters"):
        backups.backup_create(destination=data_dir / "backups", passphrase="too short")
    assert not (data_dir / "backups").exists()


@on_committed_data
def test_the_archive_is_named_by_time_private_and_verifiable(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert backups.ARCHIVE_PATTERN.match(archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    content = archive.read_bytes()
    for secret in (b"WEBVTT", b"the secret key", KEK.encode(), b"manifest.json", b"lesson.vtt"):
        assert secret not in content
    result = backups.backup_verify(archive=archive, passphrase=PASSPHRASE)
    assert result.schema == "same"
    assert result.manifest["media"] == {"files": 1, "bytes": 7}
    assert result.manifest["keys"]["key_encryption_key"] == {
        "source": "environment",
        "fingerprint": keys.kek_fingerprint(keys.kek_decode(KEK.encode())),
    }
    assert result.manifest["keys"]["secret_key"]["source"] in {"environment", "file"}
    assert result.manifest["database"]["vendor"] == connection.vendor
    assert set(result.manifest["members"]) >= {"media/catalog/lesson.vtt", "keys/key_encryption_key"}


@on_committed_data
def test_the_verify_command_reports_the_archive(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backups.PASSPHRASE_ENVIRONMENT_VARIABLE, PASSPHRASE)
    out = io.StringIO()
    call_command("backup", verify=archive, stdout=out)
    assert "every chunk and every checksum are correct" in out.getvalue()
    assert "media: 1 files" in out.getvalue()
    monkeypatch.setenv(backups.PASSPHRASE_ENVIRONMENT_VARIABLE, "not the passphrase")
    with pytest.raises(CommandError, match="Wrong passphrase"):
        call_command("backup", verify=archive, stdout=io.StringIO())


@on_committed_data
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("wrong passphrase", "Wrong passphrase"),
        ("flipped byte", "damaged or was altered"),
        ("truncated", "damaged or was altered"),
    ],
)
def test_a_bad_archive_changes_nothing(archive: Path, data_dir: Path, damage: str, message: str) -> None:
    make_person()
    (data_dir / "media" / "catalog" / "lesson.vtt").write_text("WEBVTT\nchanged since\n")
    passphrase = PASSPHRASE
    if damage == "wrong passphrase":
        passphrase = "a different passphrase"
    else:
        content = bytearray(archive.read_bytes())
        if damage == "flipped byte":
            content[len(content) // 2] ^= 0x40
        else:
            del content[-100:]
        archive.write_bytes(bytes(content))
    before = _state(data_dir)
    with pytest.raises(backups.BackupError, match=message):
        backups.backup_restore(archive=archive, passphrase=passphrase, force=True)
    assert _state(data_dir) == before


@on_committed_data
def test_a_database_with_people_is_not_replaced_without_force(archive: Path, data_dir: Path) -> None:
    make_person()
    before = _state(data_dir)
    with pytest.raises(backups.BackupError, match="already holds people"):
        backups.backup_restore(archive=archive, passphrase=PASSPHRASE)
    assert _state(data_dir) == before


@on_committed_data
def test_the_schema_of_a_backup_is_compared_with_this_version(archive: Path) -> None:
    manifest = backups.backup_verify(archive=archive, passphrase=PASSPHRASE).manifest
    relation, unknown = backups._schema_relation({**manifest["migrations"], "people": ["9999_from_the_future"]})
    assert (relation, unknown) == ("newer", ["people.9999_from_the_future"])
    relation, missing = backups._schema_relation({"people": manifest["migrations"]["people"][:1]})
    assert relation == "older"
    assert "credentials.0001_initial" in missing


@on_committed_data
def test_a_backup_from_a_newer_erdem_is_refused(archive: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "_schema_relation", lambda migrations: ("newer", ["people.9999_from_the_future"]))
    before = _state(data_dir)
    with pytest.raises(backups.BackupError, match="newer version of erdem"):
        backups.backup_restore(archive=archive, passphrase=PASSPHRASE, force=True)
    assert _state(data_dir) == before


def test_old_archives_are_pruned(tmp_path: Path) -> None:
    names = [f"erdem-backup-2026010{day}-020000.tar.enc" for day in range(1, 6)]
    for name in [*names, "notes.txt"]:
        (tmp_path / name).write_text("")
    removed = backups.backups_prune(directory=tmp_path, keep=2)
    assert [path.name for path in removed] == names[:3]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*names[3:], "notes.txt"])


def test_a_kek_set_in_the_environment_is_not_overwritten(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = tmp_path / "staging"
    (staging / "keys").mkdir(parents=True)
    (staging / "keys" / "key_encryption_key").write_text(KEK)
    (staging / "keys" / "secret_key").write_text("restored secret")
    monkeypatch.setenv(keys.KEK_ENVIRONMENT_VARIABLE, base64.urlsafe_b64encode(bytes(32)).decode())
    monkeypatch.delenv(backups.SECRET_KEY_ENVIRONMENT_VARIABLE, raising=False)
    (data_dir / "secret_key").write_text("generated on first start")
    written, notes = backups._restore_keys(staging, {}, "20260101-000000")
    assert (data_dir / "key_encryption_key.restored").read_text() == KEK
    assert (data_dir / "key_encryption_key.restored").stat().st_mode & 0o777 == 0o600
    assert not (data_dir / "key_encryption_key").exists()
    assert (data_dir / "secret_key").read_text() == "restored secret"
    assert (data_dir / "secret_key.before-restore-20260101-000000").read_text() == "generated on first start"
    assert written == [data_dir / "key_encryption_key.restored", data_dir / "secret_key"]
    assert any("put it into ERDEM_KEY_ENCRYPTION_KEY" in note for note in notes)


# -- The round trip, run as the operator runs it ------------------------------------------------------


def _environment(data: Path, database_url: str | None) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "ERDEM_DATA_DIR",
            "ERDEM_MEDIA_ROOT",
            keys.KEK_ENVIRONMENT_VARIABLE,
            backups.SECRET_KEY_ENVIRONMENT_VARIABLE,
            backups.PASSPHRASE_ENVIRONMENT_VARIABLE,
        }
    }
    environment.update(DJANGO_SETTINGS_MODULE="erdem.settings", ERDEM_DATA_DIR=str(data), ERDEM_VERIFIER_FETCH="0")
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def _manage(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, MANAGE, *arguments], env=environment, capture_output=True, text=True, check=False
    )


def _pg_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_connect(name: str) -> Any:
    import psycopg

    return psycopg.connect(backups._conninfo({**connection.settings_dict, "NAME": name}), autocommit=True)


def _snapshot(rows: Any) -> tuple[dict[str, int], dict[str, str]]:
    """Rows per table, and a hash of every row of the tables a restore must not alter in the least."""
    counts: dict[str, int] = {}
    hashes: dict[str, str] = {}
    for table, content in rows:
        counts[table] = len(content)
        if table in {"people_person", "credentials_credential", "credentials_issuerkey", "organisations_region"}:
            hashes[table] = hashlib.sha256(repr(sorted(content, key=repr)).encode()).hexdigest()
    return counts, hashes


def _pg_rows(name: str) -> Iterator[tuple[str, list[Any]]]:
    from psycopg import sql

    with _pg_connect(name) as database, database.cursor() as cursor:
        for table in backups._pg_tables(cursor):
            cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            yield table, cursor.fetchall()


def _sqlite_rows(path: Path) -> Iterator[tuple[str, list[Any]]]:
    database = sqlite3.connect(path)
    try:
        for table in backups._sqlite_tables(database):
            yield table, database.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 - names from sqlite_master
    finally:
        database.close()


CHECK_RESTORED = """
import json
from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import credential_create
from erdem.credentials.verification import credential_verify
from erdem.people.models import Person
old = Credential.objects.get(public_id="{public_id}")
new = credential_create(achievement=old.achievement, person=Person.objects.get(email="{other}"))
print(json.dumps({{
    "old": credential_verify(old.document).verdict,
    "old_jwt": credential_verify(old.jwt).verdict,
    "new": credential_verify(new.document).verdict,
    "same_key": new.key_id == old.key_id,
}}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_holds_the_same_data(tmp_path: Path, known_kek: None) -> None:
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    holder = make_person(email="holder@example.mn")
    make_person(email="other@example.mn")
    credential = credential_create(achievement=achievement, person=holder)

    source, target = tmp_path / "source", tmp_path / "target"
    (source / "media" / "catalog" / "7").mkdir(parents=True)
    media = secrets.token_bytes(3 * 1024 * 1024 + 17)  # more than one chunk
    (source / "media" / "catalog" / "7" / "лекц.mp4").write_bytes(media)
    (source / "key_encryption_key").write_text(KEK)
    (source / "secret_key").write_text("the backed-up secret key")
    target.mkdir()
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE + "\n")

    postgresql = connection.vendor == "postgresql"
    restore_name = f"erdem_restore_{secrets.token_hex(4)}"
    if postgresql:
        source_url: str | None = _pg_url(connection.settings_dict["NAME"])
        target_url: str | None = _pg_url(restore_name)
        with _pg_connect("postgres") as server:
            server.execute(f'CREATE DATABASE "{restore_name}"')
    else:
        # The suite's SQLite database lives in memory: give the backed-up server a file copy of it.
        source_url = target_url = None
        connection.ensure_connection()
        copy = sqlite3.connect(source / "erdem.sqlite3")
        connection.connection.backup(copy)
        copy.close()
    try:
        made = _manage(
            _environment(source, source_url),
            "backup",
            "--passphrase-file",
            str(passphrase_file),
            "--output-dir",
            str(tmp_path / "backups"),
        )
        assert made.returncode == 0, made.stderr
        (archive,) = (tmp_path / "backups").iterdir()
        assert media not in archive.read_bytes()

        checked = _manage(
            _environment(target, target_url),
            "backup",
            "--verify",
            str(archive),
            "--passphrase-file",
            str(passphrase_file),
        )
        assert checked.returncode == 0, checked.stderr
        assert "the key-encryption key opens the signing keys" in checked.stdout

        restored = _manage(
            _environment(target, target_url), "restore", str(archive), "--passphrase-file", str(passphrase_file)
        )
        assert restored.returncode == 0, restored.stderr
        assert "(2 people, 1 credentials)" in restored.stdout

        if postgresql:
            before, after = _snapshot(_pg_rows(connection.settings_dict["NAME"])), _snapshot(_pg_rows(restore_name))
        else:
            before, after = (
                _snapshot(_sqlite_rows(source / "erdem.sqlite3")),
                _snapshot(_sqlite_rows(target / "erdem.sqlite3")),
            )
        assert after == before
        assert before[0]["people_person"] == 2
        assert (target / "media" / "catalog" / "7" / "лекц.mp4").read_bytes() == media
        assert (target / "key_encryption_key").read_text() == KEK
        assert (target / "key_encryption_key").stat().st_mode & 0o777 == 0o600
        assert (target / "secret_key").read_text() == "the backed-up secret key"

        script = CHECK_RESTORED.format(public_id=credential.public_id, other="other@example.mn")
        used = _manage(_environment(target, target_url), "shell", "-v", "0", "-c", script)
        assert used.returncode == 0, used.stderr
        assert json.loads(used.stdout.strip().splitlines()[-1]) == {
            "old": "valid",
            "old_jwt": "valid",
            "new": "valid",
            "same_key": True,
        }

        again = _manage(
            _environment(target, target_url), "restore", str(archive), "--passphrase-file", str(passphrase_file)
        )
        assert again.returncode != 0
        assert "already holds people" in again.stderr
    finally:
        if postgresql:
            with _pg_connect("postgres") as server:
                server.execute(f'DROP DATABASE IF EXISTS "{restore_name}" WITH (FORCE)')
