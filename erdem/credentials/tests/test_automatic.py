"""Credentials issue themselves when the last requirement is met, in a job after the learner's request."""

import datetime as dt

import pytest
from django.utils import timezone

from erdem.catalog.models import Lesson
from erdem.catalog.tests.factories import course_build
from erdem.credentials.models import Achievement, AchievementRule, Credential
from erdem.credentials.services import (
    ACHIEVEMENT_FIELDS,
    achievement_rule_remove,
    achievement_update,
    credential_reissue,
    credential_revoke,
    credentials_award_due,
)
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.services import enrolment_create, lesson_complete
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_completing_the_last_lesson_issues_the_credential_and_the_stacked_one(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=2)
    micro = achievement_create(programme=programme, course=course)
    stacked = achievement_create(programme=programme, code="AI-AWARD", kind=Achievement.Kind.AWARD)
    AchievementRule.objects.create(
        achievement=stacked, kind=AchievementRule.Kind.CREDENTIAL_HELD, required_achievement=micro
    )
    person = make_person()
    enrolment = enrolment_create(person=person, course=course)
    first, last = Lesson.objects.filter(module__course=course).order_by("module__position", "position")

    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(enrolment=enrolment, lesson=first)
    assert not Credential.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lesson_complete(enrolment=enrolment, lesson=last)
    assert callbacks  # the check runs after the commit, not inside the learner's transaction
    held = Credential.objects.filter(person=person, status=Credential.Status.ACTIVE)
    assert set(held.values_list("achievement__code", flat=True)) == {"AI-101-MC", "AI-AWARD"}
    assert set(held.values_list("method", flat=True)) == {Credential.Method.AUTOMATIC}

    # a second delivery of the job issues nothing twice
    assert credentials_award_due(person_id=person.pk) == []
    assert Credential.objects.filter(person=person).count() == 2


def test_no_automatic_check_is_queued_without_automatic_achievements(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    achievement_create(programme=programme, course=course, auto_issue=False)
    person = make_person()
    enrolment = enrolment_create(person=person, course=course)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lesson_complete(enrolment=enrolment, lesson=Lesson.objects.get(module__course=course))
    assert callbacks == []
    assert not Credential.objects.exists()


def test_reissue_replaces_and_keeps_history():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    person = make_person()
    old = credential_create(achievement=achievement, person=person, at=timezone.now() - dt.timedelta(days=400))
    new = credential_reissue(
        credential=old, actor=None, reason="", subject_did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    )
    old.refresh_from_db()
    assert old.status == Credential.Status.REPLACED
    assert new.replaces == old and new.status == Credential.Status.ACTIVE
    assert new.document["credentialSubject"]["id"].startswith("did:key:")
    assert [event.action for event in old.events.all()] == ["issue", "reissue"]
    assert new.document["id"] != old.document["id"]
    # a correction keeps the date the person earned it
    assert new.awarded_at == old.awarded_at == old.issued_at
    assert new.document["awardedDate"] == old.document["awardedDate"]


def test_a_revoked_credential_is_not_issued_again_by_itself():
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    achievement = achievement_create(programme=programme, course=course)
    person = make_person()
    enrolment = enrolment_create(person=person, course=course)
    lesson_complete(enrolment=enrolment, lesson=Lesson.objects.get(module__course=course))
    (credential,) = credentials_award_due(person_id=person.pk)
    credential_revoke(credential=credential, actor=None, reason="Plagiarism found after review.")

    assert credentials_award_due(person_id=person.pk) == []
    assert not Credential.objects.filter(achievement=achievement, status=Credential.Status.ACTIVE).exists()


def test_activating_an_achievement_issues_it_to_those_who_already_qualify(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    achievement = achievement_create(programme=programme, course=course, status=Achievement.Status.DRAFT)
    done, not_yet = make_person(), make_person()
    for person in (done, not_yet):
        enrolment_create(person=person, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(
            enrolment=done.enrolments.get(), lesson=Lesson.objects.get(module__course=course)
        )  # progress made while the achievement was a draft
    assert not Credential.objects.exists()

    values = {field: getattr(achievement, field) for field in ACHIEVEMENT_FIELDS}
    values["status"] = Achievement.Status.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        achievement_update(achievement=achievement, values=values)

    assert list(Credential.objects.values_list("person_id", "method")) == [(done.pk, Credential.Method.AUTOMATIC)]
    # a later rule change checks again, and issues nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        achievement_rule_remove(rule=achievement.rules.get())
    assert Credential.objects.count() == 1
