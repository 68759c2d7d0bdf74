"""Writes: handing in a submission (text and files) and reviewing it with the rubric.

Both lock a row first so that a double click or two reviewers at once cannot write twice: a
submission locks the learner's enrolment, a review locks the submission. The database's
constraints (one submission waiting, one approved, one review per submission) back the locks.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erdem.assignments.models import (
    Assignment,
    AssignmentTranslation,
    Criterion,
    CriterionScore,
    CriterionTranslation,
    Level,
    LevelTranslation,
    Review,
    Submission,
    SubmissionFile,
)
from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.catalog.translations import translation_pick
from erdem.catalog.unit_status import translation_validate
from erdem.core.mail import email_render, emails_send
from erdem.core.uploads import FileKind, upload_check
from erdem.learning.models import Enrolment
from erdem.learning.services import enrolment_completion_update
from erdem.people.models import Person

logger = logging.getLogger(__name__)

TEXT_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 5_000


class SubmissionRefused(Exception):
    """The submission may not be handed in; the messages are for the learner."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


class ReviewRefused(Exception):
    """The review was not saved; the message is for the reviewer."""


class ReviewConflict(ReviewRefused):
    """Someone else reviewed the submission first."""


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the same form sent twice: the first one counts, nothing new is written


@dataclass(frozen=True)
class SubmitOutcome:
    submission: Submission
    outcome: Outcome


def submission_files_check(*, assignment: Assignment, files: Sequence[Any]) -> list[FileKind]:
    """The sniffed kind of each uploaded file, or SubmissionRefused listing every problem:
    too many files, one too large, empty, of a kind not accepted or disguised, all too large together."""
    problems: list[str] = []
    if len(files) > assignment.max_files:
        problems.append(
            ngettext(
                "You may attach at most %(count)d file; you chose %(chosen)d.",
                "You may attach at most %(count)d files; you chose %(chosen)d.",
                assignment.max_files,
            )
            % {"count": assignment.max_files, "chosen": len(files)}
            if assignment.max_files
            else _("This task takes text only; remove the files.")
        )
        raise SubmissionRefused(*problems)
    kinds: list[FileKind] = []
    for upload in files:
        try:
            kinds.append(upload_check(upload, kinds=assignment.allowed_kinds, max_bytes=assignment.max_file_bytes))
        except ValidationError as error:
            problems.extend(error.messages)
    total = sum(upload.size for upload in files)
    if total > assignment.max_total_bytes:
        problems.append(
            _("Your files come to %(size)s together; the most a submission may carry is %(limit)s.")
            % {"size": filesizeformat(total), "limit": filesizeformat(assignment.max_total_bytes)}
        )
    if problems:
        raise SubmissionRefused(*problems)
    return kinds


def submission_create(
    *, person: Person, assignment: Assignment, text: str, files: Sequence[Any], number: int
) -> SubmitOutcome:
    """Hand in submission `number` (the one the learner's page offered) of `person` to `assignment`.

    The learner must be enrolled in the course. While a submission waits for review, or after one
    was approved, a new one is refused; after a revision was requested the next number is taken.
    The same form sent twice (a double click) returns the first submission as DUPLICATE. Files are
    checked (upload_check: size, kind sniffed from the content, disguise) before anything is written.
    """
    text = text.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise SubmissionRefused(
            _("Your text is %(length)d characters long; the most allowed is %(limit)d.")
            % {"length": len(text), "limit": TEXT_MAX_LENGTH}
        )
    if not text and not files:
        raise SubmissionRefused(_("Write your answer or attach a file before you submit."))
    kinds = submission_files_check(assignment=assignment, files=files)
    course_id = assignment.lesson.module.course_id
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(person_id=person.pk, course_id=course_id).first()
        if enrolment is None:
            raise SubmissionRefused(_("Enrol in the course to hand in its practical tasks."))
        latest = Submission.objects.filter(assignment=assignment, person=person).order_by("-number").first()
        if latest is not None and number <= latest.number:
            if number == latest.number:
                return SubmitOutcome(latest, Outcome.DUPLICATE)
            raise SubmissionRefused(_("This page was out of date; it now shows your latest submission."))
        if latest is not None and latest.status == Submission.Status.SUBMITTED:
            raise SubmissionRefused(_("Your previous submission is still waiting for review; you cannot send another."))
        if latest is not None and latest.status == Submission.Status.APPROVED:
            raise SubmissionRefused(_("Your submission was approved; this task is done."))
        expected = (latest.number if latest else 0) + 1
        if number != expected:
            raise SubmissionRefused(_("This page was out of date; it now shows your latest submission."))
        submission = Submission.objects.create(
            assignment=assignment, person=person, number=expected, text=text, submitted_at=timezone.now()
        )
        for upload, kind in zip(files, kinds, strict=True):
            upload.seek(0)
            SubmissionFile.objects.create(
                submission=submission,
                file=upload,
                original_name=str(upload.name)[:255],
                kind=kind.key,
                size=upload.size,
            )
    return SubmitOutcome(submission, Outcome.CREATED)


