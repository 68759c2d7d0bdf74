"""Submitting a quiz makes a bounded number of SQL queries whatever the size of the course.

A passed submission is the heaviest: it grades the drawn questions, then re-checks the
completion of the learner's course (lessons done, every quiz passed, …), whose lessons and
quizzes grow with the course. The counts below must not grow with it.
"""

from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt, Question, Quiz
from erdem.assessments.services import attempt_start, attempt_submit
from erdem.assessments.tests.factories import numeric_question, question_add, quiz_build, right_answers
from erdem.catalog.models import Course, Lesson
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Enrolment
from erdem.learning.services import enrolment_create, lesson_complete
from erdem.people.models import Person
from erdem.programmes.tests.factories import ProgrammeFactory

# Session and person (every page); the attempt checked, then locked with its quiz; the drawn
# questions, their choices and translations; the save. Then the enrolment found and locked, one
# query per completion rule (erdem.learning.completion) and the completion date when it is due;
# whether any credential issues automatically (the credential check itself is a job, after the
# commit). The two transactions add two savepoints each in a test.
SUBMISSION_MAX_QUERIES = 19


def _course(size: int) -> tuple[Course, list[Quiz]]:
    """A course of `size` modules of `size` lessons, a quiz of 2 x `size` questions on every lesson."""
    course = course_build(programme=ProgrammeFactory(), modules=size, lessons=size)
    quizzes = []
    for lesson in Lesson.objects.filter(module__course=course).order_by("module__position", "position"):
        quiz = quiz_build(lesson=lesson, pass_mark=50)
        for number in range(size):
            question_add(quiz, Question.Kind.MULTIPLE if number % 2 else Question.Kind.SINGLE, choices=(True, False))
            numeric_question(quiz, str(number))
        quizzes.append(quiz)
    return course, quizzes


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _submit(client: Client, attempt: Attempt, body: dict[str, Any]) -> int:
    response = client.post(reverse("assessments:attempt", args=[attempt.pk]), body)
    return response.status_code


@pytest.mark.parametrize("size", [1, 3, 6])
def test_a_passed_submission_that_completes_the_course(db: None, size: int, django_assert_max_num_queries: Any) -> None:
    """The learner has done every lesson and passed every other quiz: this pass completes the course."""
    course, quizzes = _course(size)
    educator = cast(Person, person_with_role(Role.EDUCATOR, programme=course.programme))
    enrolment = enrolment_create(person=educator, course=course)
    for lesson in Lesson.objects.filter(module__course=course):
        lesson_complete(enrolment=enrolment, lesson=lesson)
    *others, last = quizzes
    for quiz in others:
        attempt = attempt_start(person=educator, quiz=quiz)
        attempt_submit(person=educator, attempt_id=attempt.pk, form_data=_form(right_answers(quiz)))
    attempt = attempt_start(person=educator, quiz=last)
    client, body = _client(educator), right_answers(last)

    with django_assert_max_num_queries(SUBMISSION_MAX_QUERIES):
        assert _submit(client, attempt, body) == 302

    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 100
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None


@pytest.mark.parametrize("size", [1, 3, 6])
def test_a_passed_submission_in_a_course_still_in_progress(
    db: None, size: int, django_assert_max_num_queries: Any
) -> None:
    """Lessons still to do: completion is re-checked and not yet due."""
    course, quizzes = _course(size)
    educator = cast(Person, person_with_role(Role.EDUCATOR, programme=course.programme))
    enrolment = enrolment_create(person=educator, course=course)
    attempt = attempt_start(person=educator, quiz=quizzes[-1])
    client, body = _client(educator), right_answers(quizzes[-1])

    with django_assert_max_num_queries(SUBMISSION_MAX_QUERIES):
        assert _submit(client, attempt, body) == 302

    assert Attempt.objects.get(pk=attempt.pk).passed
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is None


@pytest.mark.parametrize("size", [1, 3, 6])
def test_a_failed_or_repeated_submission(db: None, size: int, django_assert_max_num_queries: Any) -> None:
    """No completion check for a fail; a second submission only reads the attempt."""
    course, quizzes = _course(size)
    educator = cast(Person, person_with_role(Role.EDUCATOR, programme=course.programme))
    enrolment_create(person=educator, course=course)
    attempt = attempt_start(person=educator, quiz=quizzes[-1])
    client, body = _client(educator), right_answers(quizzes[-1])

    with django_assert_max_num_queries(SUBMISSION_MAX_QUERIES):
        assert _submit(client, attempt, {"confirm_empty": "1"}) == 302
    assert Attempt.objects.get(pk=attempt.pk).score == 0
    with django_assert_max_num_queries(SUBMISSION_MAX_QUERIES):
        assert _submit(client, attempt, body) == 302
    assert Attempt.objects.get(pk=attempt.pk).score == 0


def _form(body: dict[str, Any]) -> QueryDict:
    return QueryDict(urlencode(body, doseq=True))
