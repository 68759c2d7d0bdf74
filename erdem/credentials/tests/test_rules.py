"""Each kind of achievement rule, evaluated against real records of learning."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erdem.assessments.models import Attempt
from erdem.assessments.tests.factories import quiz_build
from erdem.assignments.models import Submission
from erdem.assignments.tests.factories import assignment_build
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.credentials.models import AchievementRule
from erdem.credentials.rules import rule_label, rules_evaluate
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.models import Enrolment
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, AttendanceSource, AttendanceStatus, Workshop
from erdem.workshops.tests.factories import workshop_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def course(programme):
    return course_build(programme=programme, modules=1, lessons=1)


def _rule(achievement, **fields) -> AchievementRule:
    return AchievementRule.objects.create(achievement=achievement, **fields)


def _outcome(achievement, person):
    return rules_evaluate(achievement, [person.pk])[person.pk]


def test_course_completed_needs_a_completed_enrolment(programme, course):
    achievement = achievement_create(programme=programme, course=course)
    done, started, absent = make_person(), make_person(), make_person()
    Enrolment.objects.create(person=done, course=course, completed_at=timezone.now())
    Enrolment.objects.create(person=started, course=course)

    results = rules_evaluate(achievement, [done.pk, started.pk, absent.pk])

    assert results[done.pk].qualifies
    assert results[done.pk].outcomes[0].detail == "Completed."
    assert not results[started.pk].qualifies
    assert results[started.pk].missing[0].detail == "Not completed yet."
    assert not results[absent.pk].qualifies
    assert "Basics" in results[absent.pk].outcomes[0].label


def test_quiz_score_takes_the_best_submitted_attempt(programme, course):
    quiz = quiz_build(lesson=first_lesson(course))
    achievement = achievement_create(programme=programme)
    _rule(achievement, kind=AchievementRule.Kind.QUIZ_SCORE, quiz=quiz, threshold=80)
    passed, failed, untried = make_person(), make_person(), make_person()
    now = timezone.now()
    for person, score in ((passed, 60), (passed, 85), (failed, 70)):
        Attempt.objects.create(person=person, quiz=quiz, started_at=now, submitted_at=now, score=score)
    # An attempt still open counts for nothing, however high its score field.
    Attempt.objects.create(person=failed, quiz=quiz, started_at=now, score=100)

    results = rules_evaluate(achievement, [passed.pk, failed.pk, untried.pk])

    assert results[passed.pk].qualifies
    assert results[passed.pk].outcomes[0].score == 85
    assert not results[failed.pk].qualifies
    assert results[failed.pk].outcomes[0].detail == "Best score 70%."
    assert results[untried.pk].outcomes[0].detail == "Not attempted yet."
    assert "80%" in results[passed.pk].outcomes[0].label


def _attend(workshop, person, status=AttendanceStatus.PRESENT) -> None:
    Attendance.objects.create(
        workshop=workshop, person=person, status=status, source=AttendanceSource.ROSTER, marked_at=timezone.now()
    )


def test_workshops_attended_counts_present_marks_of_workshops_not_cancelled(programme, course):
    other_course = course_build(programme=programme, code="ai-102", modules=1, lessons=1)
    past = timezone.now() - dt.timedelta(days=3)
    first = workshop_build(course=course, starts_at=past)
    second = workshop_build(course=course, starts_at=past + dt.timedelta(days=1))
    cancelled = workshop_build(course=course, starts_at=past, status=Workshop.Status.CANCELLED)
    elsewhere = workshop_build(course=other_course, starts_at=past)
    achievement = achievement_create(programme=programme)
    rule = _rule(achievement, kind=AchievementRule.Kind.WORKSHOPS_ATTENDED, course=course, threshold=2)
    keen, absent, cancelled_only = make_person(), make_person(), make_person()
    _attend(first, keen)
    _attend(second, keen)
    _attend(first, absent)
    _attend(second, absent, AttendanceStatus.ABSENT)
    _attend(cancelled, cancelled_only)
    _attend(first, cancelled_only)
    _attend(elsewhere, cancelled_only)

    results = rules_evaluate(achievement, [keen.pk, absent.pk, cancelled_only.pk])

    assert results[keen.pk].qualifies
    assert not results[absent.pk].qualifies
    assert results[absent.pk].missing[0].detail == "Attended 1 of 2."
    # The cancelled workshop and the other course's workshop do not count.
    assert results[cancelled_only.pk].missing[0].detail == "Attended 1 of 2."
    assert "Basics" in rule_label(rule)

    # Without a course, any workshop of any course counts (still not the cancelled one).
    rule.course = None
    rule.save(update_fields=["course"])
    assert _outcome(achievement, cancelled_only).qualifies


def test_assignment_approved_needs_an_approved_submission(programme, course):
    task = assignment_build(lesson=first_lesson(course))
    achievement = achievement_create(programme=programme)
    _rule(achievement, kind=AchievementRule.Kind.ASSIGNMENT_APPROVED, assignment=task)
    approved, waiting = make_person(), make_person()
    now = timezone.now()
    Submission.objects.create(assignment=task, person=approved, number=1, submitted_at=now, status="approved")
    Submission.objects.create(assignment=task, person=waiting, number=1, submitted_at=now)

    assert _outcome(achievement, approved).qualifies
    waiting_outcome = _outcome(achievement, waiting)
    assert not waiting_outcome.qualifies
    assert waiting_outcome.missing[0].detail == "Not approved yet."


def test_credential_held_needs_an_active_credential(programme):
    base = achievement_create(programme=programme, code="BASE")
    stacked = achievement_create(programme=programme, code="STACK")
    _rule(stacked, kind=AchievementRule.Kind.CREDENTIAL_HELD, required_achievement=base)
    holder, revoked, stranger = make_person(), make_person(), make_person()
    credential_create(achievement=base, person=holder)
    credential_revoke(
        credential=credential_create(achievement=base, person=revoked), actor=None, reason="Issued by mistake."
    )

    results = rules_evaluate(stacked, [holder.pk, revoked.pk, stranger.pk])

    assert results[holder.pk].qualifies
    assert not results[revoked.pk].qualifies
    assert results[stranger.pk].missing[0].detail == "Not held."


def test_an_achievement_without_rules_qualifies_nobody(programme):
    achievement = achievement_create(programme=programme)
    person = make_person()
    assert not _outcome(achievement, person).qualifies


def test_rules_evaluate_uses_the_same_number_of_queries_for_1_and_50_people(programme, course):
    quiz = quiz_build(lesson=first_lesson(course))
    task = assignment_build(lesson=first_lesson(course))
    base = achievement_create(programme=programme, code="BASE")
    achievement = achievement_create(programme=programme, course=course, code="ALL")
    _rule(achievement, kind=AchievementRule.Kind.QUIZ_SCORE, quiz=quiz, threshold=50)
    _rule(achievement, kind=AchievementRule.Kind.WORKSHOPS_ATTENDED, threshold=1)
    _rule(achievement, kind=AchievementRule.Kind.ASSIGNMENT_APPROVED, assignment=task)
    _rule(achievement, kind=AchievementRule.Kind.CREDENTIAL_HELD, required_achievement=base)
    people = [make_person() for _ in range(50)]
    now = timezone.now()
    for person in people[::2]:
        Enrolment.objects.create(person=person, course=course, completed_at=now)
        Attempt.objects.create(person=person, quiz=quiz, started_at=now, submitted_at=now, score=90)

    with CaptureQueriesContext(connection) as one:
        rules_evaluate(achievement, [people[0].pk])
    with CaptureQueriesContext(connection) as fifty:
        results = rules_evaluate(achievement, [person.pk for person in people])

    assert len(fifty) == len(one)
    assert len(one) <= 12
    assert len(results) == 50
