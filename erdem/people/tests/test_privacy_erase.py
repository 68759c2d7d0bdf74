"""Deletion: the request with its cooling-off period, the national admins' queue, and what erasure leaves."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import person_with_role
from erdem.api.models import ApiToken
from erdem.api.services import api_token_create
from erdem.assignments.models import CriterionScore, Review, Submission, SubmissionFile
from erdem.audit.models import AuditAction, AuditEvent
from erdem.cascade.models import MentoringFeedback, MentoringSession
from erdem.core.mail import emails_send
from erdem.credentials.models import Credential
from erdem.credentials.verification import credential_verify, identity_matches
from erdem.insights.models import Fact
from erdem.insights.rollups import rollup_refresh
from erdem.learning.models import Enrolment
from erdem.people.models import DeletionRequest, Person
from erdem.people.privacy_services import (
    DELETED_NAME,
    PrivacyError,
    deletion_request_cancel,
    deletion_request_create,
    person_erase,
    retention_apply,
)
from erdem.people.tests.factories import make_person
from erdem.people.tests.privacy_world import EMAIL, NAMES, PASSWORD, person_everywhere, text_columns_containing
from erdem.portfolio.models import Endorsement, Entry, EntryFile, Portfolio

pytestmark = pytest.mark.django_db


def signed_in_client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- the request -----------------------------------------------------------------------------------------


def test_asking_needs_the_password_and_can_be_cancelled(client, settings):
    person = make_person(preferred_language="en")
    client.force_login(person)
    page = client.get(reverse("privacy:delete"))
    assert "What is kept, and why" in page.content.decode()

    refused = client.post(reverse("privacy:delete"), {"password": "wrong", "understood": "on"})
    assert refused.status_code == 200
    assert "This is not your password." in refused.content.decode()
    assert not DeletionRequest.objects.exists()

    asked = client.post(reverse("privacy:delete"), {"password": PASSWORD, "understood": "on", "reason": "Moving"})
    assert asked.status_code == 302
    request = DeletionRequest.objects.get(person=person)
    assert request.status == DeletionRequest.Status.PENDING
    assert request.due_at - request.requested_at == dt.timedelta(days=settings.ERDEM_DELETION_COOLING_OFF_DAYS)
    assert "you can cancel" in client.get(reverse("privacy:page")).content.decode()
    with pytest.raises(PrivacyError):
        deletion_request_create(person=person, password=PASSWORD)

    assert client.post(reverse("privacy:delete_cancel")).status_code == 302
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.CANCELLED
    with pytest.raises(PrivacyError):
        deletion_request_cancel(person=person)


def test_the_queue_is_for_national_admins_and_waits_for_the_cooling_off(client):
    admin = person_with_role(Role.NATIONAL_ADMIN, preferred_language="en")
    person = make_person(family_name="Түвшинжаргал")
    pending = deletion_request_create(person=person, password=PASSWORD)
    for other in (person, person_with_role(Role.COORDINATOR), person_with_role(Role.MINISTRY_VIEWER)):
        client.force_login(other)
        assert client.get(reverse("privacy:deletion_queue")).status_code == 403
        assert client.post(reverse("privacy:deletion_process", args=[pending.pk])).status_code == 403

    client.force_login(admin)
    queue = client.get(reverse("privacy:deletion_queue")).content.decode()
    assert "Түвшинжаргал" in queue and "The person can still cancel" in queue
    client.post(reverse("privacy:deletion_process", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == DeletionRequest.Status.PENDING  # too early

    DeletionRequest.objects.filter(pk=pending.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert "Delete now" in client.get(reverse("privacy:deletion_queue")).content.decode()
    client.post(reverse("privacy:deletion_process", args=[pending.pk]))
    pending.refresh_from_db()
    assert (pending.status, pending.processed_by) == (DeletionRequest.Status.DONE, admin)
    assert Person.objects.get(pk=person.pk).family_name == DELETED_NAME
    assert client.post(reverse("privacy:deletion_process", args=[999999])).status_code == 404


def test_a_request_past_its_deadline_is_carried_out_by_the_daily_run(settings):
    person = make_person()
    request = deletion_request_create(person=person, password=PASSWORD)
    later = request.requested_at + dt.timedelta(days=settings.ERDEM_DELETION_DEADLINE_DAYS, minutes=1)
    assert retention_apply(dry_run=True, now=later)["deletions_overdue"] == 1
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.PENDING
    retention_apply(now=later)
    request.refresh_from_db()
    assert (request.status, request.processed_by) == (DeletionRequest.Status.DONE, None)
    assert not Person.objects.get(pk=person.pk).is_active


# --- erasure ---------------------------------------------------------------------------------------------


@pytest.fixture
def erased(django_capture_on_commit_callbacks):
    """The world's person, signed in and with an API token, after erasure by a national admin."""
    world = person_everywhere()
    signed_in_client(world.person)
    api_token_create(person=world.person, name="Laptop")
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt

        AccessAttempt.objects.create(
            username=EMAIL, ip_address="127.0.0.1", user_agent="test", failures_since_start=1, path_info="/"
        )
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=world.person, name="Phone")
    emails_send([EmailMessage(subject="Your course starts", body="See you there.", to=[EMAIL])])
    rollup_refresh(programme=world.programme)
    world.figures = sorted(Fact.objects.filter(programme=world.programme).values_list("measure", "count"))
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=world.programme)
    world.stored = [f.file.name for f in SubmissionFile.objects.filter(submission__person=world.person)]
    world.stored += [f.file.name for f in EntryFile.objects.filter(entry__person=world.person)]
    with django_capture_on_commit_callbacks(execute=True):
        world.outcome = person_erase(person=world.person, actor=admin)
    world.person.refresh_from_db()
    return world


