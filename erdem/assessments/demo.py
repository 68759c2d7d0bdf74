"""The demo step that adds a quiz at the end of every module of the demo courses
(erdem.assessments.demo_data) and a few hundred submitted attempts by demo educators."""

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from erdem.access.models import Role, RoleAssignment
from erdem.assessments.demo_data import INSTRUCTIONS_EN, INSTRUCTIONS_MN, QUIZZES, QuestionSeed
from erdem.assessments.models import (
    Attempt,
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
    QuizTranslation,
)
from erdem.catalog.models import Lesson, TranslationStatus

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

PUBLISHED = TranslationStatus.PUBLISHED
PASS_MARK = 70
ATTEMPT_LIMIT = 3
QUIZ_TAKERS = 160  # demo educators who tried some quizzes
CORRECT_ANSWER_CHANCE = 0.78


def _module_last_lessons(run: "DemoRun") -> list[Lesson]:
    lessons = Lesson.objects.filter(module__course__programme=run.current_programme).order_by(
        "module__course_id", "module__position", "-position"
    )
    last: dict[int, Lesson] = {}
    for lesson in lessons:
        last.setdefault(lesson.module_id, lesson)
    return list(last.values())


def demo_quizzes_create(*, run: "DemoRun") -> None:
    """One quiz per module (on its last lesson), pass mark 70 %, three attempts, correct answers after passing."""
    lessons = _module_last_lessons(run)[: len(QUIZZES)]
    quizzes = Quiz.objects.bulk_create(
        Quiz(
            lesson=lesson,
            pass_mark=PASS_MARK,
            attempt_limit=ATTEMPT_LIMIT,
            feedback=Quiz.Feedback.AFTER_PASSING,
        )
        for lesson in lessons
    )
    seeds = QUIZZES[: len(quizzes)]
    QuizTranslation.objects.bulk_create(
        translation
        for quiz, seed in zip(quizzes, seeds, strict=True)
        for translation in (
            QuizTranslation(quiz=quiz, language_code="mn", title=seed.title_mn,
                            instructions=INSTRUCTIONS_MN, status=PUBLISHED),
            QuizTranslation(quiz=quiz, language_code="en", title=seed.title_en,
                            instructions=INSTRUCTIONS_EN, status=PUBLISHED),
        )
    )  # fmt: skip
    question_seeds = [
        (quiz, position, question)
        for quiz, seed in zip(quizzes, seeds, strict=True)
        for position, question in enumerate(seed.questions, start=1)
    ]
    questions = Question.objects.bulk_create(
        Question(
            quiz=quiz,
            position=position,
            kind=seed.kind,
            true_false_answer=seed.true_false,
            numeric_answer=Decimal(seed.number) if seed.number else None,
            numeric_tolerance=Decimal(seed.tolerance),
        )
        for quiz, position, seed in question_seeds
    )
    QuestionTranslation.objects.bulk_create(
        translation
        for question, (_quiz, _position, seed) in zip(questions, question_seeds, strict=True)
        for translation in (
            QuestionTranslation(question=question, language_code="mn", text=seed.text_mn, status=PUBLISHED,
                                accepted_answer=seed.answer_mn, accepted_pattern=seed.pattern),
            QuestionTranslation(question=question, language_code="en", text=seed.text_en, status=PUBLISHED,
                                accepted_answer=seed.answer_en, accepted_pattern=seed.pattern),
        )
    )  # fmt: skip
    choice_seeds = [
        (question, position, choice)
        for question, (_quiz, _position, seed) in zip(questions, question_seeds, strict=True)
        for position, choice in enumerate(seed.choices, start=1)
    ]
    choices = Choice.objects.bulk_create(
        Choice(question=question, position=position, is_correct=correct)
        for question, position, (_en, _mn, correct) in choice_seeds
    )
    ChoiceTranslation.objects.bulk_create(
        translation
        for choice, (_question, _position, (text_en, text_mn, _correct)) in zip(choices, choice_seeds, strict=True)
        for translation in (
            ChoiceTranslation(choice=choice, language_code="mn", text=text_mn, status=PUBLISHED),
            ChoiceTranslation(choice=choice, language_code="en", text=text_en, status=PUBLISHED),
        )
    )
    choice_ids: dict[int, list[tuple[str, bool]]] = {}
    for choice in choices:
        choice_ids.setdefault(choice.question_id, []).append((str(choice.pk), choice.is_correct))
    bank = [
        (
            quiz,
            [(question, seed) for question, (q, _p, seed) in zip(questions, question_seeds, strict=True) if q is quiz],
        )
        for quiz in quizzes
    ]
    _demo_attempts_create(run, bank, choice_ids)
    run.counts["quizzes"] = len(quizzes)
    run.counts["questions"] = len(questions)


