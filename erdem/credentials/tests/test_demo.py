"""The demo's credentials agree with its learning records: exactly the certified share of the
educators meets every rule of the micro-certificate and holds it, the credentials verify, and the
master teachers hold the trainer certification."""

import datetime as dt
import unicodedata
from collections import defaultdict
from typing import Any

import pytest
from django.db.models import Max

from erdem.access.models import Role, RoleAssignment
from erdem.credentials.demo import (
    REVOCATIONS,
    SUSPENSION,
    TRAINER_REASON,
    demo_certified_target,
)
from erdem.credentials.identity import did_document
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent, StatusList
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.proofs.jwt import jwt_decode
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase
from erdem.credentials.rules import rules_evaluate
from erdem.credentials.status import REVOKED, SUSPENDED, VALID, status_read
from erdem.demo.services import demo_load
from erdem.learning.demo import AI_COURSES
from erdem.learning.models import Enrolment
from erdem.workshops.models import Attendance

pytestmark = pytest.mark.django_db

SIZE = {"educators": 120, "institutions": 8}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """A small demo, loaded once for this module and rolled back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(**SIZE)
        transaction.set_rollback(True)


def micro_certificate() -> Achievement:
    return Achievement.objects.get(kind=Achievement.Kind.MICRO_CERTIFICATE)


def educators() -> list[int]:
    return list(
        RoleAssignment.objects.filter(role=Role.EDUCATOR, person__email_confirmed_at__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def test_exactly_the_holders_meet_every_rule(demo: Any, db: None) -> None:
    achievement = micro_certificate()
    credentials = Credential.objects.filter(achievement=achievement)
    holders = set(credentials.values_list("person_id", flat=True))
    active = set(credentials.filter(status=Credential.Status.ACTIVE).values_list("person_id", flat=True))
    qualified = {
        person_id
        for person_id, qualification in rules_evaluate(achievement, educators()).items()
        if qualification.qualifies
    }
    # Exactly the certified share holds an active micro-certificate; those revoked or suspended
    # were issued in addition.
    assert len(active) == demo_certified_target(SIZE["educators"]) == round(120 * 580 / 2054)
    assert len(holders) == len(active) + len(REVOCATIONS) + 1
    assert holders == qualified
    assert demo.counts["credentials_certified"] == len(holders)
    assert demo.counts["certified"] == len(active)
    assert demo_certified_target(2054) == 580


def test_the_rules_are_the_courses_the_final_quiz_the_task_and_the_seminar(demo: Any, db: None) -> None:
    kinds = [rule.kind for rule in micro_certificate().rules.all()]
    kind = AchievementRule.Kind
    assert kinds == [kind.COURSE_COMPLETED] * 3 + [kind.QUIZ_SCORE, kind.ASSIGNMENT_APPROVED, kind.WORKSHOPS_ATTENDED]


def test_credentials_are_dated_when_the_last_rule_was_met(demo: Any, db: None) -> None:
    """The last rule met is the second day of the seminar, after the courses were completed."""
    credentials = list(Credential.objects.filter(achievement=micro_certificate()))
    people = [credential.person_id for credential in credentials]
    completed = dict(
        Enrolment.objects.filter(person_id__in=people, course__code__in=AI_COURSES, completed_at__isnull=False)
        .values("person_id")
        .annotate(last=Max("completed_at"))
        .values_list("person_id", "last")
    )
    final_course_days: dict[int, list[dt.datetime]] = defaultdict(list)
    for person_id, marked_at in (
        Attendance.objects.filter(person_id__in=people, status="present", workshop__course__code=AI_COURSES[-1])
        .order_by("marked_at")
        .values_list("person_id", "marked_at")
    ):
        final_course_days[person_id].append(marked_at)
    for credential in credentials:
        assert credential.method == Credential.Method.AUTOMATIC
        second_day = final_course_days[credential.person_id][1].replace(microsecond=0)
        assert credential.issued_at >= completed[credential.person_id].replace(microsecond=0)
        assert credential.issued_at >= second_day
        assert credential.events.filter(action=CredentialEvent.Action.ISSUE, at=credential.issued_at).exists()


def test_revoked_and_suspended_credentials_have_their_reasons(demo: Any, db: None) -> None:
    national_admins = set(RoleAssignment.objects.filter(role=Role.NATIONAL_ADMIN).values_list("person_id", flat=True))
    revoked = list(Credential.objects.filter(status=Credential.Status.REVOKED))
    assert len(revoked) == len(REVOCATIONS)
    for credential in revoked:
        event = credential.events.get(action=CredentialEvent.Action.REVOKE)
        assert event.reason in REVOCATIONS and event.actor_id in national_admins
        assert (
            status_read(bytes(StatusList.objects.get(pk=credential.status_list_id).bits), credential.status_index)
            == REVOKED
        )
    suspended = Credential.objects.get(status=Credential.Status.SUSPENDED)
    assert suspended.events.get(action=CredentialEvent.Action.SUSPEND).reason == SUSPENSION
    assert status_read(bytes(suspended.status_list.bits), suspended.status_index) == SUSPENDED


def test_master_teachers_hold_the_trainer_certification(demo: Any, db: None) -> None:
    masters = set(RoleAssignment.objects.filter(role=Role.MASTER_TEACHER).values_list("person_id", flat=True))
    held = Credential.objects.filter(achievement__kind=Achievement.Kind.TRAINER_CERTIFICATION)
    assert masters and set(held.values_list("person_id", flat=True)) == masters
    for credential in held:
        assert credential.method == Credential.Method.MANUAL
        event = credential.events.get()
        assert event.reason == TRAINER_REASON
        assert event.actor is not None and event.actor.role_assignments.filter(role=Role.NATIONAL_ADMIN).exists()


def test_achievements_are_complete_and_bilingual(demo: Any, db: None) -> None:
    for achievement in Achievement.objects.all():
        assert achievement.status == Achievement.Status.ACTIVE
        for field in ("name", "description", "criteria", "outcomes", "quality_assurance"):
            assert getattr(achievement, f"{field}_mn") and getattr(achievement, f"{field}_en"), field
        assert achievement.workload_hours and achievement.ects and achievement.eqf_level
        letters = [ch for ch in achievement.name_traditional if not ch.isspace() and ch != "\u202f"]
        assert letters and all(0x1800 <= ord(ch) <= 0x18AF for ch in letters)
        assert all(unicodedata.name(ch).startswith("MONGOLIAN") for ch in letters)
        codes = set(achievement.competencies.values_list("framework__code", flat=True))
        assert codes == {"unesco-ai-cft"}


def test_a_sample_of_credentials_verifies(demo: Any, db: None) -> None:
    document = did_document()
    keys = {entry["id"]: entry["publicKeyMultibase"] for entry in document["verificationMethod"]}

    def resolve(method: str) -> Any:
        return ed25519_public_from_multibase(keys[method])

    for credential in Credential.objects.order_by("pk")[::7][:10]:
        proof = proof_verify(credential.document, resolve_key=resolve)
        assert proof.verification_method in keys
        assert jwt_decode(credential.jwt, resolve_key=resolve)["id"] == credential.document["id"]
        bits = bytes(StatusList.objects.get(pk=credential.status_list_id).bits)
        if credential.status == Credential.Status.ACTIVE:
            assert status_read(bits, credential.status_index) == VALID
