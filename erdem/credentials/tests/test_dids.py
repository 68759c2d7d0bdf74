import pytest

from erdem.credentials.dids import DidError, did_check
from erdem.credentials.services import IssuanceError, credential_subject_did_set
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

GOOD = [
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # Ed25519
    "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",  # P-256
    "did:web:example.mn",
    "did:web:wallet.example.mn%3A8443:users:saraa",
    "did:example:123456789abcdefghi",
]
BAD = [
    "hello",
    "did:key:zNOTVALID",
    "did:key:z6Mk" + "x" * 280,
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do",  # one character short
    "did:web:localhost",
    "did:web:-bad-.mn",
    "did:web:example.mn%3A99999",
    "did:example:123#key-1",
    "did:Example:123",
    "did:example:",
    "did:example:12 3",
]


@pytest.mark.parametrize("did", GOOD)
def test_dids_wallets_give_are_accepted(did):
    assert did_check(f"  {did} ") == did


@pytest.mark.parametrize("did", BAD)
def test_mistyped_or_empty_dids_are_refused_with_a_reason(did):
    with pytest.raises(DidError) as refused:
        did_check(did)
    assert "DID" in str(refused.value) or "did:" in str(refused.value)


@pytest.mark.django_db
def test_a_mistyped_did_reissues_nothing():
    programme = ProgrammeFactory()
    person = make_person()
    credential = credential_create(achievement=achievement_create(programme=programme), person=person)
    with pytest.raises(IssuanceError):
        credential_subject_did_set(credential=credential, person=person, did="did:key:zNOTVALID")
    credential.refresh_from_db()
    assert credential.status == credential.Status.ACTIVE and not hasattr(credential, "replaced_by")
    new = credential_subject_did_set(credential=credential, person=person, did=GOOD[0])
    assert new.document["credentialSubject"]["id"] == GOOD[0]
    with pytest.raises(IssuanceError):
        credential_subject_did_set(credential=new, person=person, did=GOOD[0])