def _answer(rng: random.Random, seed: QuestionSeed, choices: list[tuple[str, bool]], *, correct: bool) -> Any:
    right = [pk for pk, is_correct in choices if is_correct]
    wrong = [pk for pk, is_correct in choices if not is_correct]
    if seed.kind == Question.Kind.SINGLE:
        return right[0] if correct else rng.choice(wrong)
    if seed.kind == Question.Kind.MULTIPLE:
        return right if correct else right[:-1] + wrong[:1]
    if seed.kind == Question.Kind.TRUE_FALSE:
        return "true" if seed.true_false == correct else "false"
    if seed.kind == Question.Kind.NUMERIC:
        return seed.number if correct else str(Decimal(seed.number) + rng.randint(1, 9))
    return seed.answer_mn if correct else ""


def _demo_attempts_create(
    run: "DemoRun",
    bank: list[tuple[Quiz, list[tuple[Question, QuestionSeed]]]],
    choice_ids: dict[int, list[tuple[str, bool]]],
) -> None:
    """Each quiz taker tries two to four quizzes, up to three times each, stopping once they pass."""
    rng = run.rng
    educators = list(
        RoleAssignment.objects.filter(programme=run.current_programme, role=Role.EDUCATOR)
        .order_by("person_id")
        .values_list("person_id", "person__date_joined")
    )
    takers = rng.sample(educators, min(QUIZ_TAKERS, len(educators)))
    attempts = []
    for person_id, joined in takers:
        moment = max(joined, dt.datetime(2025, 1, 15, tzinfo=dt.UTC)) + dt.timedelta(days=rng.randint(1, 90))
        for quiz, questions in rng.sample(bank, min(len(bank), rng.randint(2, 4))):
            for _try in range(ATTEMPT_LIMIT):
                answers, results = {}, {}
                for question, seed in questions:
                    correct = rng.random() < CORRECT_ANSWER_CHANCE
                    answers[str(question.pk)] = _answer(rng, seed, choice_ids.get(question.pk, []), correct=correct)
                    results[str(question.pk)] = correct
                score = round(100 * sum(results.values()) / len(questions))
                started = moment + dt.timedelta(minutes=rng.randint(0, 600))
                attempts.append(
                    Attempt(
                        person_id=person_id,
                        quiz=quiz,
                        started_at=started,
                        submitted_at=started + dt.timedelta(minutes=rng.randint(3, 15)),
                        question_ids=[question.pk for question, _seed in questions],
                        answers=answers,
                        results=results,
                        score=score,
                        passed=score >= PASS_MARK,
                    )
                )
                moment = started + dt.timedelta(days=1)
                if score >= PASS_MARK:
                    break
    Attempt.objects.bulk_create(attempts, batch_size=500)
    run.counts["quiz_attempts"] = len(attempts)