def review_submit(
    *, reviewer: Person, submission_id: int, decision: str, comment: str, levels: Mapping[int, int]
) -> Review:
    """Record `reviewer`'s judgement of a waiting submission: a level for every criterion of the
    rubric (`levels`: criterion id -> level id), a comment (needed to ask for a revision) and the
    decision. The rubric informs the decision; it does not make it, so there is no minimum score.

    The caller has checked that `reviewer` may review it (Action.SUBMISSION_REVIEW). Raises
    ReviewConflict when it was reviewed meanwhile (the first review wins) and ReviewRefused for an
    incomplete rubric or one's own submission. An approval re-checks the course's completion, and
    the learner gets an e-mail in their language once the review is saved."""
    if decision not in Review.Decision.values:
        raise ReviewRefused(_("Choose to approve the submission or to ask for a revision."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ReviewRefused(
            _("Your comment is %(length)d characters long; the most allowed is %(limit)d.")
            % {"length": len(comment), "limit": COMMENT_MAX_LENGTH}
        )
    if decision == Review.Decision.REVISE and not comment:
        raise ReviewRefused(_("Say in the comment what to change: the learner needs it to revise."))
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("assignment__lesson__module")
            .get(pk=submission_id)
        )
        if submission.person_id == reviewer.pk:
            raise ReviewRefused(_("You cannot review your own submission."))
        if submission.status != Submission.Status.SUBMITTED:
            raise ReviewConflict(_("Someone else reviewed this submission a moment ago; their review is shown below."))
        criteria = list(Criterion.objects.filter(assignment_id=submission.assignment_id).order_by("position"))
        valid = set(
            Level.objects.filter(criterion__assignment_id=submission.assignment_id).values_list("pk", "criterion_id")
        )
        chosen = {criterion.pk: levels.get(criterion.pk, 0) for criterion in criteria}
        if any((level_id, criterion_id) not in valid for criterion_id, level_id in chosen.items()):
            raise ReviewRefused(_("Choose a level for every criterion of the rubric."))
        review = Review.objects.create(
            submission=submission, reviewer=reviewer, decision=decision, comment=comment, reviewed_at=timezone.now()
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(review=review, criterion_id=criterion_id, level_id=level_id)
            for criterion_id, level_id in chosen.items()
        )
        approved = decision == Review.Decision.APPROVE
        submission.status = Submission.Status.APPROVED if approved else Submission.Status.REVISION_REQUESTED
        submission.save(update_fields=["status"])
        audit_record(
            action=AuditAction.GRADE_CHANGE,
            actor=reviewer,
            subject=submission.person_id,
            target=review,
            summary=f"Practical task reviewed: {decision}",
            details={
                "assignment": submission.assignment_id,
                "submission": submission.pk,
                "before": Submission.Status.SUBMITTED,
                "after": submission.status,
                "levels": {str(criterion_id): level_id for criterion_id, level_id in chosen.items()},
                # Not the comment itself: it is feedback to the learner, erased with their data, and this
                # log cannot forget.
                "commented": bool(comment.strip()),
            },
        )
        if approved:
            enrolment = Enrolment.objects.filter(
                person_id=submission.person_id, course_id=submission.assignment.lesson.module.course_id
            ).first()
            if enrolment is not None:
                enrolment_completion_update(enrolment=enrolment)
        transaction.on_commit(lambda: review_email_send(review_id=review.pk))
    return review


def review_email_send(*, review_id: int) -> bool:
    """Tell the learner their submission was reviewed, in their own language; a failing mail server
    is logged, not raised, since the review is saved."""
    review = Review.objects.select_related("submission__person", "submission__assignment").get(pk=review_id)
    learner = review.submission.person
    language = learner.preferred_language
    picked = translation_pick(
        AssignmentTranslation.objects.filter(assignment_id=review.submission.assignment_id), language=language
    )
    context = {
        "review": review,
        "approved": review.decision == Review.Decision.APPROVE,
        "title": picked.translation.title if picked else "",
        "link": settings.SITE_URL + reverse("assignments:detail", args=[review.submission.assignment_id]),
    }
    return emails_send([email_render(to=learner, template="assignments/emails/reviewed", context=context)]) > 0


# --- authoring: the assignment, its texts and its rubric (course teams) ------------------------------------------


class AuthoringRefused(Exception):
    """The change would lose learners' work; the message is for the author."""


def _texts_save(model: Any, parent: dict[str, Any], texts: Mapping[str, Mapping[str, str]], kind: str) -> None:
    for code, values in texts.items():
        fields = {name: value for name, value in values.items() if name != "status"}
        translation_validate(kind=kind, status=values["status"], texts=fields)
        model.objects.update_or_create(**parent, language_code=code, defaults={**fields, "status": values["status"]})


@transaction.atomic
def assignment_save(
    *,
    lesson: Any,
    assignment: Assignment | None = None,
    required: bool,
    max_files: int,
    max_file_bytes: int,
    allowed_kinds: Sequence[str],
    texts: Mapping[str, Mapping[str, str]],
) -> Assignment:
    """Create (no `assignment`) or update a lesson's assignment with its texts per language
    ({language: {"status", "title", "instructions"}})."""
    if assignment is None:
        assignment = Assignment(lesson=lesson)
    assignment.required = required
    assignment.max_files = max_files
    assignment.max_file_bytes = max_file_bytes
    assignment.max_total_bytes = max(assignment.max_total_bytes, max_file_bytes)
    assignment.allowed_kinds = list(allowed_kinds)
    assignment.full_clean(exclude=["lesson"])
    assignment.save()
    _texts_save(AssignmentTranslation, {"assignment": assignment}, texts, "assignment")
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if Submission.objects.filter(assignment=locked).exists():
        raise AuthoringRefused(_("Learners have handed in work for this assignment: it cannot be deleted."))
    locked.delete()


@transaction.atomic
def criterion_save(
    *,
    assignment: Assignment,
    criterion: Criterion | None = None,
    weight: int,
    texts: Mapping[str, Mapping[str, str]],
) -> Criterion:
    """Add a criterion at the end of the rubric (no `criterion`) or update one; texts per language
    ({language: {"status", "name", "description"}})."""
    Assignment.objects.select_for_update().get(pk=assignment.pk)
    if criterion is None:
        last = assignment.criteria.order_by("-position").values_list("position", flat=True).first() or 0
        criterion = Criterion(assignment=assignment, position=last + 1)
    criterion.weight = weight
    criterion.full_clean(exclude=["assignment"])
    criterion.save()
    _texts_save(CriterionTranslation, {"criterion": criterion}, texts, "criterion")
    return criterion


def _renumber(rows: Sequence[Any]) -> None:
    """Positions 1..n in the given order; moved aside first so the unique constraint holds throughout."""
    model = type(rows[0]) if rows else None
    if model is None:
        return
    offset = 1000
    for index, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(position=offset + index)
    for index, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(position=index)


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    assignment = Assignment.objects.select_for_update().get(pk=criterion.assignment_id)
    if Review.objects.filter(submission__assignment=assignment).exists():
        raise AuthoringRefused(_("Reviews already use this rubric: its criteria cannot be deleted."))
    Criterion.objects.filter(pk=criterion.pk).delete()
    _renumber(list(assignment.criteria.order_by("position")))


@transaction.atomic
def criterion_move(*, criterion: Criterion, up: bool) -> None:
    assignment = Assignment.objects.select_for_update().get(pk=criterion.assignment_id)
    rows = list(assignment.criteria.order_by("position"))
    index = next(i for i, row in enumerate(rows) if row.pk == criterion.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        _renumber(rows)


@transaction.atomic
def level_save(
    *,
    criterion: Criterion,
    level: Level | None = None,
    points: int,
    texts: Mapping[str, Mapping[str, str]],
) -> Level:
    """Add a level at the end of a criterion's row (no `level`) or update one; texts per language
    ({language: {"status", "name", "descriptor"}})."""
    Assignment.objects.select_for_update().get(pk=criterion.assignment_id)
    if level is None:
        last = criterion.levels.order_by("-position").values_list("position", flat=True).first() or 0
        level = Level(criterion=criterion, position=last + 1)
    level.points = points
    level.full_clean(exclude=["criterion"])
    level.save()
    _texts_save(LevelTranslation, {"level": level}, texts, "level")
    return level


@transaction.atomic
def level_delete(*, level: Level) -> None:
    assignment = Assignment.objects.select_for_update().get(criteria__levels=level)
    if Review.objects.filter(submission__assignment=assignment).exists():
        raise AuthoringRefused(_("Reviews already use this rubric: its levels cannot be deleted."))
    criterion = level.criterion
    Level.objects.filter(pk=level.pk).delete()
    _renumber(list(criterion.levels.order_by("position")))
