from decimal import Decimal
from typing import Any

from erdem.assessments.models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz, QuizTranslation
from erdem.catalog.models import Lesson, TranslationStatus

PUBLISHED = TranslationStatus.PUBLISHED


def quiz_build(*, lesson: Lesson, languages: tuple[str, ...] = ("mn", "en"), **fields: Any) -> Quiz:
    quiz = Quiz.objects.create(lesson=lesson, **fields)
    QuizTranslation.objects.bulk_create(
        QuizTranslation(quiz=quiz, language_code=code, title=f"Quiz [{code}]", instructions=f"Read [{code}]",
                        status=PUBLISHED)
        for code in languages
    )  # fmt: skip
    return quiz


def question_add(
    quiz: Quiz,
    kind: str,
    *,
    text: str = "",
    choices: tuple[bool, ...] = (),
    accepted: dict[str, str] | None = None,
    pattern: str = "",
    **fields: Any,
) -> Question:
    """A question with texts in both languages ("<text> [mn]"); `choices` gives each choice's correctness."""
    position = quiz.questions.count() + 1
    question = Question.objects.create(quiz=quiz, position=position, kind=kind, **fields)
    QuestionTranslation.objects.bulk_create(
        QuestionTranslation(question=question, language_code=code, text=f"{text or 'Question'} {position} [{code}]",
                            accepted_answer=(accepted or {}).get(code, ""), accepted_pattern=pattern, status=PUBLISHED)
        for code in ("mn", "en")
    )  # fmt: skip
    for number, correct in enumerate(choices, start=1):
        choice = Choice.objects.create(question=question, position=number, is_correct=correct)
        ChoiceTranslation.objects.bulk_create(
            ChoiceTranslation(choice=choice, language_code=code, text=f"choice {position}.{number} [{code}]",
                              status=PUBLISHED)
            for code in ("mn", "en")
        )  # fmt: skip
    return question


def numeric_question(quiz: Quiz, value: str, tolerance: str = "0") -> Question:
    return question_add(
        quiz, Question.Kind.NUMERIC, numeric_answer=Decimal(value), numeric_tolerance=Decimal(tolerance)
    )


def mixed_quiz(*, lesson: Lesson, **fields: Any) -> Quiz:
    """One question of every kind."""
    quiz = quiz_build(lesson=lesson, **fields)
    question_add(quiz, Question.Kind.SINGLE, choices=(False, True, False))
    question_add(quiz, Question.Kind.MULTIPLE, choices=(True, False, True))
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    numeric_question(quiz, "12.5", "0.5")
    question_add(quiz, Question.Kind.SHORT_TEXT, accepted={"en": "Ulaanbaatar", "mn": "Улаанбаатар"})
    return quiz


def right_answers(quiz: Quiz) -> dict[str, Any]:
    """A form body answering every question of `quiz` correctly."""
    body: dict[str, Any] = {}
    for question in quiz.questions.prefetch_related("choices", "translations"):
        name = f"q{question.pk}"
        correct = [str(choice.pk) for choice in question.choices.all() if choice.is_correct]
        if question.kind == Question.Kind.SINGLE:
            body[name] = correct[0]
        elif question.kind == Question.Kind.MULTIPLE:
            body[name] = correct
        elif question.kind == Question.Kind.TRUE_FALSE:
            body[name] = "true" if question.true_false_answer else "false"
        elif question.kind == Question.Kind.NUMERIC:
            body[name] = str(question.numeric_answer)
        else:
            body[name] = next(t.accepted_answer for t in question.translations.all() if t.accepted_answer)
    return body


def matrix_quizzes_create(*, educator: Any) -> None:
    """The permissions matrix's quizzes (one per matrix course) and the educator's open attempt."""
    from erdem.assessments.services import attempt_start
    from erdem.catalog.models import Course
    from erdem.catalog.tests.factories import first_lesson

    for code in ("matrix-published", "matrix-draft"):
        mixed_quiz(lesson=first_lesson(Course.objects.get(code=code)))
    attempt_start(person=educator, quiz=Quiz.objects.get(lesson__module__course__code="matrix-published"))
