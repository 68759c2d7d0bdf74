"""Credential status through W3C Bitstring Status List v1.0.

Open Badges 3.0 allows one `credentialStatus` per credential, so each credential has one entry
of two bits in a list whose `statusPurpose` is "message": 0 valid, 1 revoked, 2 suspended
(docs/decisions/0015). Lists have 131,072 entries; entries are allocated under a row lock
(PostgreSQL `SELECT … FOR UPDATE`; SQLite serialises writers), a full list opens the next
one, and a unique constraint on (list, index) makes a collision impossible even if the lock
were bypassed. The published status list credential is signed when asked for and cached
until the list changes, so a revocation shows at the next verification.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from erdem.credentials.models import StatusList
from erdem.credentials.proofs.contexts import CREDENTIALS_V2
from erdem.credentials.proofs.status_list import STATUS_LIST_LENGTH, bitstring_encode

STATUS_SIZE = 2  # bits per entry
VALID, REVOKED, SUSPENDED = 0, 1, 2
STATUS_MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "revoked"},
    {"status": "0x2", "message": "suspended"},
]
# An odd multiplier makes index = position × multiplier mod length a permutation of the list
# (the length is a power of two), so consecutive allocations land far apart.
_SCRAMBLE = 0x9E3779B1 % STATUS_LIST_LENGTH | 1


@dataclass(frozen=True)
class StatusEntry:
    status_list: StatusList
    index: int


def _list_create(number: int) -> StatusList:
    return StatusList.objects.create(
        number=number, length=STATUS_LIST_LENGTH, bits=bytes(STATUS_LIST_LENGTH * STATUS_SIZE // 8)
    )


def status_entry_allocate() -> StatusEntry:
    """A fresh entry in the newest list that has room, committed at once (or with the caller's
    transaction): the list's row is locked only for this short moment, not while signing."""
    for _attempt in range(3):
        with transaction.atomic():
            # The bitstring (32 KB) is not needed to hand out an entry: leave it in the database.
            newest = StatusList.objects.select_for_update().only("pk", "number", "length", "allocated")
            status_list = newest.order_by("-number").first()
            if status_list is not None and status_list.allocated < status_list.length:
                position = status_list.allocated
                StatusList.objects.filter(pk=status_list.pk).update(allocated=position + 1)
                return StatusEntry(status_list, position * _SCRAMBLE % status_list.length)
        number = status_list.number + 1 if status_list else 1
        try:
            with transaction.atomic():
                _list_create(number)
        except IntegrityError:
            pass  # another process opened it first: take an entry in that one
    raise RuntimeError("Could not open a new status list.")


def status_read(bits: bytes, index: int) -> int:
    first = index * STATUS_SIZE
    byte = bits[first // 8]
    shift = 8 - STATUS_SIZE - first % 8
    return (byte >> shift) & ((1 << STATUS_SIZE) - 1)


def _status_written(bits: bytes, index: int, value: int) -> bytes:
    first = index * STATUS_SIZE
    shift = 8 - STATUS_SIZE - first % 8
    mask = ((1 << STATUS_SIZE) - 1) << shift
    changed = bytearray(bits)
    changed[first // 8] = (changed[first // 8] & ~mask) | (value << shift)
    return bytes(changed)


def status_write(*, status_list_id: int, index: int, value: int) -> None:
    """Set one entry; the list row is locked so concurrent changes to one list never lose each other."""
    with transaction.atomic():
        locked = StatusList.objects.select_for_update().get(pk=status_list_id)
        locked.bits = _status_written(bytes(locked.bits), index, value)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["bits", "updated_at"])


def status_entry_document(entry_list_number: int, index: int) -> dict[str, Any]:
    from erdem.credentials.identity import status_list_url

    url = status_list_url(entry_list_number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": str(index),
        "statusListCredential": url,
        "statusSize": STATUS_SIZE,
        "statusMessage": STATUS_MESSAGES,
    }


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The signed BitstringStatusListCredential, cached per list and version."""
    cache_key = f"credentials:status-list:{status_list.number}:{status_list.updated_at.timestamp()}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    from erdem.credentials.identity import issuer_did, status_list_url
    from erdem.credentials.signing import document_sign_active

    url = status_list_url(status_list.number)
    now = timezone.now().replace(microsecond=0)
    unsigned = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "message",
            "encodedList": bitstring_encode(bytes(status_list.bits)),
        },
    }
    signed = document_sign_active(unsigned, created=now)
    cache.set(cache_key, signed, 300)
    return signed
