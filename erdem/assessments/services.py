"""Starting and submitting quiz attempts. Grading happens here, on the server only."""

import datetime as dt
import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.assessments.grading import ANSWER_MAX_LENGTH, answer_correct
from erdem.assessments.models import Attempt, Question, QuestionTranslation, Quiz
from erdem.catalog.models import TranslationStatus

# Answers arriving this long after the time limit still count: the form may take a moment to travel.
GRACE = dt.timedelta(seconds=30)


class AttemptRefused(Exception):
    """A new attempt may not start; the message is for the learner."""


def attempt_deadline(attempt: Attempt, quiz: Quiz) -> dt.datetime | None:
    """When the attempt's time is up (the grace period not included); None without a time limit."""
    if quiz.time_limit_minutes is None:
        return None
    return attempt.started_at + dt.timedelta(minutes=quiz.time_limit_minutes)


def attempt_start(*, person: Any, quiz: Quiz) -> Attempt:
    """The person's open attempt at `quiz`, or a new one with its questions drawn at random.

    The quiz row is locked while counting, so two clicks cannot both pass the attempt limit.
    Raises AttemptRefused when the limit is reached."""
    with transaction.atomic():
        Quiz.objects.select_for_update().filter(pk=quiz.pk).values_list("pk").get()
        attempts = list(Attempt.objects.filter(person=person, quiz=quiz).only("pk", "submitted_at"))
        open_attempt = next((attempt for attempt in attempts if attempt.submitted_at is None), None)
        if open_attempt is not None:
            return Attempt.objects.get(pk=open_attempt.pk)
        if quiz.attempt_limit and len(attempts) >= quiz.attempt_limit:
            raise AttemptRefused(_("You have used all your attempts at this quiz."))
        bank = list(Question.objects.filter(quiz=quiz).order_by("position").values_list("pk", flat=True))
        if not bank:
            raise AttemptRefused(_("This quiz has no questions yet."))
        drawn = random.sample(bank, quiz.draw_count) if 0 < quiz.draw_count < len(bank) else bank
        return Attempt.objects.create(person=person, quiz=quiz, started_at=timezone.now(), question_ids=drawn)


class Submission(StrEnum):
    GRADED = "graded"
    ALREADY_SUBMITTED = "already_submitted"
    EXPIRED = "expired"
    EMPTY = "empty"  # nothing answered, not confirmed, time left: not graded, the attempt stays open


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: Attempt
    status: Submission


def answers_from_form(form_data: Any, question_ids: list[int]) -> dict[str, Any]:
    """The answers to the drawn questions from the submitted form (`q<id>` fields); others are ignored."""
    answers: dict[str, Any] = {}
    for question_id in question_ids:
        values = [value[:ANSWER_MAX_LENGTH] for value in form_data.getlist(f"q{question_id}")]
        if values:
            answers[str(question_id)] = values if len(values) > 1 else values[0]
    return answers


def _answered(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(str(item).strip() for item in values)


def attempt_submit(*, person: Any, attempt_id: int, form_data: Any, confirm_empty: bool = True) -> SubmitOutcome:
    """Grade the person's open attempt from the submitted form, once.

    Raises Attempt.DoesNotExist for someone else's attempt. A second submission changes nothing
    (ALREADY_SUBMITTED); one arriving more than GRACE after the time limit closes the attempt as
    expired with a score of 0 (EXPIRED). Without `confirm_empty`, a form with no answer at all sent
    before the time limit is not graded and the attempt stays open (EMPTY), so the learner can be
    asked to confirm. Four queries whatever the number of questions."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt_id, person=person)
        )
        if attempt.submitted_at is not None:
            return SubmitOutcome(attempt, Submission.ALREADY_SUBMITTED)
        now = timezone.now()
        quiz = attempt.quiz
        deadline = attempt_deadline(attempt, quiz)
        attempt.submitted_at = now
        if deadline is not None and now > deadline + GRACE:
            attempt.expired, attempt.score, attempt.passed = True, 0, False
            attempt.save(update_fields=["submitted_at", "expired", "score", "passed"])
            return SubmitOutcome(attempt, Submission.EXPIRED)
        answers = answers_from_form(form_data, attempt.question_ids)
        nothing_answered = not any(_answered(value) for value in answers.values())
        if not confirm_empty and nothing_answered and (deadline is None or now <= deadline):
            attempt.submitted_at = None
            return SubmitOutcome(attempt, Submission.EMPTY)
        questions = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related(
            "choices",
            Prefetch("translations", queryset=QuestionTranslation.objects.filter(status=TranslationStatus.PUBLISHED)),
        )
        results = {str(question.pk): answer_correct(question, answers.get(str(question.pk))) for question in questions}
        correct = sum(results.values())
        attempt.answers, attempt.results = answers, results
        attempt.score = round(100 * correct / len(attempt.question_ids)) if attempt.question_ids else 0
        attempt.passed = attempt.score >= quiz.pass_mark
        attempt.save(update_fields=["submitted_at", "answers", "results", "score", "passed"])
        return SubmitOutcome(attempt, Submission.GRADED)