def demo_passes_ensure(
    *, run: "DemoRun", wanted: list[tuple[int, int, dict[int, dt.datetime]]]
) -> list[tuple[bool, dt.datetime | None]]:
    """For each (person id, course id, {lesson id: when it was done}) of an educator who finished a
    course's lessons, a passing attempt at every quiz of the course not yet passed, taken just after
    the quiz's lesson (after any earlier attempt), every question answered right. Returns, per wanted
    entry, whether every quiz is now passed (not when a quiz's attempts were used up without a pass:
    that course stays incomplete) and when the last of its quizzes was first passed (None without quizzes)."""
    rng = run.rng
    course_ids = {course_id for _person, course_id, _dates in wanted}
    quizzes: dict[int, list[tuple[int, int]]] = {}  # course -> [(quiz, its lesson)]
    for quiz_id, lesson_id, course_id in (
        Quiz.objects.filter(lesson__module__course_id__in=course_ids)
        .order_by("lesson__module__position", "lesson__position", "pk")
        .values_list("pk", "lesson_id", "lesson__module__course_id")
    ):
        quizzes.setdefault(course_id, []).append((quiz_id, lesson_id))
    quiz_ids = [quiz_id for pairs in quizzes.values() for quiz_id, _lesson in pairs]
    person_ids = {person_id for person_id, _course, _dates in wanted}
    # (person, quiz) -> attempts so far, when first passed, when last submitted
    tried: dict[tuple[int, int], tuple[int, dt.datetime | None, dt.datetime | None]] = {}
    for person_id, quiz_id, passed, submitted in (
        Attempt.objects.filter(quiz_id__in=quiz_ids, person_id__in=person_ids)
        .order_by("started_at", "pk")
        .values_list("person_id", "quiz_id", "passed", "submitted_at")
    ):
        count, passed_at, last = tried.get((person_id, quiz_id), (0, None, None))
        if passed and passed_at is None:
            passed_at = submitted
        tried[(person_id, quiz_id)] = (count + 1, passed_at, max(filter(None, (last, submitted)), default=None))
    answers = _right_answers(quiz_ids)

    attempts: list[Attempt] = []
    outcomes: list[tuple[bool, dt.datetime | None]] = []
    for person_id, course_id, dates in wanted:
        new: list[Attempt] = []
        finished: dt.datetime | None = None
        possible = True
        for quiz_id, lesson_id in quizzes.get(course_id, []):
            count, passed_at, last = tried.get((person_id, quiz_id), (0, None, None))
            if passed_at is not None:
                finished = max(filter(None, (finished, passed_at)))
                continue
            if count >= ATTEMPT_LIMIT:
                possible = False
                break
            after = max(filter(None, (dates.get(lesson_id), last)), default=None)
            if after is None:
                possible = False
                break
            started = after + dt.timedelta(minutes=rng.randint(5, 120))
            submitted = started + dt.timedelta(minutes=rng.randint(3, 15))
            quiz_answers = answers.get(quiz_id, {})
            new.append(
                Attempt(
                    person_id=person_id,
                    quiz_id=quiz_id,
                    started_at=started,
                    submitted_at=submitted,
                    question_ids=[int(pk) for pk in quiz_answers],
                    answers=quiz_answers,
                    results=dict.fromkeys(quiz_answers, True),
                    score=100,
                    passed=True,
                )
            )
            finished = max(filter(None, (finished, submitted)))
        if possible:
            attempts.extend(new)
        outcomes.append((possible, finished if possible else None))
    Attempt.objects.bulk_create(attempts, batch_size=500)
    run.counts["quiz_attempts"] = run.counts.get("quiz_attempts", 0) + len(attempts)
    return outcomes


def _right_answers(quiz_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per quiz, the right answer to each of its questions, as the attempt form would send it. Three queries."""
    right: dict[int, list[str]] = {}
    for question_id, choice_id in (
        Choice.objects.filter(question__quiz_id__in=quiz_ids, is_correct=True)
        .order_by("position")
        .values_list("question_id", "pk")
    ):
        right.setdefault(question_id, []).append(str(choice_id))
    accepted = dict(
        QuestionTranslation.objects.filter(question__quiz_id__in=quiz_ids, language_code="mn").values_list(
            "question_id", "accepted_answer"
        )
    )
    answers: dict[int, dict[str, Any]] = {}
    for question in Question.objects.filter(quiz_id__in=quiz_ids).order_by("position"):
        kind = question.kind
        answer: Any
        if kind == Question.Kind.SINGLE:
            answer = right.get(question.pk, [""])[0]
        elif kind == Question.Kind.MULTIPLE:
            answer = right.get(question.pk, [])
        elif kind == Question.Kind.TRUE_FALSE:
            answer = "true" if question.true_false_answer else "false"
        elif kind == Question.Kind.NUMERIC:
            answer = f"{question.numeric_answer.normalize():f}" if question.numeric_answer is not None else ""
        else:
            answer = accepted.get(question.pk, "")
        answers.setdefault(question.quiz_id, {})[str(question.pk)] = answer
    return answers
