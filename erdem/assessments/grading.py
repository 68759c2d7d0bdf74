"""How one answer is judged. Pure functions over a question with its choices and translations
loaded, so the submit service and the tests share them and nothing reaches the browser.

Short-text patterns are authored by course teams, not learners, yet a careless pattern such as
`(a+)+$` can backtrack for a very long time. Patterns are therefore limited in length, refused
when they nest a quantifier inside a quantified group, and matched only against answers cut to
ANSWER_MAX_LENGTH characters, so no timeout is needed.
"""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ANSWER_MAX_LENGTH = 200
PATTERN_MAX_LENGTH = 200
# A group holding a quantifier, itself quantified: the shape of catastrophic backtracking.
_NESTED_QUANTIFIER = re.compile(r"\([^()]*(?:[+*]|\{\d*,?\d*\})[^()]*\)\s*(?:[+*]|\{\d*,?\d*\})")


def pattern_validate(pattern: str) -> None:
    """Refuse a short-text pattern that does not compile, is too long or nests quantifiers."""
    if len(pattern) > PATTERN_MAX_LENGTH:
        raise ValidationError(
            _("A pattern may be at most %(limit)s characters long."), params={"limit": PATTERN_MAX_LENGTH}
        )
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValidationError(_("A pattern may not repeat a group that itself repeats, such as (a+)+."))
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValidationError(_("This is not a valid pattern: %(error)s"), params={"error": str(error)}) from error


def text_normalise(value: str) -> str:
    """Case- and space-insensitive form of a short-text answer, cut to ANSWER_MAX_LENGTH."""
    return " ".join(value[: ANSWER_MAX_LENGTH * 2].split()).casefold()[:ANSWER_MAX_LENGTH]


def number_parse(value: str) -> Decimal | None:
    """A number as a learner types it: a decimal comma is accepted; None when it is not a number."""
    try:
        number = Decimal(value.strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _choice_ids(choices: Iterable[Any], *, correct: bool) -> set[str]:
    return {str(choice.pk) for choice in choices if choice.is_correct == correct}


def answer_correct(question: Any, answer: Any) -> bool:
    """Whether `answer` (a string, or a list of strings for multiple choice) answers `question`."""
    from erdem.assessments.models import Question

    kind = question.kind
    if kind == Question.Kind.SINGLE:
        return isinstance(answer, str) and answer in _choice_ids(question.choices.all(), correct=True)
    if kind == Question.Kind.MULTIPLE:
        chosen = {answer} if isinstance(answer, str) else set(answer or [])
        return chosen == _choice_ids(question.choices.all(), correct=True)
    if kind == Question.Kind.TRUE_FALSE:
        return answer in ("true", "false") and (answer == "true") == question.true_false_answer
    if not isinstance(answer, str):
        return False
    if kind == Question.Kind.NUMERIC:
        number = number_parse(answer)
        if number is None or question.numeric_answer is None:
            return False
        return abs(number - question.numeric_answer) <= question.numeric_tolerance
    given = text_normalise(answer)
    if not given:
        return False
    for translation in question.translations.all():
        if translation.accepted_answer and given == text_normalise(translation.accepted_answer):
            return True
        if translation.accepted_pattern and re.fullmatch(translation.accepted_pattern, given, re.IGNORECASE):
            return True
    return False
