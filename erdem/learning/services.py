"""Writes: creating and changing cohorts, enrolling (on one's own or with a cohort), visiting and
finishing lessons, completing a course, and the feedback survey offered at completion."""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.catalog.models import Course, Lesson
from erdem.learning.completion import completion_rules
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme


def enrolment_create(*, person: Person, course: Course) -> Enrolment:
    """Enrol `person` in `course` on their own; an existing enrolment is returned unchanged."""
    enrolment, _created = Enrolment.objects.get_or_create(
        person=person, course=course, defaults={"source": Enrolment.Source.SELF}
    )
    return enrolment


def cohort_create(
    *, programme: Programme, name: str, course: Course, institution: Institution | None, trainers: Iterable[Person]
) -> Cohort:
    """A new cohort of `programme` taking `course`, followed by `trainers`."""
    with transaction.atomic():
        cohort = Cohort.objects.create(programme=programme, name=name.strip(), course=course, institution=institution)
        cohort.trainers.set(list(trainers))
    return cohort


def cohort_update(
    *, cohort: Cohort, name: str, course: Course, institution: Institution | None, trainers: Iterable[Person]
) -> Cohort:
    """Change a cohort. Its course stays once people are enrolled with it (ValidationError, code
    "course_locked"): their enrolments and progress belong to that course."""
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if course.pk != locked.course_id and Enrolment.objects.filter(cohort=locked).exists():
            raise ValidationError(
                _("People are enrolled with this cohort, so its course can no longer change."), code="course_locked"
            )
        locked.name, locked.course, locked.institution = name.strip(), course, institution
        locked.save(update_fields=["name", "course", "institution"])
        locked.trainers.set(list(trainers))
    return locked


def cohort_enrol(*, cohort: Cohort, people: Iterable[Person]) -> int:
    """Enrol the cohort's members in its course, in two statements whatever their number.

    Idempotent: people already enrolled keep their enrolment and progress, and join the cohort
    if they were in none. Returns the number of people who joined the cohort (new enrolments and
    enrolled people who were in no cohort)."""
    person_ids = {person.pk for person in people}
    with transaction.atomic():
        existing = Enrolment.objects.filter(course_id=cohort.course_id, person_id__in=person_ids)
        moved = existing.filter(cohort__isnull=True).update(cohort=cohort)
        already = set(existing.values_list("person_id", flat=True))
        created = Enrolment.objects.bulk_create(
            [
                Enrolment(person_id=pk, course_id=cohort.course_id, cohort=cohort, source=Enrolment.Source.COHORT)
                for pk in sorted(person_ids - already)
            ],
            ignore_conflicts=True,
        )
    return moved + len(created)


def enrolment_visit(*, person: Person, lesson: Lesson, course_id: int) -> bool:
    """Remember `lesson` as where `person` left off in the course: one UPDATE, nothing when not enrolled."""
    updated = Enrolment.objects.filter(person_id=person.pk, course_id=course_id).update(
        last_lesson=lesson, last_visited_at=timezone.now()
    )
    return updated > 0


def lesson_complete(*, enrolment: Enrolment, lesson: Lesson, at: dt.datetime | None = None) -> Enrolment:
    """Mark `lesson` as done in `enrolment` and complete the course when every rule passes.

    Idempotent: marking a lesson twice keeps the first date."""
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        LessonProgress.objects.get_or_create(
            enrolment=locked, lesson=lesson, defaults={"completed_at": at or timezone.now()}
        )
        return _complete_if_due(locked, at)


def enrolment_completion_update(*, enrolment: Enrolment, at: dt.datetime | None = None) -> Enrolment:
    """Set the completion date once every completion rule passes; a completed enrolment stays
    complete. Locks the enrolment, so two requests cannot both complete it."""
    with transaction.atomic():
        return _complete_if_due(Enrolment.objects.select_for_update().get(pk=enrolment.pk), at)


def _complete_if_due(locked: Enrolment, at: dt.datetime | None) -> Enrolment:
    """`locked` is an enrolment row locked by the caller's transaction. Every kind of progress
    passes here, so this is also where the learner's credentials are re-checked (in a job)."""
    from erdem.credentials.services import progress_changed

    if locked.completed_at is None and all(rule(locked).complete for rule in completion_rules()):
        locked.completed_at = at or timezone.now()
        locked.save(update_fields=["completed_at"])
    progress_changed(person_id=locked.person_id)
    return locked


# A learner may change their feedback for this long after first sending it: time to correct a slip,
# short enough that the "rated highly" figure for a past period settles.
FEEDBACK_EDITABLE_FOR = dt.timedelta(days=14)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def feedback_editable(feedback: CourseFeedback, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < feedback.submitted_at + FEEDBACK_EDITABLE_FOR


def feedback_comment_clean(comment: str) -> str:
    """Plain text as written, without control characters, in NFC, trimmed; refused when too long."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", comment.replace("\r\n", "\n"))).strip()
    if len(text) > CourseFeedback.COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("Please keep the comment to %(limit)s characters (it has %(length)s).")
            % {"limit": CourseFeedback.COMMENT_MAX_LENGTH, "length": len(text)},
            code="too_long",
        )
    return text


def feedback_submit(
    *, enrolment: Enrolment, rating: int, usefulness: int, comment: str = "", language_code: str
) -> tuple[CourseFeedback, bool]:
    """Record (or, within FEEDBACK_EDITABLE_FOR of the first answer, change) the learner's feedback on a
    completed course. Returns the feedback and whether it was created. Raises ValidationError: the course
    is not complete (code "not_complete"), the answers can no longer be changed ("closed"), a score is
    outside 1–5 ("invalid"), the comment is too long ("too_long")."""
    low, high = CourseFeedback.SCALE
    for value in (rating, usefulness):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValidationError(_("Give a score from 1 to 5."), code="invalid")
    text = feedback_comment_clean(comment)
    language = language_code if language_code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.completed_at is None:
            raise ValidationError(_("The survey opens once you have completed the course."), code="not_complete")
        feedback = CourseFeedback.objects.filter(enrolment=locked).first()
        now = timezone.now()
        if feedback is None:
            feedback = CourseFeedback.objects.create(
                enrolment=locked, rating=rating, usefulness=usefulness, comment=text, language_code=language,
                submitted_at=now, updated_at=now,
            )  # fmt: skip
            return feedback, True
        if not feedback_editable(feedback, now=now):
            raise ValidationError(
                _("Your feedback on this course was sent more than %(days)s days ago and can no longer be changed.")
                % {"days": FEEDBACK_EDITABLE_FOR.days},
                code="closed",
            )
        feedback.rating, feedback.usefulness, feedback.comment = rating, usefulness, text
        feedback.language_code, feedback.updated_at = language, now
        feedback.save(update_fields=["rating", "usefulness", "comment", "language_code", "updated_at"])
        return feedback, False
