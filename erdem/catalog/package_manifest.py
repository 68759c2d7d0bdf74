"""Checking a course package's manifest and texts before anything is written.

Each problem names the entry of the package and the path inside its JSON where it was found
("manifest.json: modules[1].lessons[0].position"), with a message in the reader's language, as
a JSON-schema validator would, but with sentences a course team can act on.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from erdem.assessments.grading import ANSWER_MAX_LENGTH, pattern_validate
from erdem.assessments.models import Question, Quiz
from erdem.catalog.media_services import external_url_check
from erdem.catalog.models import Course, LessonMedia
from erdem.catalog.units import (
    KINDS,
    STATUSES,
    assignment_key,
    attachment_key,
    choice_key,
    criterion_key,
    image_key,
    lesson_key,
    level_key,
    media_key,
    question_key,
    quiz_key,
    unit_kind_of,
)
from erdem.core.uploads import KINDS as FILE_KINDS

POSITION_MAX = 32767
MEGABYTE = 1024 * 1024
MEDIA_PATH = re.compile(r"media/[A-Za-z0-9][-A-Za-z0-9_.]{0,150}")
SLUG = re.compile(r"[-A-Za-z0-9_]{1,40}")

# The longest text each (unit kind, field) holds; the others are unlimited.
TEXT_LIMITS = {
    ("course", "title"): 200,
    ("module", "title"): 200,
    ("lesson", "title"): 200,
    ("quiz", "title"): 200,
    ("choice", "text"): 500,
    ("question", "accepted_answer"): ANSWER_MAX_LENGTH,
    ("media", "title"): 200,
    ("image", "alt_text"): 300,
    ("attachment", "title"): 200,
    ("assignment", "title"): 200,
    ("criterion", "name"): 200,
    ("level", "name"): 100,
}


@dataclass
class Problem:
    """Something wrong with a package or a translation file; `blocking` ones stop the import."""

    where: str  # an entry of the package and a path inside it: "manifest.json: modules[1].lessons[0]"
    message: str
    blocking: bool = True


class Checker:
    """Collects problems with JSON values, each with the place it was found."""

    def __init__(self, entry: str) -> None:
        self.entry = entry
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, *, blocking: bool = True) -> None:
        self.problems.append(Problem(f"{self.entry}: {path}" if path else self.entry, message, blocking))

    def object(self, value: Any, path: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(path, _("must be an object."))
        return None

    def list(self, value: Any, path: str) -> list[Any]:
        if isinstance(value, list):
            return value
        self.add(path, _("must be a list."))
        return []

    def integer(self, value: Any, path: str, *, low: int = 0, high: int = POSITION_MAX, null: bool = False) -> bool:
        if value is None and null:
            return True
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(path, _("must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
            return False
        return True

    def choice(self, value: Any, path: str, choices: Any) -> bool:
        if value in choices:
            return True
        self.add(path, _("must be one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return False

    def boolean(self, value: Any, path: str, *, null: bool = False) -> bool:
        if isinstance(value, bool) or (value is None and null):
            return True
        self.add(path, _("must be true or false."))
        return False

    def decimal(self, value: Any, path: str, *, null: bool = False) -> bool:
        if value is None and null:
            return True
        try:
            number = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal(10) ** 10:
            self.add(path, _("must be a number written as text, for example “12.5”."))
            return False
        return True

    def key(self, value: Any, path: str, expected: str) -> None:
        if value != expected:
            self.add(path, _("must be “%(expected)s”, as the positions give it.") % {"expected": expected})

    def file(self, value: Any, path: str, *, null: bool = False) -> bool:
        if value is None and null:
            return True
        if isinstance(value, str) and MEDIA_PATH.fullmatch(value) and ".." not in value:
            return True
        self.add(path, _("must name a file in the package's media folder, such as “media/m1.l1.media1.mp4”."))
        return False


def check_course(check: Checker, course: Any) -> None:
    course = check.object(course, "course")
    if course is None:
        return
    if not isinstance(course.get("code"), str) or not SLUG.fullmatch(course["code"]):
        check.add("course.code", _("must be a code of at most 40 letters, digits, hyphens or underscores."))
    check.choice(course.get("level"), "course.level", Course.Level.values)
    check.integer(course.get("workload_hours"), "course.workload_hours", high=1000)
    check.choice(course.get("status"), "course.status", Course.Status.values)
    platform = [code for code, _name in settings.LANGUAGES]
    for index, language in enumerate(check.list(course.get("languages"), "course.languages")):
        check.choice(language, f"course.languages[{index}]", platform)
    for index, competency in enumerate(check.list(course.get("competencies", []), "course.competencies")):
        competency = check.object(competency, f"course.competencies[{index}]")
        if competency is not None and not (
            isinstance(competency.get("framework"), str) and isinstance(competency.get("code"), str)
        ):
            check.add(f"course.competencies[{index}]", _("must name a “framework” code and a competency “code”."))
    for index, code in enumerate(check.list(course.get("authoring_institutions", []), "course.authoring_institutions")):
        if not isinstance(code, str):
            check.add(f"course.authoring_institutions[{index}]", _("must be an institution code."))


def _positions(check: Checker, items: list[Any], path: str) -> None:
    positions = [item.get("position") for item in items if isinstance(item, dict)]
    for position in sorted({p for p in positions if isinstance(p, int) and positions.count(p) > 1}):
        check.add(path, _("two entries have position %(position)s.") % {"position": position})


class Structure:
    """What a valid manifest defines: the unit keys, and the media files it refers to."""

    def __init__(self) -> None:
        self.keys = {"course"}
        self.files: dict[str, str] = {}  # path in the package -> what it must be: media kind, "image", "attachment"


def check_structure(check: Checker, manifest: dict[str, Any]) -> Structure:
    structure = Structure()
    modules = check.list(manifest.get("modules"), "modules")
    _positions(check, modules, "modules")
    lessons: set[str] = set()
    for m, module in enumerate(modules):
        path = f"modules[{m}]"
        module = check.object(module, path)
        if module is None or not check.integer(module.get("position"), f"{path}.position", low=1):
            continue
        check.key(module.get("key"), f"{path}.key", f"m{module['position']}")
        structure.keys.add(f"m{module['position']}")
        items = check.list(module.get("lessons"), f"{path}.lessons")
        _positions(check, items, f"{path}.lessons")
        for n, lesson in enumerate(items):
            lesson_path = f"{path}.lessons[{n}]"
            lesson = check.object(lesson, lesson_path)
            if lesson is None or not check.integer(lesson.get("position"), f"{lesson_path}.position", low=1):
                continue
            key = lesson_key(module["position"], lesson["position"])
            check.key(lesson.get("key"), f"{lesson_path}.key", key)
            check.integer(lesson.get("estimated_minutes"), f"{lesson_path}.estimated_minutes")
            lessons.add(key)
    structure.keys |= lessons
    _check_lesson_items(check, manifest, "quizzes", lessons, structure, quiz_key, _check_quiz)
    _check_lesson_items(check, manifest, "assignments", lessons, structure, assignment_key, _check_assignment)
    _check_lesson_items(check, manifest, "media", lessons, structure, media_key, _check_media)
    _check_lesson_items(check, manifest, "attachments", lessons, structure, attachment_key, _check_attachment)
    for index, image in enumerate(check.list(manifest.get("images", []), "images")):
        path = f"images[{index}]"
        image = check.object(image, path)
        if image is None:
            continue
        if image.get("lesson") not in lessons:
            check.add(f"{path}.lesson", _("names no lesson of the manifest."))
            continue
        if not isinstance(image.get("name"), str) or not SLUG.fullmatch(image["name"]):
            check.add(f"{path}.name", _("must be a code of at most 40 letters, digits, hyphens or underscores."))
            continue
        key = image_key(image["lesson"], image["name"])
        check.key(image.get("key"), f"{path}.key", key)
        if key in structure.keys:
            check.add(f"{path}.name", _("two images of the lesson have this name."))
        structure.keys.add(key)
        if check.file(image.get("file"), f"{path}.file"):
            structure.files[image["file"]] = "image"
    return structure


def _check_lesson_items(
    check: Checker,
    manifest: dict[str, Any],
    name: str,
    lessons: set[str],
    structure: Structure,
    make_key: Any,
    check_item: Any,
) -> None:
    """Items attached to lessons (quizzes, media …), keyed by their order within their lesson."""
    counts: dict[str, int] = {}
    for index, item in enumerate(check.list(manifest.get(name, []), name)):
        path = f"{name}[{index}]"
        item = check.object(item, path)
        if item is None:
            continue
        lesson = item.get("lesson")
        if lesson not in lessons:
            check.add(f"{path}.lesson", _("names no lesson of the manifest."))
            continue
        counts[lesson] = counts.get(lesson, 0) + 1
        key = make_key(lesson, counts[lesson])
        check.key(item.get("key"), f"{path}.key", key)
        structure.keys.add(key)
        check_item(check, item, path, key, structure)


def _check_quiz(check: Checker, quiz: dict[str, Any], path: str, key: str, structure: Structure) -> None:
    check.integer(quiz.get("pass_mark"), f"{path}.pass_mark", high=100)
    check.integer(quiz.get("attempt_limit"), f"{path}.attempt_limit")
    check.integer(quiz.get("time_limit_minutes"), f"{path}.time_limit_minutes", low=1, null=True)
    check.choice(quiz.get("feedback"), f"{path}.feedback", Quiz.Feedback.values)
    check.integer(quiz.get("draw_count"), f"{path}.draw_count")
    questions = check.list(quiz.get("questions"), f"{path}.questions")
    _positions(check, questions, f"{path}.questions")
    for i, question in enumerate(questions):
        q_path = f"{path}.questions[{i}]"
        question = check.object(question, q_path)
        if question is None or not check.integer(question.get("position"), f"{q_path}.position", low=1):
            continue
        q_key = question_key(key, question["position"])
        check.key(question.get("key"), f"{q_path}.key", q_key)
        structure.keys.add(q_key)
        check.choice(question.get("kind"), f"{q_path}.kind", Question.Kind.values)
        check.boolean(question.get("true_false_answer"), f"{q_path}.true_false_answer", null=True)
        check.decimal(question.get("numeric_answer"), f"{q_path}.numeric_answer", null=True)
        check.decimal(question.get("numeric_tolerance", "0"), f"{q_path}.numeric_tolerance")
        choices = check.list(question.get("choices", []), f"{q_path}.choices")
        _positions(check, choices, f"{q_path}.choices")
        for c, choice in enumerate(choices):
            c_path = f"{q_path}.choices[{c}]"
            choice = check.object(choice, c_path)
            if choice is None or not check.integer(choice.get("position"), f"{c_path}.position", low=1):
                continue
            c_key = choice_key(q_key, choice["position"])
            check.key(choice.get("key"), f"{c_path}.key", c_key)
            check.boolean(choice.get("is_correct"), f"{c_path}.is_correct")
            structure.keys.add(c_key)


def _check_assignment(check: Checker, task: dict[str, Any], path: str, key: str, structure: Structure) -> None:
    check.boolean(task.get("required"), f"{path}.required")
    check.integer(task.get("max_files"), f"{path}.max_files", high=20)
    check.integer(task.get("max_file_bytes"), f"{path}.max_file_bytes", low=1024, high=100 * MEGABYTE)
    check.integer(task.get("max_total_bytes"), f"{path}.max_total_bytes", low=1024, high=200 * MEGABYTE)
    kinds = check.list(task.get("allowed_kinds"), f"{path}.allowed_kinds")
    if not kinds:
        check.add(f"{path}.allowed_kinds", _("must name at least one kind of file."))
    for index, kind in enumerate(kinds):
        check.choice(kind, f"{path}.allowed_kinds[{index}]", list(FILE_KINDS))
    criteria = check.list(task.get("criteria", []), f"{path}.criteria")
    _positions(check, criteria, f"{path}.criteria")
    for c, criterion in enumerate(criteria):
        c_path = f"{path}.criteria[{c}]"
        criterion = check.object(criterion, c_path)
        if criterion is None or not check.integer(criterion.get("position"), f"{c_path}.position", low=1):
            continue
        c_key = criterion_key(key, criterion["position"])
        check.key(criterion.get("key"), f"{c_path}.key", c_key)
        check.integer(criterion.get("weight"), f"{c_path}.weight", low=1)
        structure.keys.add(c_key)
        levels = check.list(criterion.get("levels", []), f"{c_path}.levels")
        _positions(check, levels, f"{c_path}.levels")
        for n, level in enumerate(levels):
            l_path = f"{c_path}.levels[{n}]"
            level = check.object(level, l_path)
            if level is None or not check.integer(level.get("position"), f"{l_path}.position", low=1):
                continue
            l_key = level_key(c_key, level["position"])
            check.key(level.get("key"), f"{l_path}.key", l_key)
            check.integer(level.get("points"), f"{l_path}.points")
            structure.keys.add(l_key)


def _check_media(check: Checker, media: dict[str, Any], path: str, key: str, structure: Structure) -> None:
    check.integer(media.get("position"), f"{path}.position", low=1)
    if not check.choice(media.get("kind"), f"{path}.kind", LessonMedia.Kind.values):
        return
    file, url = media.get("file"), media.get("external_url") or ""
    if bool(file) == bool(url):
        check.add(path, _("must have either a “file” or an “external_url”, not both."))
    elif url:
        try:
            external_url_check(str(url))
        except ValidationError as error:
            check.add(f"{path}.external_url", " ".join(error.messages))
    elif check.file(file, f"{path}.file"):
        structure.files[str(file)] = media["kind"]
    low = media.get("low_bandwidth_file")
    if check.file(low, f"{path}.low_bandwidth_file", null=True) and low:
        structure.files[low] = "low_bandwidth"


def _check_attachment(check: Checker, item: dict[str, Any], path: str, key: str, structure: Structure) -> None:
    check.integer(item.get("position"), f"{path}.position", low=1)
    if check.file(item.get("file"), f"{path}.file"):
        structure.files[item["file"]] = "attachment"


def text_problems(kind: str, name: str, value: str) -> list[str]:
    """What is wrong with one translated text, shared by packages and translation files."""
    problems = []
    limit = TEXT_LIMITS.get((kind, name))
    if limit is not None and len(value) > limit:
        problems.append(_("is longer than %(limit)s characters.") % {"limit": limit})
    if name == "accepted_pattern" and value:
        try:
            pattern_validate(value)
        except ValidationError as error:
            problems.append(" ".join(error.messages))
    if "\x00" in value:
        problems.append(_("contains a NUL character."))
    return problems


def check_content(content: dict[str, dict[str, Any]], keys: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for language, units in content.items():
        check = Checker(f"content/{language}/units.json")
        for key, entry in units.items():
            kind_name = unit_kind_of(key)
            if key not in keys or kind_name is None:
                check.add(key, _("is not a unit of the manifest."))
                continue
            entry = check.object(entry, key)
            if entry is None:
                continue
            kind = KINDS[kind_name]
            check.choice(entry.get("status"), f"{key}.status", STATUSES)
            for name, value in entry.items():
                if name == "status":
                    continue
                if name not in kind.fields:
                    check.add(f"{key}.{name}", _("is not a text of this unit."))
                elif not isinstance(value, str):
                    check.add(f"{key}.{name}", _("must be text."))
                else:
                    for message in text_problems(kind.name, name, value):
                        check.add(f"{key}.{name}", message)
        problems += check.problems
    return problems
