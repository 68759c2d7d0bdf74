"""Status list entries: allocated without collision, a new list when one is full, state changes published."""

import itertools
import time
from unittest import mock

import pytest
from django.db import OperationalError

from erdem.core.tests.concurrency import at_once
from erdem.credentials import status
from erdem.credentials.models import Credential, StatusList
from erdem.credentials.proofs.status_list import STATUS_LIST_LENGTH, bitstring_decode
from erdem.credentials.services import credential_reinstate, credential_revoke, credential_suspend
from erdem.credentials.status import REVOKED, SUSPENDED, VALID, status_entry_allocate, status_read
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.mark.django_db
def test_lists_have_at_least_131072_entries_and_indices_are_a_permutation():
    entries = [status_entry_allocate() for _ in range(2000)]
    assert entries[0].status_list.length >= 131_072 == STATUS_LIST_LENGTH
    indices = [entry.index for entry in entries]
    assert len(set(indices)) == len(indices)
    assert all(0 <= index < STATUS_LIST_LENGTH for index in indices)
    # scrambled: neighbours in time are far apart in the list
    assert sum(abs(a - b) < 64 for a, b in itertools.pairwise(indices)) < 10
    # the permutation covers the whole list exactly once
    assert len({position * status._SCRAMBLE % STATUS_LIST_LENGTH for position in range(STATUS_LIST_LENGTH)}) == (
        STATUS_LIST_LENGTH
    )


@pytest.mark.django_db
def test_a_full_list_opens_the_next_one():
    first = status_entry_allocate().status_list
    StatusList.objects.filter(pk=first.pk).update(allocated=first.length)
    entry = status_entry_allocate()
    assert entry.status_list.number == first.number + 1
    assert StatusList.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_collide():
    status_entry_allocate()  # the list exists; the race is for entries

    def allocate_one() -> tuple[int, int]:
        # SQLite's shared in-memory test database refuses a second writer instead of waiting: try again,
        # one allocation at a time, so a refused one (rolled back whole) is not counted twice.
        for _try in range(200):
            try:
                entry = status_entry_allocate()
                return entry.status_list.pk, entry.index
            except OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.01)
        raise AssertionError("the database stayed locked")

    def allocate_many() -> list[tuple[int, int]]:
        return [allocate_one() for _ in range(25)]

    results, errors = at_once([allocate_many for _ in range(4)])
    assert errors == []
    allocated = [pair for result in results for pair in result]
    assert len(allocated) == 100
    assert len(set(allocated)) == 100
    assert StatusList.objects.get().allocated == 101


@pytest.mark.django_db
def test_state_changes_reach_the_published_list_at_once():
    programme = ProgrammeFactory()
    credential = credential_create(achievement=achievement_create(programme=programme), person=make_person())

    def published() -> int:
        status_list = StatusList.objects.get(pk=credential.status_list_id)
        document = status.status_list_credential(status_list)
        return status_read(bitstring_decode(document["credentialSubject"]["encodedList"]), credential.status_index)

    assert published() == VALID
    credential = credential_suspend(credential=credential, actor=None, reason="Under review.")
    assert published() == SUSPENDED
    credential = credential_reinstate(credential=credential, actor=None, reason="Review finished.")
    assert published() == VALID
    credential = credential_revoke(credential=credential, actor=None, reason="Plagiarism.")
    assert published() == REVOKED
    assert credential.status == Credential.Status.REVOKED
    assert [event.action for event in credential.events.all()] == ["issue", "suspend", "reinstate", "revoke"]


@pytest.mark.django_db
def test_the_status_list_credential_is_served_signed_and_uncached(client):
    programme = ProgrammeFactory()
    credential = credential_create(achievement=achievement_create(programme=programme), person=make_person())
    response = client.get(f"/credentials/status/{credential.status_list.number}")
    assert response.status_code == 200
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["statusPurpose"] == "message"
    assert len(bitstring_decode(document["credentialSubject"]["encodedList"])) * 8 >= 2 * STATUS_LIST_LENGTH
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert response["Cache-Control"] == "public, max-age=0"
    assert client.get("/credentials/status/999").status_code == 404


def test_two_bit_entries_read_and_write_independently():
    bits = bytes(4)
    for index, value in [(0, REVOKED), (1, SUSPENDED), (5, REVOKED), (15, SUSPENDED)]:
        bits = status._status_written(bits, index, value)
    assert [status_read(bits, index) for index in range(16)] == [1, 2, 0, 0, 0, 1] + [0] * 9 + [2]
    assert bits[0] == 0b01100000


@pytest.mark.django_db
def test_allocation_gives_up_cleanly_when_no_list_can_be_opened():
    with mock.patch.object(status, "_list_create", side_effect=status.IntegrityError), pytest.raises(RuntimeError):
        status_entry_allocate()
