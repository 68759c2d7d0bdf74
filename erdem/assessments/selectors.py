"""Reads behind the quiz and attempt pages, and the questions other apps ask about quizzes.

Each page runs a fixed number of queries whatever the number of questions: one per table,
published translations prefetched. Correct answers and choice flags are copied into the page
only when the quiz's feedback setting allows it for a submitted attempt.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erdem.assessments.models import (
    Attempt,
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
    QuizTranslation,
)
from erdem.assessments.services import attempt_deadline
from erdem.catalog.models import Course, CourseTranslation, LessonTranslation
from erdem.catalog.selectors import Text, course_readable, published_translations
from erdem.catalog.translations import translation_pick

FALLBACK_NOTES = {
    "mn": gettext_lazy("This quiz is not yet published in Mongolian; you are reading the English version."),
    "en": gettext_lazy("This quiz is not yet published in English; you are reading the Mongolian version."),
}


# --- for other apps (the learning app's completion rule) ------------------------------------------------


def quizzes_of_course(course: Course | int) -> QuerySet[Quiz]:
    """Every quiz attached to a lesson of `course` (a course or its id), in lesson order."""
    return Quiz.objects.filter(lesson__module__course=course).order_by(
        "lesson__module__position", "lesson__position", "pk"
    )


def quiz_passed(person: Any, quiz: Quiz) -> bool:
    """Whether `person` has passed `quiz` in any submitted attempt. One query."""
    return Attempt.objects.filter(person=person, quiz=quiz, passed=True).exists()


def course_quizzes_passed(person: Any, course: Course | int) -> bool:
    """Whether `person` (a person or their id) has passed every quiz of `course` (a course or its id);
    true for a course without quizzes. One query."""
    passed, total = course_quizzes_progress(person, course)
    return passed == total


def course_quizzes_progress(person: Any, course: Course | int) -> tuple[int, int]:
    """(quizzes passed, quizzes in all) for `person` (a person or their id) in `course`. One query.

    Exists() rather than a filter across attempts__person / attempts__passed: across a multi-valued
    relation the two conditions would not be tied to the same attempt, so someone else's pass would
    count for a person who failed."""
    passed = Attempt.objects.filter(quiz=OuterRef("pk"), person=person, passed=True)
    counts = (
        quizzes_of_course(course).order_by().aggregate(total=Count("pk"), passed=Count("pk", filter=Exists(passed)))
    )
    return counts["passed"], counts["total"]


# --- pages --------------------------------------------------------------------------------------------------


@dataclass
class QuizHeader:
    quiz: Quiz
    course: Course
    course_title: Text
    lesson_title: Text | None
    title: Text
    instructions: Text
    fallback_note: str


@dataclass
class QuizPage:
    header: QuizHeader
    attempts: list[Attempt]
    question_count: int

    @property
    def quiz(self) -> Quiz:
        return self.header.quiz

    @property
    def open_attempt(self) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.submitted_at is None), None)

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int | None:
        if not self.quiz.attempt_limit:
            return None
        return max(0, self.quiz.attempt_limit - len(self.attempts))

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.attempts)

    @property
    def can_start(self) -> bool:
        return self.question_count > 0 and (self.open_attempt is not None or self.attempts_left != 0)


@dataclass
class ChoiceView:
    pk: int
    text: Text
    chosen: bool
    is_correct: bool | None  # None: not to be shown


@dataclass
class QuestionView:
    number: int
    question: Question
    text: Text
    choices: list[ChoiceView] = field(default_factory=list)
    given: str = ""
    correct: bool | None = None  # None: not to be shown
    correct_answer: str = ""  # empty: not to be shown

    @property
    def input_name(self) -> str:
        return f"q{self.question.pk}"


@dataclass
class AttemptPage:
    header: QuizHeader
    attempt: Attempt
    questions: list[QuestionView]
    deadline: dt.datetime | None
    shows_correctness: bool
    shows_answers: bool
    attempts_used: int = 0  # the person's attempts at the quiz, this one included

    @property
    def quiz(self) -> Quiz:
        return self.header.quiz

    @property
    def attempts_left(self) -> int | None:
        """Attempts still to start after this one; None without a limit."""
        if not self.quiz.attempt_limit:
            return None
        return max(0, self.quiz.attempt_limit - self.attempts_used)


def _text(picked: Any, attribute: str) -> Text:
    return Text(getattr(picked.translation, attribute), picked.language_code, picked.fell_back)


def _quizzes() -> QuerySet[Quiz]:
    return Quiz.objects.select_related("lesson__module__course").prefetch_related(
        Prefetch("translations", queryset=published_translations(QuizTranslation)),
        Prefetch(
            "lesson__translations",
            queryset=published_translations(LessonTranslation).only("lesson_id", "language_code", "status", "title"),
        ),
        Prefetch("lesson__module__course__translations", queryset=published_translations(CourseTranslation)),
    )


def _header(person: Any, quiz: Quiz, language: str) -> QuizHeader | None:
    course = quiz.lesson.module.course
    if not course_readable(person, course):
        return None
    picked = translation_pick(quiz.translations.all(), language=language)
    if picked is None:
        return None
    course_picked = translation_pick(course.translations.all(), language=language)
    lesson_picked = translation_pick(quiz.lesson.translations.all(), language=language)
    return QuizHeader(
        quiz=quiz,
        course=course,
        course_title=_text(course_picked, "title") if course_picked else Text(course.code, language),
        lesson_title=_text(lesson_picked, "title") if lesson_picked else None,
        title=_text(picked, "title"),
        instructions=_text(picked, "instructions"),
        fallback_note=str(FALLBACK_NOTES.get(language, "")) if picked.fell_back else "",
    )


def quiz_page(*, person: Any, quiz_id: int, language: str) -> QuizPage | None:
    """A quiz of a readable course with the person's attempts; None when there is no such quiz,
    it is published in no language, or `person` may not read the course. Six queries."""
    quiz = _quizzes().filter(pk=quiz_id).first()
    if quiz is None:
        return None
    header = _header(person, quiz, language)
    if header is None:
        return None
    attempts = list(
        Attempt.objects.filter(person=person, quiz=quiz)
        .order_by("started_at", "pk")
        .only("pk", "quiz_id", "person_id", "started_at", "submitted_at", "score", "passed", "expired")
    )
    return QuizPage(header=header, attempts=attempts, question_count=Question.objects.filter(quiz=quiz).count())


def _correct_answer(question: Question, picked_text: Any, choices: list[ChoiceView]) -> str:
    kind = question.kind
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return "; ".join(choice.text.value for choice in choices if choice.is_correct)
    if kind == Question.Kind.TRUE_FALSE:
        return _("True") if question.true_false_answer else _("False")
    if kind == Question.Kind.NUMERIC:
        value = number_format(question.numeric_answer.normalize()) if question.numeric_answer is not None else ""
        tolerance = question.numeric_tolerance
        if tolerance and tolerance != Decimal(0):
            return _("%(value)s (± %(tolerance)s)") % {
                "value": value,
                "tolerance": number_format(tolerance.normalize()),
            }
        return value
    return picked_text.translation.accepted_answer if picked_text else ""


def attempt_readable(*, person: Any, attempt_id: int) -> bool:
    """Whether the attempt is `person`'s own, at a quiz of a course they may read. One query."""
    attempt = (
        Attempt.objects.filter(pk=attempt_id, person=person).select_related("quiz__lesson__module__course").first()
    )
    return attempt is not None and course_readable(person, attempt.quiz.lesson.module.course)


