"""Building a quiz: creating it, adding questions of every kind, removing questions and choices,
marking correct choices, and the lock once attempts are graded."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.assessments.models import Attempt, Choice, Question, QuestionTranslation, Quiz, QuizTranslation
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.authoring.services import (
    ChoiceDraft,
    QuestionDraft,
    QuizSettings,
    choice_delete,
    choices_correct_set,
    question_create,
    question_delete,
    quiz_create,
)
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.tests.factories import ProgrammeFactory

from .factories import team_member

pytestmark = pytest.mark.django_db

SETTINGS = QuizSettings(pass_mark=80, attempt_limit=3, time_limit_minutes=20, feedback="after_attempt", draw_count=0)


@pytest.fixture
def course() -> Course:
    return course_build(programme=ProgrammeFactory.create(), code="course-q", modules=1, lessons=1)


@pytest.fixture
def quiz(course: Course) -> Quiz:
    quiz = quiz_build(lesson=first_lesson(course))
    question_add(quiz, Question.Kind.SINGLE, choices=(True, False, False))
    question_add(quiz, Question.Kind.MULTIPLE, choices=(True, True, False))
    return quiz


@pytest.fixture
def member(course: Course) -> Person:
    return team_member(course)


def _client(person: Person) -> Client:
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(person)
    return client


def _graded(quiz: Quiz) -> None:
    now = timezone.now()
    Attempt.objects.create(person=PersonFactory.create(), quiz=quiz, started_at=now, submitted_at=now, score=50)


# --- services ------------------------------------------------------------------------------------------------


def test_quiz_create_stores_settings_and_draft_titles(course: Course) -> None:
    quiz = quiz_create(lesson=first_lesson(course), titles={"mn": "Сорил", "en": ""}, quiz_settings=SETTINGS)
    assert (quiz.pass_mark, quiz.attempt_limit, quiz.time_limit_minutes, quiz.feedback) == (80, 3, 20, "after_attempt")
    assert list(QuizTranslation.objects.filter(quiz=quiz).values_list("language_code", "title", "status")) == [
        ("mn", "Сорил", "draft")
    ]
    with pytest.raises(ValidationError):
        quiz_create(
            lesson=first_lesson(course),
            titles={"mn": "x"},
            quiz_settings=QuizSettings(
                pass_mark=1, attempt_limit=0, time_limit_minutes=None, feedback="none", draw_count=2
            ),
        )


def test_question_create_of_each_kind(quiz: Quiz) -> None:
    texts = {"mn": "Асуулт", "en": "Question"}
    single = question_create(
        quiz=quiz,
        draft=QuestionDraft(
            kind="single",
            texts=texts,
            choices=[
                ChoiceDraft({"mn": "А", "en": "A"}, True),
                ChoiceDraft({"mn": "Б"}, False),
                ChoiceDraft({}, False),
            ],
        ),
    )
    assert single.position == 3
    assert list(single.choices.values_list("position", "is_correct")) == [(1, True), (2, False)]
    true_false = question_create(
        quiz=quiz, draft=QuestionDraft(kind="true_false", texts=texts, true_false_answer=False)
    )
    assert true_false.true_false_answer is False
    numeric = question_create(
        quiz=quiz,
        draft=QuestionDraft(
            kind="numeric", texts=texts, numeric_answer=Decimal("3.14"), numeric_tolerance=Decimal("0.01")
        ),
    )
    assert (numeric.numeric_answer, numeric.numeric_tolerance) == (Decimal("3.14"), Decimal("0.01"))
    short = question_create(
        quiz=quiz,
        draft=QuestionDraft(
            kind="short_text", texts=texts, accepted_answers={"en": "book"}, accepted_patterns={"mn": "ном(ууд)?"}
        ),
    )
    stored = {
        t.language_code: (t.accepted_answer, t.accepted_pattern)
        for t in QuestionTranslation.objects.filter(question=short)
    }
    assert stored == {"mn": ("", "ном(ууд)?"), "en": ("book", "")}


@pytest.mark.parametrize(
    "draft",
    [
        QuestionDraft(
            kind="single", texts={"mn": "?"}, choices=[ChoiceDraft({"mn": "a"}, True), ChoiceDraft({"mn": "b"}, True)]
        ),
        QuestionDraft(
            kind="multiple",
            texts={"mn": "?"},
            choices=[ChoiceDraft({"mn": "a"}, False), ChoiceDraft({"mn": "b"}, False)],
        ),
        QuestionDraft(kind="single", texts={"mn": "?"}, choices=[ChoiceDraft({"mn": "a"}, True)]),
        QuestionDraft(kind="true_false", texts={"mn": "?"}),
        QuestionDraft(kind="numeric", texts={"mn": "?"}),
        QuestionDraft(kind="short_text", texts={"mn": "?"}),
        QuestionDraft(kind="short_text", texts={"mn": "?"}, accepted_patterns={"mn": "(a+)+"}),
        QuestionDraft(kind="numeric", texts={}, numeric_answer=Decimal(1)),
    ],
)
def test_question_create_refuses_incomplete_questions(quiz: Quiz, draft: QuestionDraft) -> None:
    with pytest.raises(ValidationError):
        question_create(quiz=quiz, draft=draft)
    assert quiz.questions.count() == 2


def test_remove_and_mark_correct_until_attempts_are_graded(quiz: Quiz) -> None:
    single, multiple = quiz.questions.order_by("position")
    first, second, third = single.choices.order_by("position")
    choices_correct_set(question=single, correct_ids=[second.pk])
    assert list(single.choices.order_by("position").values_list("is_correct", flat=True)) == [False, True, False]
    with pytest.raises(ValidationError):
        choices_correct_set(question=single, correct_ids=[first.pk, second.pk])
    with pytest.raises(ValidationError):
        choice_delete(choice=second)
    choice_delete(choice=first)
    assert list(single.choices.order_by("position").values_list("pk", "position")) == [(second.pk, 1), (third.pk, 2)]
    with pytest.raises(ValidationError):
        choice_delete(choice=third)
    question_delete(question=single)
    assert list(quiz.questions.values_list("pk", "position")) == [(multiple.pk, 1)]


def test_graded_quiz_only_accepts_new_questions(quiz: Quiz) -> None:
    _graded(quiz)
    single = quiz.questions.order_by("position").first()
    assert single is not None
    choice = single.choices.order_by("position").last()
    assert choice is not None
    for write in (
        lambda: question_delete(question=single),
        lambda: choice_delete(choice=choice),
        lambda: choices_correct_set(question=single, correct_ids=[choice.pk]),
    ):
        with pytest.raises(ValidationError, match="already submitted attempts"):
            write()
    assert quiz.questions.count() == 2 and Choice.objects.filter(pk=choice.pk, is_correct=False).exists()
    question_create(quiz=quiz, draft=QuestionDraft(kind="true_false", texts={"en": "Yes?"}, true_false_answer=True))
    assert quiz.questions.count() == 3


def test_question_delete_keeps_enough_questions_to_draw(quiz: Quiz) -> None:
    Quiz.objects.filter(pk=quiz.pk).update(draw_count=2)
    with pytest.raises(ValidationError):
        question_delete(question=quiz.questions.first())


# --- views ---------------------------------------------------------------------------------------------------


def test_a_team_member_creates_a_quiz_and_adds_a_question_through_the_pages(course: Course, member: Person) -> None:
    client = _client(member)
    lesson = first_lesson(course)
    assert (
        reverse("authoring:quiz_new", args=[course.code, lesson.pk])
        in client.get(reverse("authoring:lesson", args=[course.code, lesson.pk])).content.decode()
    )
    url = reverse("authoring:quiz_new", args=[course.code, lesson.pk])
    response = client.post(
        url, {"title_mn": "", "title_en": "", "pass_mark": "70", "attempt_limit": "0", "feedback": "none"}
    )
    assert response.status_code == 200 and "at least one language" in response.content.decode()
    data = {"title_mn": "Сорил", "title_en": "Quiz", "pass_mark": "75", "attempt_limit": "2", "feedback": "none"}
    response = client.post(url, data)
    quiz = Quiz.objects.get(lesson=lesson)
    assert response["Location"] == reverse("authoring:quiz", args=[course.code, quiz.pk])
    new_question = reverse("authoring:question_new", args=[course.code, quiz.pk])
    assert new_question in client.get(response["Location"]).content.decode()
    form: dict[str, Any] = {"kind": "multiple", "text_en": "Pick", "choice_1_en": "a", "choice_1_correct": "on"}
    form |= {"choice_2_en": "b", "choice_3_en": "c", "choice_3_correct": "on", "numeric_tolerance": "0"}
    assert client.post(new_question, form).status_code == 302
    question = quiz.questions.get()
    assert list(question.choices.values_list("is_correct", flat=True)) == [True, False, True]
    response = client.post(new_question, {"kind": "short_text", "text_en": "Say", "accepted_pattern_en": "(a+)+"})
    assert response.status_code == 200 and "repeat a group" in response.content.decode()
    assert quiz.questions.count() == 1


def test_removing_and_marking_through_the_pages(course: Course, quiz: Quiz, member: Person) -> None:
    client = _client(member)
    page = reverse("authoring:quiz", args=[course.code, quiz.pk])
    single, multiple = quiz.questions.order_by("position")
    first, second, _third = single.choices.order_by("position")
    assert (
        client.post(reverse("authoring:question_correct", args=[course.code, single.pk]), {"correct": [second.pk]})[
            "Location"
        ]
        == page
    )
    assert Choice.objects.get(pk=second.pk).is_correct and not Choice.objects.get(pk=first.pk).is_correct
    client.post(reverse("authoring:choice_delete", args=[course.code, first.pk]))
    assert not Choice.objects.filter(pk=first.pk).exists()
    client.post(reverse("authoring:question_delete", args=[course.code, multiple.pk]))
    assert list(quiz.questions.values_list("pk", flat=True)) == [single.pk]
    _graded(quiz)
    content = client.get(page).content.decode()
    assert "already submitted attempts" in content and "question-delete-" not in content
    response = client.post(reverse("authoring:question_delete", args=[course.code, single.pk]), follow=True)
    assert "already submitted attempts" in response.content.decode() and quiz.questions.count() == 1


def test_objects_of_another_course_are_not_found(course: Course, quiz: Quiz) -> None:
    other = course_build(programme=course.programme, code="course-other", modules=1, lessons=1)
    outsider = _client(team_member(other))
    question = quiz.questions.order_by("position").first()
    assert question is not None
    choice = question.choices.first()
    assert choice is not None
    for url in (
        reverse("authoring:quiz_new", args=[other.code, first_lesson(course).pk]),
        reverse("authoring:question_new", args=[other.code, quiz.pk]),
        reverse("authoring:question_delete", args=[other.code, question.pk]),
        reverse("authoring:question_correct", args=[other.code, question.pk]),
        reverse("authoring:choice_delete", args=[other.code, choice.pk]),
    ):
        assert outsider.post(url, {"correct": [choice.pk]}).status_code == 404, url
    for url in (
        reverse("authoring:question_delete", args=[course.code, question.pk]),
        reverse("authoring:choice_delete", args=[course.code, choice.pk]),
        reverse("authoring:quiz_new", args=[course.code, first_lesson(course).pk]),
    ):
        assert outsider.post(url).status_code in (403, 404), url
    assert quiz.questions.count() == 2 and Choice.objects.filter(pk=choice.pk).exists()
