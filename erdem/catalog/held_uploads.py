"""An uploaded file held between its preview and the import the person confirms.

The file is kept in the default storage under a random name; the confirmation form carries a
signed token naming the file, the person, the course and what the file is, so nobody can confirm
another person's upload or an upload for another course. Files older than a day are removed
whenever a new one is held.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "catalog-imports"
SALT = "erdem.catalog.held-upload"
MAX_AGE = datetime.timedelta(days=1)


@dataclass(frozen=True)
class HeldUpload:
    name: str
    person_id: int
    course_id: int
    purpose: str  # "package", or "translations:<language>:<format>"


def upload_hold(*, file: Any, person: Any, course_id: int, purpose: str) -> str:
    """Keep the uploaded `file`; the token that gives it back to the same person for the same course."""
    _forget_old()
    file.seek(0)
    name = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.upload", File(file))
    return signing.dumps({"name": name, "person": person.pk, "course": course_id, "purpose": purpose}, salt=SALT)


def upload_held(token: str, *, person: Any, course_id: int, purpose: str) -> File | None:
    """The held file, open for reading (the caller closes it), or None when the token is invalid,
    expired, someone else's or used up."""
    try:
        held = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if (held.get("person"), held.get("course"), held.get("purpose")) != (person.pk, course_id, purpose):
        return None
    name = str(held.get("name", ""))
    if not name.startswith(f"{FOLDER}/") or not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")


def upload_release(token: str) -> None:
    """Remove the held file once it has been imported."""
    try:
        name = str(signing.loads(token, salt=SALT, max_age=MAX_AGE).get("name", ""))
    except signing.BadSignature:
        return
    if name.startswith(f"{FOLDER}/"):
        default_storage.delete(name)


def _forget_old() -> None:
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - MAX_AGE
    for file in files:
        name = f"{FOLDER}/{file}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):
            continue
