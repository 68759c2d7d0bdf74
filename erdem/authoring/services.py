"""Writes of the authoring pages: a course's settings, its structure, and its text per language.

Every write locks the course's row first, so two co-authors changing the same course's structure
(or the same unit's text) take turns instead of interleaving. Text is saved with optimistic
concurrency: the form carries the version of each language it was loaded from (a fingerprint of
the stored text and status), and a save whose version is stale never overwrites what a co-author
saved in between; it raises `EditConflict` with the stored text so the page can show both.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from erdem.assessments.grading import pattern_validate
from erdem.assessments.models import (
    Attempt,
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
    QuizTranslation,
)
from erdem.assignments.models import Submission
from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonTranslation,
    Module,
    ModuleTranslation,
    Translation,
    TranslationStatus,
)
from erdem.catalog.unit_status import translation_validate
from erdem.core.i18n import LANGUAGE_CODES, language_name
from erdem.frameworks.models import Competency
from erdem.learning.models import LessonProgress
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme

Unit = Course | Module | Lesson | Quiz | Question | Choice


@dataclass(frozen=True)
class UnitKind:
    """Where the text of one kind of unit lives and which fields it has."""

    name: str
    model: Any  # a concrete subclass of catalog's Translation
    parent_field: str
    fields: tuple[str, ...]


UNIT_KINDS: dict[type[Any], UnitKind] = {
    Course: UnitKind("course", CourseTranslation, "course", ("title", "summary")),
    Module: UnitKind("module", ModuleTranslation, "module", ("title",)),
    Lesson: UnitKind("lesson", LessonTranslation, "lesson", ("title", "body")),
    Quiz: UnitKind("quiz", QuizTranslation, "quiz", ("title", "instructions")),
    Question: UnitKind("question", QuestionTranslation, "question", ("text", "accepted_answer", "accepted_pattern")),
    Choice: UnitKind("choice", ChoiceTranslation, "choice", ("text",)),
}


def unit_kind(unit: Unit) -> UnitKind:
    return UNIT_KINDS[type(unit)]


def unit_fields(unit: Unit) -> tuple[str, ...]:
    """The fields an author edits: a short-text question also has its accepted answer and pattern."""
    fields = unit_kind(unit).fields
    if isinstance(unit, Question) and unit.kind != Question.Kind.SHORT_TEXT:
        return ("text",)
    return fields


def unit_course_id(unit: Unit) -> int:
    if isinstance(unit, Course):
        return unit.pk
    if isinstance(unit, Module):
        return unit.course_id
    if isinstance(unit, Lesson):
        return unit.module.course_id
    if isinstance(unit, Quiz):
        return unit.lesson.module.course_id
    if isinstance(unit, Question):
        return unit.quiz.lesson.module.course_id
    return unit.question.quiz.lesson.module.course_id


def text_version(status: str, values: Mapping[str, str], fields: Sequence[str]) -> str:
    """A fingerprint of one language's text and status; an absent row reads as empty and missing."""
    payload = json.dumps([status, *(values.get(name, "") for name in fields)], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def translation_values(translation: Translation | None, fields: Sequence[str]) -> dict[str, str]:
    return {name: (getattr(translation, name) if translation else "") for name in fields}


def translation_version(translation: Translation | None, fields: Sequence[str]) -> str:
    status = translation.status if translation else TranslationStatus.MISSING
    return text_version(status, translation_values(translation, fields), fields)


@dataclass(frozen=True)
class TextEdit:
    """What the author submitted for one language, and the version the form was loaded from."""

    language_code: str
    status: str
    values: Mapping[str, str]
    loaded_version: str


@dataclass(frozen=True)
class TextConflict:
    """A language a co-author changed since the form was loaded, and what they saved."""

    language_code: str
    status: str
    values: dict[str, str]
    version: str
    updated_at: Any
    unit: Any = None

    @property
    def status_label(self) -> str:
        return str(TranslationStatus(self.status).label)


class EditConflict(Exception):
    def __init__(self, conflicts: list[TextConflict]) -> None:
        super().__init__("edit conflict")
        self.conflicts = conflicts


def _lock_course(course_id: int) -> Course:
    return Course.objects.select_for_update().get(pk=course_id)


def unit_texts_save(*, unit: Unit, edits: Iterable[TextEdit]) -> list[str]:
    """Save the submitted text of `unit` per language; returns the languages written.

    A language whose stored version is still the one the form was loaded from is written. When
    a co-author saved that language in between, it is left alone if this author did not change
    it (or made the same change); otherwise nothing at all is written and `EditConflict` lists
    every such language with the stored text."""
    return units_texts_save(course_id=unit_course_id(unit), changes=[(unit, list(edits))])[0]


def units_texts_save(*, course_id: int, changes: Sequence[tuple[Unit, Sequence[TextEdit]]]) -> list[list[str]]:
    """`unit_texts_save` for several units of one course at once (a quiz with its questions and
    choices): all of them are written, or none when any language of any unit conflicts."""
    names = dict(settings.LANGUAGES)
    for unit, edits in changes:
        for edit in edits:
            if edit.language_code not in names:
                raise ValidationError(_("Unknown language."), code="language")
            translation_validate(kind=unit_kind(unit).name, status=edit.status, texts=edit.values)
    with transaction.atomic():
        _lock_course(course_id)
        planned = []
        conflicts: list[TextConflict] = []
        for unit, edits in changes:
            writes, unit_conflicts, stored = _texts_compare(unit, edits)
            planned.append((unit, writes, stored))
            conflicts.extend(unit_conflicts)
        if conflicts:
            raise EditConflict(conflicts)
        for unit, writes, stored in planned:
            _texts_write(unit, writes, stored)
    return [[edit.language_code for edit in writes] for _unit, writes, _stored in planned]


def _texts_compare(
    unit: Unit, edits: Sequence[TextEdit]
) -> tuple[list[TextEdit], list[TextConflict], dict[str, Translation]]:
    kind, fields = unit_kind(unit), unit_fields(unit)
    stored = {row.language_code: row for row in kind.model.objects.filter(**{kind.parent_field: unit})}
    writes: list[TextEdit] = []
    conflicts: list[TextConflict] = []
    for edit in edits:
        row = stored.get(edit.language_code)
        stored_version = translation_version(row, fields)
        submitted_version = text_version(edit.status, edit.values, fields)
        if submitted_version == stored_version:
            continue
        if stored_version == edit.loaded_version:
            writes.append(edit)
        elif submitted_version != edit.loaded_version:
            conflicts.append(
                TextConflict(
                    language_code=edit.language_code,
                    status=row.status if row else TranslationStatus.MISSING,
                    values=translation_values(row, fields),
                    version=stored_version,
                    updated_at=row.updated_at if row else None,
                    unit=unit,
                )
            )
    return writes, conflicts, stored


def _texts_write(unit: Unit, writes: Sequence[TextEdit], stored: Mapping[str, Translation]) -> None:
    kind, fields = unit_kind(unit), unit_fields(unit)
    for edit in writes:
        values = {name: edit.values.get(name, "") for name in fields}
        row = stored.get(edit.language_code)
        if row is None:
            kind.model.objects.create(
                **{kind.parent_field: unit}, language_code=edit.language_code, status=edit.status, **values
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.status = edit.status
            row.save(update_fields=[*fields, "status", "updated_at"])


def _titles_create(unit: Unit, titles: Mapping[str, str]) -> None:
    """The first draft of a new unit's title in each language given."""
    kind = unit_kind(unit)
    kind.model.objects.bulk_create(
        kind.model(**{kind.parent_field: unit}, language_code=code, title=title.strip(), status=TranslationStatus.DRAFT)
        for code, title in titles.items()
        if title.strip()
    )


# --- the course ------------------------------------------------------------------------------------------------


def course_create(
    *,
    programme: Programme,
    code: str,
    level: str,
    workload_hours: int,
    languages: Sequence[str],
    titles: Mapping[str, str],
    created_by: Person,
) -> Course:
    """A new draft course, its title drafted in each language given; its author joins its team."""
    if Course.objects.filter(code=code).exists():
        raise ValidationError(_("A course with this code already exists."), code="code_taken")
    with transaction.atomic():
        course = Course.objects.create(
            programme=programme,
            code=code,
            level=level,
            workload_hours=workload_hours,
            languages=list(languages),
            status=Course.Status.DRAFT,
        )
        _titles_create(course, titles)
        course.team.add(created_by)
    return course


def course_publish_problems(*, course: Course, languages: Sequence[str]) -> list[str]:
    """Why `course` may not be published yet: in every language it offers, its title and at
    least one lesson must be published, so a reader of either language finds something to read."""
    title_published = set(
        CourseTranslation.objects.filter(course=course, status=TranslationStatus.PUBLISHED).values_list(
            "language_code", flat=True
        )
    )
    lessons_published = set(
        LessonTranslation.objects.filter(lesson__module__course=course, status=TranslationStatus.PUBLISHED).values_list(
            "language_code", flat=True
        )
    )
    problems = []
    for code in languages:
        language = language_name(code)
        if code not in title_published:
            problems.append(_("The course's title is not published in %(language)s.") % {"language": language})
        if code not in lessons_published:
            problems.append(_("No lesson is published in %(language)s.") % {"language": language})
    return problems


def team_members_resolve(*, programme: Programme, emails: Iterable[str]) -> list[Person]:
    """The people with these e-mail addresses (any case), who must hold a current role in `programme`."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return []
    matches = Q()
    for email in wanted:
        matches |= Q(email__iexact=email)
    people = {
        person.email.lower(): person
        for person in Person.objects.filter(matches)
        .filter(role_assignments__programme=programme, role_assignments__ended_at__isnull=True)
        .distinct()
    }
    unknown = sorted(wanted - set(people))
    if unknown:
        raise ValidationError(
            _("These addresses are not of people in the course's programme: %(emails)s")
            % {"emails": ", ".join(unknown)},
            code="unknown_people",
        )
    return [people[email] for email in sorted(wanted)]


def course_settings_update(
    *,
    course: Course,
    code: str,
    level: str,
    workload_hours: int,
    languages: Sequence[str],
    status: str,
    competencies: Iterable[Competency],
    institutions: Iterable[Institution],
    team: Iterable[Person],
) -> Course:
    """Change a course's settings. Publishing is refused while `course_publish_problems` finds any."""
    if Course.objects.filter(code=code).exclude(pk=course.pk).exists():
        raise ValidationError(_("A course with this code already exists."), code="code_taken")
    with transaction.atomic():
        locked = _lock_course(course.pk)
        if status == Course.Status.PUBLISHED and locked.status != Course.Status.PUBLISHED:
            problems = course_publish_problems(course=locked, languages=languages)
            if problems:
                raise ValidationError(problems, code="not_publishable")
        locked.code = code
        locked.level = level
        locked.workload_hours = workload_hours
        locked.languages = list(languages)
        locked.status = status
        locked.save(update_fields=["code", "level", "workload_hours", "languages", "status"])
        locked.competencies.set(list(competencies))
        locked.authoring_institutions.set(list(institutions))
        locked.team.set(list(team))
    return locked


# --- the structure ---------------------------------------------------------------------------------------------


def module_add(*, course: Course, titles: Mapping[str, str]) -> Module:
    """A new module at the end of the course."""
    with transaction.atomic():
        _lock_course(course.pk)
        last = Module.objects.filter(course=course).aggregate(last=Max("position"))["last"] or 0
        module = Module.objects.create(course=course, position=last + 1)
        _titles_create(module, titles)
    return module


def lesson_add(*, module: Module, titles: Mapping[str, str], estimated_minutes: int) -> Lesson:
    """A new lesson at the end of the module."""
    with transaction.atomic():
        _lock_course(module.course_id)
        last = Lesson.objects.filter(module=module).aggregate(last=Max("position"))["last"] or 0
        lesson = Lesson.objects.create(module=module, position=last + 1, estimated_minutes=estimated_minutes)
        _titles_create(lesson, titles)
    return lesson


def lesson_minutes_set(*, lesson: Lesson, estimated_minutes: int) -> None:
    Lesson.objects.filter(pk=lesson.pk).update(estimated_minutes=estimated_minutes)
    lesson.estimated_minutes = estimated_minutes


def _swap(siblings: QuerySet[Any], item: Module | Lesson, offset: int) -> bool:
    """Swap `item` with its neighbour before (offset -1) or after (+1); False at either end."""
    if offset < 0:
        neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
    if neighbour is None:
        return False
    mine, theirs = item.position, neighbour.position
    # Positions are unique per parent: park the item past the end while the neighbour moves.
    parking = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
    siblings.filter(pk=item.pk).update(position=parking)
    siblings.filter(pk=neighbour.pk).update(position=mine)
    siblings.filter(pk=item.pk).update(position=theirs)
    item.position = theirs
    return True


def module_move(*, module: Module, offset: int) -> bool:
    """Move a module one place up (offset -1) or down (+1); False when it is already at that end."""
    with transaction.atomic():
        _lock_course(module.course_id)
        fresh = Module.objects.get(pk=module.pk)
        moved = _swap(Module.objects.filter(course_id=module.course_id), fresh, offset)
    module.position = fresh.position
    return moved


def lesson_move(*, lesson: Lesson, offset: int) -> bool:
    """Move a lesson one place up (offset -1) or down (+1) within its module."""
    with transaction.atomic():
        _lock_course(lesson.module.course_id)
        fresh = Lesson.objects.get(pk=lesson.pk)
        moved = _swap(Lesson.objects.filter(module_id=lesson.module_id), fresh, offset)
    lesson.position = fresh.position
    return moved


@dataclass(frozen=True)
class LearnerActivity:
    """What learners have done in some lessons: lessons marked done, quiz attempts, practical
    assignments submitted."""

    lessons_done: int
    attempts: int
    submissions: int

    @property
    def any(self) -> bool:
        return bool(self.lessons_done or self.attempts or self.submissions)


def learner_activity(*, lessons: QuerySet[Lesson]) -> LearnerActivity:
    return LearnerActivity(
        lessons_done=LessonProgress.objects.filter(lesson__in=lessons).count(),
        attempts=Attempt.objects.filter(quiz__lesson__in=lessons).count(),
        submissions=Submission.objects.filter(assignment__lesson__in=lessons).count(),
    )


def _renumber(siblings: QuerySet[Any], after: int) -> None:
    """Close the gap a deletion left; ascending, so no two rows ever share a position."""
    for pk, position in siblings.filter(position__gt=after).order_by("position").values_list("pk", "position"):
        siblings.filter(pk=pk).update(position=position - 1)


def _refuse_when_learners_started(lessons: QuerySet[Lesson]) -> None:
    if learner_activity(lessons=lessons).any:
        raise ValidationError(
            _(
                "Learners have already marked lessons here as done, taken their quizzes or submitted their "
                "assignments, so it cannot be deleted: their work would be lost. Change the text instead, or "
                "archive the course."
            ),
            code="learners_started",
        )


def lesson_delete(*, lesson: Lesson) -> None:
    """Delete a lesson (with its texts and quizzes) unless learners have progress in it."""
    with transaction.atomic():
        _lock_course(lesson.module.course_id)
        _refuse_when_learners_started(Lesson.objects.filter(pk=lesson.pk))
        position = lesson.position
        Lesson.objects.filter(pk=lesson.pk).delete()
        _renumber(Lesson.objects.filter(module_id=lesson.module_id), position)


def module_delete(*, module: Module) -> None:
    """Delete a module with its lessons unless learners have progress in any of them."""
    with transaction.atomic():
        _lock_course(module.course_id)
        _refuse_when_learners_started(Lesson.objects.filter(module=module))
        position = module.position
        Module.objects.filter(pk=module.pk).delete()
        _renumber(Module.objects.filter(course_id=module.course_id), position)


# --- quizzes -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: int
    attempt_limit: int
    time_limit_minutes: int | None
    feedback: str
    draw_count: int


def quiz_save(
    *, quiz: Quiz, quiz_settings: QuizSettings, changes: Sequence[tuple[Unit, Sequence[TextEdit]]]
) -> list[list[str]]:
    """Save a quiz's settings and the text of the quiz, its questions and their choices in one go:
    everything, or nothing when any text conflicts with a co-author's (`EditConflict`). Each unit
    in `changes` must belong to `quiz`."""
    questions = Question.objects.filter(quiz=quiz)
    if quiz_settings.draw_count > questions.count():
        raise ValidationError(_("The quiz has fewer questions than it should draw per attempt."), code="draw_count")
    choice_ids = set(Choice.objects.filter(question__quiz=quiz).values_list("pk", flat=True))
    for unit, _edits in changes:
        belongs = (
            (isinstance(unit, Quiz) and unit.pk == quiz.pk)
            or (isinstance(unit, Question) and unit.quiz_id == quiz.pk)
            or (isinstance(unit, Choice) and unit.pk in choice_ids)
        )
        if not belongs:
            raise ValidationError(_("This text is not part of the quiz."), code="foreign_unit")
    course_id = Lesson.objects.filter(pk=quiz.lesson_id).values_list("module__course_id", flat=True).get()
    with transaction.atomic():
        saved = units_texts_save(course_id=course_id, changes=changes)
        Quiz.objects.filter(pk=quiz.pk).update(
            pass_mark=quiz_settings.pass_mark,
            attempt_limit=quiz_settings.attempt_limit,
            time_limit_minutes=quiz_settings.time_limit_minutes,
            feedback=quiz_settings.feedback,
            draw_count=quiz_settings.draw_count,
        )
    return saved


def quiz_has_submissions(quiz: Quiz) -> bool:
    """Whether anyone has submitted an attempt: from then on the answers that count are fixed."""
    return Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).exists()


def _refuse_when_graded(quiz: Quiz) -> None:
    if quiz_has_submissions(quiz):
        raise ValidationError(
            _(
                "Learners have already submitted attempts at this quiz, so which answers are correct can no "
                "longer change and no question or choice can be removed: their grades would change. You can "
                "still add questions and edit the texts."
            ),
            code="quiz_graded",
        )


def quiz_create(*, lesson: Lesson, titles: Mapping[str, str], quiz_settings: QuizSettings) -> Quiz:
    """A new quiz on the lesson, with its titles as drafts; its questions are added next."""
    if quiz_settings.draw_count:
        raise ValidationError(_("A new quiz has no questions yet, so it cannot draw any."), code="draw_count")
    with transaction.atomic():
        _lock_course(lesson.module.course_id)
        quiz = Quiz.objects.create(
            lesson=lesson,
            pass_mark=quiz_settings.pass_mark,
            attempt_limit=quiz_settings.attempt_limit,
            time_limit_minutes=quiz_settings.time_limit_minutes,
            feedback=quiz_settings.feedback,
            draw_count=0,
        )
        _titles_create(quiz, titles)
    return quiz


@dataclass(frozen=True)
class ChoiceDraft:
    texts: Mapping[str, str]
    is_correct: bool


@dataclass(frozen=True)
class QuestionDraft:
    """A question as the author writes it: the text per language and what answers it correctly
    (the choices, true or false, a number with a tolerance, or accepted texts / patterns per language)."""

    kind: str
    texts: Mapping[str, str]
    choices: Sequence[ChoiceDraft] = ()
    true_false_answer: bool | None = None
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    accepted_answers: Mapping[str, str] = field(default_factory=dict)
    accepted_patterns: Mapping[str, str] = field(default_factory=dict)


def _question_draft_check(draft: QuestionDraft) -> list[ChoiceDraft]:
    kinds = Question.Kind
    if draft.kind not in kinds.values:
        raise ValidationError(_("Choose the kind of question."), code="kind")
    if not any(text.strip() for text in draft.texts.values()):
        raise ValidationError(_("Write the question in at least one language."), code="text")
    choices = [choice for choice in draft.choices if any(text.strip() for text in choice.texts.values())]
    if draft.kind in (kinds.SINGLE, kinds.MULTIPLE):
        correct = sum(choice.is_correct for choice in choices)
        if len(choices) < 2:
            raise ValidationError(_("A choice question needs at least two choices."), code="choices")
        if draft.kind == kinds.SINGLE and correct != 1:
            raise ValidationError(_("Mark exactly one choice as correct."), code="correct")
        if draft.kind == kinds.MULTIPLE and correct < 1:
            raise ValidationError(_("Mark at least one choice as correct."), code="correct")
    elif draft.kind == kinds.TRUE_FALSE and draft.true_false_answer is None:
        raise ValidationError(_("Say whether the statement is true or false."), code="true_false")
    elif draft.kind == kinds.NUMERIC:
        if draft.numeric_answer is None:
            raise ValidationError(_("Give the number that answers the question."), code="numeric")
        if draft.numeric_tolerance < 0:
            raise ValidationError(_("The tolerance cannot be negative."), code="tolerance")
    elif draft.kind == kinds.SHORT_TEXT:
        for pattern in draft.accepted_patterns.values():
            if pattern.strip():
                pattern_validate(pattern.strip())
        given = [*draft.accepted_answers.values(), *draft.accepted_patterns.values()]
        if not any(value.strip() for value in given):
            raise ValidationError(_("Give an accepted answer or pattern in at least one language."), code="accepted")
    return choices


def _accepts(draft: QuestionDraft, code: str) -> bool:
    return bool(draft.accepted_answers.get(code, "").strip() or draft.accepted_patterns.get(code, "").strip())


def question_create(*, quiz: Quiz, draft: QuestionDraft) -> Question:
    """Add a question at the end of the quiz's bank. Allowed even after attempts were graded: past
    attempts keep the questions they drew."""
    choices = _question_draft_check(draft)
    kinds = Question.Kind
    with transaction.atomic():
        _lock_course(Lesson.objects.filter(pk=quiz.lesson_id).values_list("module__course_id", flat=True).get())
        last = Question.objects.filter(quiz=quiz).aggregate(last=Max("position"))["last"] or 0
        question = Question.objects.create(
            quiz=quiz,
            position=last + 1,
            kind=draft.kind,
            true_false_answer=draft.true_false_answer if draft.kind == kinds.TRUE_FALSE else None,
            numeric_answer=draft.numeric_answer if draft.kind == kinds.NUMERIC else None,
            numeric_tolerance=draft.numeric_tolerance if draft.kind == kinds.NUMERIC else Decimal(0),
        )
        short = draft.kind == kinds.SHORT_TEXT
        QuestionTranslation.objects.bulk_create(
            QuestionTranslation(
                question=question,
                language_code=code,
                status=TranslationStatus.DRAFT,
                text=draft.texts.get(code, "").strip(),
                accepted_answer=draft.accepted_answers.get(code, "").strip() if short else "",
                accepted_pattern=draft.accepted_patterns.get(code, "").strip() if short else "",
            )
            for code in LANGUAGE_CODES
            if draft.texts.get(code, "").strip() or (short and _accepts(draft, code))
        )
        if draft.kind in (kinds.SINGLE, kinds.MULTIPLE):
            for position, choice_draft in enumerate(choices, start=1):
                choice = Choice.objects.create(question=question, position=position, is_correct=choice_draft.is_correct)
                ChoiceTranslation.objects.bulk_create(
                    ChoiceTranslation(
                        choice=choice, language_code=code, status=TranslationStatus.DRAFT, text=text.strip()
                    )
                    for code, text in choice_draft.texts.items()
                    if text.strip()
                )
    return question


def question_delete(*, question: Question) -> None:
    """Remove a question (with its choices) unless the quiz has graded attempts or would then have
    fewer questions than it draws per attempt."""
    quiz = question.quiz
    with transaction.atomic():
        _lock_course(Lesson.objects.filter(pk=quiz.lesson_id).values_list("module__course_id", flat=True).get())
        _refuse_when_graded(quiz)
        siblings = Question.objects.filter(quiz_id=quiz.pk)
        if Quiz.objects.get(pk=quiz.pk).draw_count > siblings.count() - 1:
            raise ValidationError(
                _("The quiz would have fewer questions than it draws per attempt: lower that number first."),
                code="draw_count",
            )
        position = question.position
        Question.objects.filter(pk=question.pk).delete()
        _renumber(siblings, position)


def choice_delete(*, choice: Choice) -> None:
    """Remove a choice unless the quiz has graded attempts, or the question would be left with fewer
    than two choices or without a correct one."""
    question = choice.question
    with transaction.atomic():
        _lock_course(
            Lesson.objects.filter(pk=question.quiz.lesson_id).values_list("module__course_id", flat=True).get()
        )
        _refuse_when_graded(question.quiz)
        rest = Choice.objects.filter(question_id=question.pk).exclude(pk=choice.pk)
        if rest.count() < 2:
            raise ValidationError(_("A choice question needs at least two choices."), code="choices")
        if not rest.filter(is_correct=True).exists():
            raise ValidationError(
                _("This is the only correct choice: mark another one as correct first."), code="correct"
            )
        position = choice.position
        Choice.objects.filter(pk=choice.pk).delete()
        _renumber(Choice.objects.filter(question_id=question.pk), position)


def choices_correct_set(*, question: Question, correct_ids: Iterable[int]) -> None:
    """Mark exactly these choices of a choice question as correct (idempotent); refused once the quiz
    has graded attempts."""
    correct = set(correct_ids)
    choice_ids = set(Choice.objects.filter(question_id=question.pk).values_list("pk", flat=True))
    if question.kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) or not correct <= choice_ids:
        raise ValidationError(_("These choices are not part of the question."), code="foreign_choice")
    if question.kind == Question.Kind.SINGLE and len(correct) != 1:
        raise ValidationError(_("Mark exactly one choice as correct."), code="correct")
    if not correct:
        raise ValidationError(_("Mark at least one choice as correct."), code="correct")
    with transaction.atomic():
        _lock_course(
            Lesson.objects.filter(pk=question.quiz.lesson_id).values_list("module__course_id", flat=True).get()
        )
        _refuse_when_graded(question.quiz)
        Choice.objects.filter(question_id=question.pk, pk__in=correct).update(is_correct=True)
        Choice.objects.filter(question_id=question.pk).exclude(pk__in=correct).update(is_correct=False)
