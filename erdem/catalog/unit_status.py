"""The rules every writer of a translation status follows, and the one count of where a course's
translations stand.

A unit (erdem.catalog.units: the course, a module, a lesson, its media, images and files, a quiz
with its questions and choices, a practical assignment with its rubric) is shown to readers in a
language only once its text there is published; otherwise they read the other language's. So a
text marked reviewed or published must not leave a required field empty: a reader would get an
empty lesson instead of the other language's. The authoring editor, course package imports and
translation file imports all check `translation_problems` before they write a status.
"""

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Count, ForeignKey, Model, Q
from django.utils.translation import gettext as _

from erdem.catalog.models import TranslationStatus
from erdem.catalog.units import KINDS

# Statuses that promise a reader-ready text.
STATUSES_NEEDING_TEXT = frozenset({TranslationStatus.REVIEWED, TranslationStatus.PUBLISHED})

# The texts a reviewed or published unit may not leave empty; the other fields are optional (a
# course's summary, a lesson's media transcript, an image's description, which falls back).
REQUIRED_TEXTS: dict[str, tuple[str, ...]] = {
    "course": ("title",),
    "module": ("title",),
    "lesson": ("title", "body"),
    "quiz": ("title",),
    "question": ("text",),
    "choice": ("text",),
    "assignment": ("title",),
    "criterion": ("name",),
    "level": ("name",),
}

# From a unit of each kind to the id of its course, as a Django lookup path.
COURSE_OF_UNIT: dict[str, str] = {
    "course": "pk",
    "module": "course_id",
    "lesson": "module__course_id",
    "quiz": "lesson__module__course_id",
    "question": "quiz__lesson__module__course_id",
    "choice": "question__quiz__lesson__module__course_id",
    "media": "lesson__module__course_id",
    "image": "lesson__module__course_id",
    "attachment": "lesson__module__course_id",
    "assignment": "lesson__module__course_id",
    "criterion": "assignment__lesson__module__course_id",
    "level": "criterion__assignment__lesson__module__course_id",
}


def _required_message(kind: str, name: str) -> str:
    if kind == "lesson" and name == "body":
        return _(
            "A reviewed or published lesson needs its text: readers would get an empty lesson instead of the "
            "other language's. Keep it as a draft until the text is written."
        )
    if name == "title":
        return _("A reviewed or published text needs a title. Keep it as a draft until it has one.")
    if name == "name":
        return _("A reviewed or published text needs a name. Keep it as a draft until it has one.")
    return _("A reviewed or published text cannot be empty. Keep it as a draft until it is written.")


def translation_problems(*, kind: str, status: str, texts: Mapping[str, str]) -> dict[str, str]:
    """Why a `kind` unit may not take `status` with these texts, per field ({} when it may).
    Fields missing from `texts` count as empty."""
    if status not in STATUSES_NEEDING_TEXT:
        return {}
    return {
        name: _required_message(kind, name)
        for name in REQUIRED_TEXTS.get(kind, ())
        if not str(texts.get(name) or "").strip()
    }


def translation_validate(*, kind: str, status: str, texts: Mapping[str, str]) -> None:
    """`translation_problems` as a `ValidationError` keyed by field, for forms and services."""
    problems = translation_problems(kind=kind, status=status, texts=texts)
    if problems:
        raise ValidationError(
            {name: ValidationError(message, code="text_required") for name, message in problems.items()}
        )


def translation_progress(
    *, course_ids: Iterable[int], languages: Iterable[str]
) -> dict[int, dict[str, dict[str, int]]]:
    """How many units of each course stand at each status, per language: {course id: {language:
    {status: count}}}, every status present. A unit without a text in a language counts as missing.
    Every kind of unit is counted (the same units as `course_units`); one query per kind whatever
    the number of courses."""
    ids = list(course_ids)
    codes = list(languages)
    written = [status for status in TranslationStatus.values if status != TranslationStatus.MISSING]
    totals: dict[tuple[int, str], int] = {}
    for name, kind in KINDS.items():
        path = COURSE_OF_UNIT[name]
        parent = cast(ForeignKey[Any, Any], kind.translation_model._meta.get_field(kind.parent_field))
        rows = parent.related_query_name()
        unit_model = cast(type[Model], parent.related_model)
        tallies = {
            f"n_{index}_{status}": Count("pk", filter=Q(**{f"{rows}__language_code": code, f"{rows}__status": status}))
            for index, code in enumerate(codes)
            for status in written
        }
        for row in (
            unit_model._default_manager.filter(**{f"{path}__in": ids})
            .values(path)
            .annotate(units=Count("pk", distinct=True), **tallies)
            .order_by()
        ):
            course_id = row[path]
            totals[(course_id, "")] = totals.get((course_id, ""), 0) + row["units"]
            for index, code in enumerate(codes):
                for status in written:
                    key = (course_id, f"{code}:{status}")
                    totals[key] = totals.get(key, 0) + row[f"n_{index}_{status}"]
    progress: dict[int, dict[str, dict[str, int]]] = {}
    for course_id in ids:
        progress[course_id] = {}
        for code in codes:
            counts = {status: totals.get((course_id, f"{code}:{status}"), 0) for status in written}
            # The rest have no text in the language, or one marked missing.
            missing = totals.get((course_id, ""), 0) - sum(counts.values())
            progress[course_id][code] = {status: counts.get(status, missing) for status in TranslationStatus.values}
    return progress
