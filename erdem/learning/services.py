"""Writes: enrolling (on one's own or with a cohort), visiting and finishing lessons, completing a course."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from erdem.catalog.models import Course, Lesson
from erdem.learning.completion import completion_rules
from erdem.learning.models import Cohort, Enrolment, LessonProgress
from erdem.people.models import Person


def enrolment_create(*, person: Person, course: Course) -> Enrolment:
    """Enrol `person` in `course` on their own; an existing enrolment is returned unchanged."""
    enrolment, _created = Enrolment.objects.get_or_create(
        person=person, course=course, defaults={"source": Enrolment.Source.SELF}
    )
    return enrolment


def cohort_enrol(*, cohort: Cohort, people: Iterable[Person]) -> int:
    """Enrol the cohort's members in its course, in two statements whatever their number.

    Idempotent: people already enrolled keep their enrolment and progress, and join the cohort
    if they were in none. Returns the number of new enrolments."""
    person_ids = {person.pk for person in people}
    with transaction.atomic():
        existing = Enrolment.objects.filter(course_id=cohort.course_id, person_id__in=person_ids)
        existing.filter(cohort__isnull=True).update(cohort=cohort)
        already = set(existing.values_list("person_id", flat=True))
        created = Enrolment.objects.bulk_create(
            [
                Enrolment(person_id=pk, course_id=cohort.course_id, cohort=cohort, source=Enrolment.Source.COHORT)
                for pk in sorted(person_ids - already)
            ],
            ignore_conflicts=True,
        )
    return len(created)


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
    """`locked` is an enrolment row locked by the caller's transaction."""
    if locked.completed_at is None and all(rule(locked).complete for rule in completion_rules()):
        locked.completed_at = at or timezone.now()
        locked.save(update_fields=["completed_at"])
    return locked