def attempt_page(*, person: Any, attempt_id: int, language: str) -> AttemptPage | None:
    """The person's own attempt with its drawn questions in the drawn order; None for someone
    else's attempt or an unreadable course. Nine queries (eight once submitted) whatever the number of questions."""
    attempt = Attempt.objects.filter(pk=attempt_id, person=person).first()
    if attempt is None:
        return None
    quiz = _quizzes().filter(pk=attempt.quiz_id).first()
    if quiz is None:
        return None
    header = _header(person, quiz, language)
    if header is None:
        return None
    submitted = attempt.submitted_at is not None and not attempt.expired
    feedback = quiz.feedback
    shows_answers = submitted and feedback == Quiz.Feedback.AFTER_PASSING and attempt.passed
    shows_correctness = submitted and (feedback == Quiz.Feedback.AFTER_ATTEMPT or shows_answers)
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related(
            Prefetch("translations", queryset=published_translations(QuestionTranslation)),
            Prefetch(
                "choices",
                queryset=Choice.objects.order_by("position").prefetch_related(
                    Prefetch("translations", queryset=published_translations(ChoiceTranslation))
                ),
            ),
        )
    }
    views = []
    for number, question_id in enumerate(attempt.question_ids, start=1):
        question = questions.get(question_id)
        if question is None:
            continue  # removed from the bank after the attempt started; it still counts as unanswered
        picked = translation_pick(question.translations.all(), language=language)
        given = attempt.answers.get(str(question.pk), "")
        chosen = set(given) if isinstance(given, list) else {given}
        choices = []
        for choice in question.choices.all():
            choice_picked = translation_pick(choice.translations.all(), language=language)
            choices.append(
                ChoiceView(
                    pk=choice.pk,
                    text=_text(choice_picked, "text") if choice_picked else Text("", language),
                    chosen=str(choice.pk) in chosen,
                    is_correct=choice.is_correct if shows_answers else None,
                )
            )
        views.append(
            QuestionView(
                number=number,
                question=question,
                text=_text(picked, "text") if picked else Text("", language),
                choices=choices,
                given=given if isinstance(given, str) else "",
                correct=attempt.results.get(str(question.pk), False) if shows_correctness else None,
                correct_answer=_correct_answer(question, picked, choices) if shows_answers else "",
            )
        )
    deadline = attempt_deadline(attempt, quiz)
    used = Attempt.objects.filter(person=person, quiz=quiz).count() if attempt.is_open else 0
    return AttemptPage(
        attempts_used=used,
        header=header,
        attempt=attempt,
        questions=views,
        deadline=deadline,
        shows_correctness=shows_correctness,
        shows_answers=shows_answers,
    )
