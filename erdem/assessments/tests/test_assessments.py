import datetime as dt
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.grading import answer_correct, pattern_validate
from erdem.assessments.models import Attempt, Choice, Question, QuestionTranslation, Quiz, QuizTranslation
from erdem.assessments.selectors import course_quizzes_passed, quiz_passed, quizzes_of_course
from erdem.assessments.services import AttemptRefused, attempt_start
from erdem.assessments.tests.factories import (
    mixed_quiz,
    numeric_question,
    question_add,
    quiz_build,
    right_answers,
)
from erdem.catalog.models import Course, Lesson, TranslationStatus
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def lesson(programme: Programme) -> Lesson:
    return first_lesson(course_build(programme=programme, modules=1, lessons=1))


@pytest.fixture
def educator(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en"))


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _start(client: Client, quiz: Quiz) -> Attempt:
    response = client.post(reverse("assessments:quiz", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.filter(quiz=quiz).latest("pk")


def _submit(client: Client, attempt: Attempt, body: dict[str, Any]) -> Any:
    return client.post(reverse("assessments:attempt", args=[attempt.pk]), body, follow=True)


# --- grading -------------------------------------------------------------------------------------------------


def _question(quiz: Quiz, kind: str, **fields: Any) -> Question:
    question = question_add(quiz, kind, **fields)
    return Question.objects.prefetch_related("choices", "translations").get(pk=question.pk)


def test_single_choice_accepts_only_the_correct_choice(lesson: Lesson) -> None:
    question = _question(quiz_build(lesson=lesson), Question.Kind.SINGLE, choices=(False, True))
    wrong, right = (str(choice.pk) for choice in question.choices.all())
    assert answer_correct(question, right)
    assert not answer_correct(question, wrong)
    assert not answer_correct(question, [right, wrong])
    assert not answer_correct(question, None)


def test_multiple_choice_is_all_or_nothing(lesson: Lesson) -> None:
    question = _question(quiz_build(lesson=lesson), Question.Kind.MULTIPLE, choices=(True, False, True))
    first, wrong, third = (str(choice.pk) for choice in question.choices.all())
    assert answer_correct(question, [third, first])
    assert not answer_correct(question, [first])
    assert not answer_correct(question, [first, wrong, third])
    assert not answer_correct(question, [])


def test_true_false(lesson: Lesson) -> None:
    question = _question(quiz_build(lesson=lesson), Question.Kind.TRUE_FALSE, true_false_answer=False)
    assert answer_correct(question, "false")
    assert not answer_correct(question, "true")
    assert not answer_correct(question, "")


@pytest.mark.parametrize(
    ("given", "correct"),
    [("12.5", True), ("12", True), ("13", True), ("13.01", False), ("11,9", False), ("12,1", True), (" 12.5 ", True),
     ("twelve", False), ("", False), ("NaN", False), ("Infinity", False)],
)  # fmt: skip
def test_numeric_answers_within_the_tolerance(lesson: Lesson, given: str, correct: bool) -> None:
    question = numeric_question(quiz_build(lesson=lesson), "12.5", "0.5")
    assert answer_correct(question, given) is correct


@pytest.mark.parametrize(
    ("given", "correct"),
    [("Ulaanbaatar", True), ("  ulaanBAATAR ", True), ("улаанбаатар", True), ("Ulaan baatar", False), ("", False)],
)
def test_short_text_is_case_and_space_insensitive_in_either_language(lesson: Lesson, given: str, correct: bool) -> None:
    question = _question(
        quiz_build(lesson=lesson), Question.Kind.SHORT_TEXT, accepted={"en": "Ulaanbaatar", "mn": "Улаанбаатар"}
    )
    assert answer_correct(question, given) is correct


@pytest.mark.parametrize(
    ("given", "correct"),
    [("metadata", True), ("Meta-data", True), ("meta   data", True), ("metadatas", False), ("x" * 5000, False)],
)
def test_short_text_pattern_must_match_the_whole_answer(lesson: Lesson, given: str, correct: bool) -> None:
    question = _question(quiz_build(lesson=lesson), Question.Kind.SHORT_TEXT, pattern=r"meta[- ]?data")
    assert answer_correct(question, given) is correct


@pytest.mark.parametrize("pattern", ["(a+)+$", "(x*)*y", "(ab{1,3})+", "[unclosed", "a" * 201])
def test_dangerous_or_broken_patterns_are_refused_on_save(lesson: Lesson, pattern: str) -> None:
    with pytest.raises(ValidationError):
        pattern_validate(pattern)
    question = question_add(quiz_build(lesson=lesson), Question.Kind.SHORT_TEXT)
    translation = QuestionTranslation(question=question, language_code="mn", text="?", accepted_pattern=pattern)
    with pytest.raises(ValidationError):
        translation.full_clean(exclude=["question"], validate_unique=False)


def test_sensible_patterns_are_accepted() -> None:
    pattern_validate(r"(the )?teacher|багш")
    pattern_validate(r"(unesco )?ai[- ]?cft")


# --- attempts ----------------------------------------------------------------------------------------------------


def test_a_full_attempt_scores_and_passes(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, pass_mark=80)
    client = _client(educator)
    attempt = _start(client, quiz)
    body = right_answers(quiz)
    body.pop(f"q{quiz.questions.get(kind=Question.Kind.SHORT_TEXT).pk}")  # 4 of 5 right: 80 %
    response = _submit(client, attempt, body)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (80, True)
    assert "80%" in response.content.decode()
    assert quiz_passed(educator, quiz)


@pytest.mark.parametrize("language", ["mn", "en"])
def test_choice_values_are_not_grouped_like_numbers(lesson: Lesson, educator: Person, language: str) -> None:
    """Ids from 1000 up would read "1 234" (mn) or "1,234" (en) with USE_THOUSAND_SEPARATOR, and a right
    answer would be graded wrong."""
    quiz = quiz_build(lesson=lesson)
    question = question_add(quiz, Question.Kind.SINGLE, choices=(False,))
    Choice.objects.create(pk=12345, question=question, position=2, is_correct=True)
    educator.preferred_language = language
    educator.save(update_fields=["preferred_language"])
    client = _client(educator)
    attempt = _start(client, quiz)
    page = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert 'value="12345"' in page
    _submit(client, attempt, {f"q{question.pk}": "12345"})
    attempt.refresh_from_db()
    assert attempt.passed


def test_the_random_draw_is_stable_per_attempt(lesson: Lesson, educator: Person) -> None:
    quiz = quiz_build(lesson=lesson, draw_count=3)
    for _number in range(8):
        question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    client = _client(educator)
    attempt = _start(client, quiz)
    assert len(attempt.question_ids) == 3 and len(set(attempt.question_ids)) == 3
    assert _start(client, quiz).pk == attempt.pk  # starting again resumes the open attempt
    pages = [client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode() for _ in range(3)]
    names = [f'name="q{pk}"' for pk in attempt.question_ids]
    assert all(all(name in page for name in names) for page in pages)
    assert all(page.count('type="radio"') == 6 for page in pages)
    response = _submit(client, attempt, {f"q{pk}": "true" for pk in Question.objects.values_list("pk", flat=True)})
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.score == 100 and set(attempt.answers) == {str(pk) for pk in attempt.question_ids}


def test_the_attempt_limit_is_respected(lesson: Lesson, educator: Person) -> None:
    quiz = quiz_build(lesson=lesson, attempt_limit=2)
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    client = _client(educator)
    for _number in range(2):
        _submit(client, _start(client, quiz), {"confirm_empty": "1"})
    response = client.post(reverse("assessments:quiz", args=[quiz.pk]), follow=True)
    assert "You have used all your attempts at this quiz." in response.content.decode()
    assert Attempt.objects.filter(quiz=quiz).count() == 2
    with pytest.raises(AttemptRefused):
        attempt_start(person=educator, quiz=quiz)


def test_a_second_submission_changes_nothing(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson)
    client = _client(educator)
    attempt = _start(client, quiz)
    _submit(client, attempt, {"confirm_empty": "1"})
    attempt.refresh_from_db()
    first = (attempt.score, attempt.submitted_at, attempt.answers)
    response = _submit(client, attempt, right_answers(quiz))
    assert "already submitted" in response.content.decode()
    attempt.refresh_from_db()
    assert (attempt.score, attempt.submitted_at, attempt.answers) == first == (0, first[1], {})


def test_an_empty_form_is_not_graded_until_confirmed(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, attempt_limit=3)
    client = _client(educator)
    attempt = _start(client, quiz)
    text_fields = {f"q{question.pk}": "  " for question in quiz.questions.filter(kind__in=["numeric", "short_text"])}
    response = client.post(reverse("assessments:attempt", args=[attempt.pk]), text_fields)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Submit with no answers?" in page and 'name="confirm_empty" value="1"' in page
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None and attempt.is_open
    # answering now grades as usual
    _submit(client, attempt, right_answers(quiz))
    attempt.refresh_from_db()
    assert attempt.score == 100
    # a confirmed empty form uses the attempt with a score of 0
    second = _start(client, quiz)
    _submit(client, second, {"confirm_empty": "1"})
    second.refresh_from_db()
    assert second.submitted_at is not None and second.score == 0


def test_an_empty_form_after_the_time_limit_is_graded_without_asking(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, time_limit_minutes=10)
    client = _client(educator)
    attempt = _start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - dt.timedelta(minutes=10, seconds=10))
    _submit(client, attempt, {})
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 0 and not attempt.expired


def test_attempts_used_and_left_are_shown(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, attempt_limit=3)
    client = _client(educator)
    page = client.get(reverse("assessments:quiz", args=[quiz.pk])).content.decode()
    assert "You have used 0 of 3 attempts; 3 left." in page
    attempt = _start(client, quiz)
    form = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert "This is attempt 1 of 3; 2 more after this one." in form
    _submit(client, attempt, {"confirm_empty": "1"})
    page = client.get(reverse("assessments:quiz", args=[quiz.pk])).content.decode()
    assert "You have used 1 of 3 attempts; 2 left." in page
    unlimited = mixed_quiz(lesson=lesson)
    page = client.get(reverse("assessments:quiz", args=[unlimited.pk])).content.decode()
    assert "You have used 0 attempts." in page


def test_answers_after_the_time_limit_and_grace_are_refused(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, time_limit_minutes=10)
    client = _client(educator)
    page = client.get(reverse("assessments:quiz", args=[quiz.pk])).content.decode()
    assert "30 seconds after the limit are not accepted" in page
    late = _start(client, quiz)
    Attempt.objects.filter(pk=late.pk).update(started_at=timezone.now() - dt.timedelta(minutes=10, seconds=31))
    response = _submit(client, late, right_answers(quiz))
    assert "ran out" in response.content.decode()
    late.refresh_from_db()
    assert late.expired and late.score == 0 and not late.passed and late.submitted_at is not None


def test_answers_within_the_grace_period_count(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, time_limit_minutes=10)
    client = _client(educator)
    attempt = _start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - dt.timedelta(minutes=10, seconds=20))
    _submit(client, attempt, right_answers(quiz))
    attempt.refresh_from_db()
    assert not attempt.expired and attempt.score == 100


# --- pages and who sees them ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client, lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson)
    attempt = attempt_start(person=educator, quiz=quiz)
    for url in (reverse("assessments:quiz", args=[quiz.pk]), reverse("assessments:attempt", args=[attempt.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


def test_someone_elses_attempt_is_404(programme: Programme, lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson)
    attempt = attempt_start(person=educator, quiz=quiz)
    other = _client(person_with_role(Role.EDUCATOR, programme=programme))
    assert other.get(reverse("assessments:attempt", args=[attempt.pk])).status_code == 404
    assert other.post(reverse("assessments:attempt", args=[attempt.pk]), right_answers(quiz)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_a_quiz_of_an_unpublished_course_is_404(programme: Programme, educator: Person) -> None:
    draft = course_build(programme=programme, code="draft", status=Course.Status.DRAFT, modules=1, lessons=1)
    quiz = mixed_quiz(lesson=first_lesson(draft))
    assert _client(educator).get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 404
    admin = _client(person_with_role(Role.NATIONAL_ADMIN, programme=programme))
    assert admin.get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 200


def test_the_form_never_contains_the_answers(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, feedback=Quiz.Feedback.AFTER_PASSING)
    client = _client(educator)
    attempt = _start(client, quiz)
    page = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert 'name="q' in page
    for secret in ("Ulaanbaatar", "Улаанбаатар", "12.5", "is_correct", "Correct answer", "✓"):
        assert secret not in page


def test_feedback_none_shows_only_the_score(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, feedback=Quiz.Feedback.NONE)
    client = _client(educator)
    page = _submit(client, _start(client, quiz), right_answers(quiz)).content.decode()
    assert "100%" in page and "Correct answer:" not in page and "✓" not in page


def test_feedback_after_each_attempt_marks_each_answer(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, feedback=Quiz.Feedback.AFTER_ATTEMPT)
    client = _client(educator)
    page = _submit(client, _start(client, quiz), {"confirm_empty": "1"}).content.decode()
    assert page.count("✗ Not correct") == 5 and "Correct answer:" not in page and "Ulaanbaatar" not in page


def test_feedback_after_passing_shows_the_correct_answers_only_then(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson, feedback=Quiz.Feedback.AFTER_PASSING)
    client = _client(educator)
    failed = _submit(client, _start(client, quiz), {"confirm_empty": "1"}).content.decode()
    assert "Ulaanbaatar" not in failed and "The correct answers are shown once you pass." in failed
    passed = _submit(client, _start(client, quiz), right_answers(quiz)).content.decode()
    assert "Correct answer:" in passed and "Ulaanbaatar" in passed and "12.5 (± 0.5)" in passed
    assert passed.count("✓ Correct") == 5


def test_texts_follow_the_language_and_fall_back_with_a_note(programme: Programme, lesson: Lesson) -> None:
    quiz = mixed_quiz(lesson=lesson)
    QuizTranslation.objects.filter(quiz=quiz, language_code="mn").update(status=TranslationStatus.DRAFT)
    reader = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="mn")
    client = _client(reader)
    page = client.get(reverse("assessments:quiz", args=[quiz.pk])).content.decode()
    assert "Quiz [en]" in page and "Quiz [mn]" not in page and 'lang="en"' in page
    assert "Монгол хэлээр" in page  # the fallback note, in Mongolian
    attempt = _start(client, quiz)
    form = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert "[mn]" in form.replace("Quiz [en]", "")
    english = _client(person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en"))
    page = english.get(reverse("assessments:quiz", args=[quiz.pk])).content.decode()
    assert "Quiz [en]" in page and "not yet published" not in page


def test_the_lesson_links_to_its_quiz(lesson: Lesson, educator: Person) -> None:
    quiz = mixed_quiz(lesson=lesson)
    page = _client(educator).get(reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk]))
    assert reverse("assessments:quiz", args=[quiz.pk]) in page.content.decode()


# --- for the completion rule -----------------------------------------------------------------------------------


def test_course_quizzes_passed(programme: Programme, educator: Person) -> None:
    course = course_build(programme=programme, code="two", modules=1, lessons=2)
    first, second = Lesson.objects.filter(module__course=course).order_by("position")
    quizzes = [mixed_quiz(lesson=first), mixed_quiz(lesson=second)]
    assert list(quizzes_of_course(course)) == quizzes
    assert not course_quizzes_passed(educator, course)
    Attempt.objects.create(person=educator, quiz=quizzes[0], started_at=timezone.now(), score=100, passed=True)
    assert quiz_passed(educator, quizzes[0]) and not course_quizzes_passed(educator, course)
    Attempt.objects.create(person=educator, quiz=quizzes[1], started_at=timezone.now(), score=90, passed=True)
    assert course_quizzes_passed(educator, course)


def test_a_pass_that_completes_the_course_offers_the_course_survey(lesson: Lesson, educator: Person) -> None:
    from erdem.learning.models import Enrolment, LessonProgress

    enrolment = Enrolment.objects.create(person=educator, course=lesson.module.course)
    LessonProgress.objects.create(enrolment=enrolment, lesson=lesson)
    quiz = mixed_quiz(lesson=lesson, pass_mark=100)
    client = _client(educator)
    page = _submit(client, _start(client, quiz), right_answers(quiz)).content.decode()
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert "You have completed the course." in page
    assert reverse("learning:feedback", args=[lesson.module.course.code]) in page


def test_a_pass_that_does_not_complete_the_course_offers_no_survey(lesson: Lesson, educator: Person) -> None:
    from erdem.learning.models import Enrolment

    Enrolment.objects.create(person=educator, course=lesson.module.course)  # the lesson is not yet done
    quiz = mixed_quiz(lesson=lesson, pass_mark=100)
    client = _client(educator)
    page = _submit(client, _start(client, quiz), right_answers(quiz)).content.decode()
    assert "You passed." in page
    assert reverse("learning:feedback", args=[lesson.module.course.code]) not in page


# --- bounded queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_pages_make_a_bounded_number_of_queries(
    lesson: Lesson, educator: Person, size: int, django_assert_max_num_queries: Any
) -> None:
    quiz = quiz_build(lesson=lesson)
    for number in range(size):
        question_add(quiz, Question.Kind.SINGLE if number % 2 else Question.Kind.MULTIPLE, choices=(True, False, True))
        numeric_question(quiz, str(number))
    client = _client(educator)
    client.get(reverse("assessments:quiz", args=[quiz.pk]))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 200
    with django_assert_max_num_queries(15):
        attempt = _start(client, quiz)
    with django_assert_max_num_queries(13):  # 12 and the count of attempts used
        assert client.get(reverse("assessments:attempt", args=[attempt.pk])).status_code == 200
    body = right_answers(quiz)
    with django_assert_max_num_queries(13):
        response = client.post(reverse("assessments:attempt", args=[attempt.pk]), body)
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100


# --- demo --------------------------------------------------------------------------------------------------------


def test_the_demo_adds_a_quiz_per_module_in_both_languages(db: None) -> None:
    from erdem.demo.services import demo_load

    result = demo_load(educators=60, institutions=3)
    assert result.counts["quizzes"] == 12
    assert Quiz.objects.filter(pass_mark=70, attempt_limit=3).count() == 12
    for quiz in Quiz.objects.prefetch_related("questions", "translations"):
        assert 4 <= len(quiz.questions.all()) <= 6
        assert {t.language_code for t in quiz.translations.all()} == {"mn", "en"}
        assert quiz.lesson == quiz.lesson.module.lessons.order_by("-position").first()
    assert set(Question.objects.values_list("kind", flat=True)) == set(Question.Kind.values)
    assert not QuestionTranslation.objects.filter(text="").exists()
    assert result.counts["quiz_attempts"] > 50
    for attempt in Attempt.objects.select_related("quiz")[:200]:
        assert attempt.passed == (attempt.score is not None and attempt.score >= 70)
    assert not Attempt.objects.filter(score=None).exists()
