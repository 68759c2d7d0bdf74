import pytest

from erdem.catalog.tests.factories import course_build
from erdem.credentials.identity import did_document
from erdem.credentials.models import Credential, CredentialEvent
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.proofs.jwt import jwt_decode
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase
from erdem.credentials.proofs.schema import ob3_schema, schema_errors
from erdem.credentials.services import IssuanceError, credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _resolver(method: str):
    document = did_document()
    for entry in document["verificationMethod"]:
        if entry["id"] == method:
            return ed25519_public_from_multibase(entry["publicKeyMultibase"])
    raise LookupError(method)


def test_issued_credential_is_signed_both_ways_and_fits_the_schema(settings, official_schema_path):
    settings.ERDEM_OB3_SCHEMA_PATH = str(official_schema_path)
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme, course=course_build(programme=programme))
    person = make_person()
    credential = credential_create(achievement=achievement, person=person)

    proof = proof_verify(credential.document, resolve_key=_resolver)
    assert proof.verification_method.startswith("did:web:")
    decoded = jwt_decode(credential.jwt, resolve_key=_resolver)
    assert decoded["id"] == credential.document["id"]
    unsigned = {k: v for k, v in credential.document.items() if k != "proof"}
    schema = ob3_schema()
    assert schema is not None
    assert schema_errors(credential.document, schema) == []
    assert schema_errors(unsigned, schema) == []
    assert credential.events.get().action == CredentialEvent.Action.ISSUE


def test_one_current_credential_per_person_and_achievement():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    person = make_person()
    first = credential_create(achievement=achievement, person=person)
    with pytest.raises(IssuanceError):
        credential_create(achievement=achievement, person=person)
    credential_revoke(credential=first, actor=None, reason="Issued by mistake.")
    assert credential_create(achievement=achievement, person=person).status == Credential.Status.ACTIVE


def test_audit_log_is_append_only():
    programme = ProgrammeFactory()
    credential = credential_create(achievement=achievement_create(programme=programme), person=make_person())
    event = credential.events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CredentialEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(TypeError):
        CredentialEvent.objects.all().delete()