def test_after_erasure_their_e_mail_and_name_are_nowhere_in_the_database(erased):
    assert text_columns_containing((EMAIL,)) == []
    assert text_columns_containing(NAMES) == []


def test_after_erasure_their_credential_still_verifies(erased):
    credential = Credential.objects.get(pk=erased.credential.pk)
    assert credential.document == erased.credential.document
    assert credential.jwt == erased.credential.jwt
    assert credential.status == Credential.Status.ACTIVE and not credential.show_name
    for form in (credential.document, credential.jwt):
        assert credential_verify(form).verdict == "valid"
    # Whoever was given the certificate can still check it was issued to the address it names.
    identifier = credential.document["credentialSubject"]["identifier"][0]
    assert identity_matches(email=EMAIL, identity_hash=identifier["identityHash"], salt=identifier["salt"])
    assert Client().get(reverse("credentials:public", args=[credential.public_id])).status_code == 200


def test_after_erasure_they_cannot_sign_in(erased, client):
    person = erased.person
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert not person.has_usable_password() and not person.is_active
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username=EMAIL, password=PASSWORD) is None
    assert authenticate(request, username=person.email, password=PASSWORD) is None
    response = client.post(reverse("people:login"), {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(person.pk)]
    assert not ApiToken.objects.filter(person=person, revoked_at__isnull=True).exists()
    assert not RoleAssignment.objects.filter(person=person, ended_at__isnull=True).exists()
    assert erased.outcome["sign_in_records"] == int(apps.is_installed("axes"))
    assert erased.outcome["two_factor_devices"] == int(apps.is_installed("django_otp.plugins.otp_totp"))


def test_erasure_removes_texts_and_files_and_keeps_figures(erased):
    person = erased.person
    assert (person.family_name, person.given_name, person.department) == (DELETED_NAME, "", "")
    assert person.institution_id is not None and person.email_confirmed_at is not None  # counted by statistics
    submission = Submission.objects.get(person=person)
    assert (submission.text, submission.status) == ("", Submission.Status.APPROVED)
    assert Review.objects.get(submission=submission).comment == ""
    assert CriterionScore.objects.filter(review__submission=submission).count() == 3
    assert not SubmissionFile.objects.filter(submission__person=person).exists()
    assert not Entry.objects.filter(person=person).exists()
    assert not EntryFile.objects.filter(entry__person=person).exists()
    assert not Portfolio.objects.filter(person=person).exists()
    assert Endorsement.objects.get(endorser=person).status == Endorsement.Status.WITHDRAWN
    assert MentoringSession.objects.get(assignment__mentee=person).notes == ""
    assert MentoringFeedback.objects.get(assignment__mentee=person).rating == 4
    assert Enrolment.objects.filter(person=person).count() == 1
    assert erased.outcome["submission_files"] == 1 and erased.outcome["portfolio_files"] == 1
    assert erased.outcome["emails_dropped"] == 1  # the outbox held one e-mail to them
    assert len(erased.stored) == 2
    assert not any(default_storage.exists(name) for name in erased.stored)


def test_national_figures_do_not_change(erased):
    assert dict(erased.figures)["registered"] >= 1 and "certified" in dict(erased.figures)
    rollup_refresh(programme=erased.programme)
    assert sorted(Fact.objects.filter(programme=erased.programme).values_list("measure", "count")) == erased.figures


def test_erasure_is_in_the_audit_log(erased):
    event = AuditEvent.objects.get(action=AuditAction.DATA_DELETE)
    assert event.subject_id == erased.person.pk
    assert event.details["submission_files"] == 1
    assert EMAIL not in event.summary
