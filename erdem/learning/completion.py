"""When an enrolment counts as complete, and how far it is, activity by activity.

A course is made of activities of several kinds: lessons to read, quizzes to pass, and, in
the apps that add them, practical tasks to have approved and workshops to attend. Each kind
has one rule in `completion_rules()`: a function of the enrolment (locked by the caller when
it is about to complete it) that answers from the database with an `ActivityProgress`, the
activities of that kind done against those required. A course is complete when every rule
is complete.

To add a kind, write a rule that asks the app owning the data (keep it to one or two
queries) and add it to the tuple below; `enrolment_completion_update` re-checks after each
event that can complete a course, so that app calls it after the event too (the quiz pages
do after a passed attempt). The same rules give the learner's "progress per activity".

Pages that show many enrolments at once (a cohort of 200, "My courses") call
`enrolments_progress`. A rule may have a bulk counterpart in `bulk_rules()`, answering for
many enrolments in a fixed number of queries; a rule without one still works there, asked
once per enrolment, so add the counterpart once the rule is in place.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erdem.assessments.models import Attempt
from erdem.assessments.selectors import course_quizzes_progress, quizzes_of_course
from erdem.catalog.models import LessonTranslation
from erdem.catalog.selectors import published_lessons, published_translations
from erdem.learning.models import Enrolment, LessonProgress


@dataclass(frozen=True)
class ActivityProgress:
    kind: str  # a stable key: "lessons", "quizzes", …
    label: StrOrPromise  # what a learner reads: "Lessons done", …
    done: int
    required: int
    complete: bool

    @classmethod
    def counted(cls, kind: str, label: StrOrPromise, done: int, required: int) -> "ActivityProgress":
        """Complete when every required activity is done (so a kind with none required is complete)."""
        return cls(kind, label, done, required, done >= required)


CompletionRule = Callable[[Enrolment], ActivityProgress]
# Answers for many enrolments at once, keyed by enrolment id: the same answers as its rule's.
BulkRule = Callable[[Sequence[Enrolment]], dict[int, ActivityProgress]]


def lessons_all_done(enrolment: Enrolment) -> ActivityProgress:
    """Every published lesson of the course is marked as done; a course without lessons never completes."""
    done = LessonProgress.objects.filter(enrolment=enrolment, lesson=OuterRef("pk"))
    counts = (
        published_lessons(course_id=enrolment.course_id)
        .order_by()
        .aggregate(required=Count("pk"), done=Count("pk", filter=Exists(done)))
    )
    required, finished = counts["required"], counts["done"]
    return ActivityProgress("lessons", _("Lessons done"), finished, required, required > 0 and finished >= required)


def quizzes_all_passed(enrolment: Enrolment) -> ActivityProgress:
    """Every quiz of the course is passed in some attempt (complete for a course without quizzes)."""
    passed, total = course_quizzes_progress(enrolment.person_id, enrolment.course_id)
    return ActivityProgress.counted("quizzes", _("Quizzes passed"), passed, total)


def workshops_attended(enrolment: Enrolment) -> ActivityProgress:
    """Every workshop of the enrolment's cohort that counts for completion and was not cancelled
    is attended (present or late); complete when the enrolment has no cohort or the cohort none."""
    from erdem.workshops.selectors import cohort_workshops_attended  # workshops builds on learning

    if enrolment.cohort_id is None:
        return ActivityProgress.counted("workshops", _("Workshops attended"), 0, 0)
    attended, required = cohort_workshops_attended(cohort_id=enrolment.cohort_id, person_id=enrolment.person_id)
    return ActivityProgress.counted("workshops", _("Workshops attended"), attended, required)


def assignments_approved(enrolment: Enrolment) -> ActivityProgress:
    """Every required practical assignment of the course is approved (complete for a course without any)."""
    from erdem.assignments.selectors import PROGRESS_LABEL, course_assignments_progress  # builds on learning

    approved, required = course_assignments_progress(enrolment.person_id, enrolment.course_id)
    return ActivityProgress.counted("assignments", PROGRESS_LABEL, approved, required)


def completion_rules() -> tuple[CompletionRule, ...]:
    """The rules an enrolment must all pass to complete, cheapest first."""
    return (lessons_all_done, quizzes_all_passed, workshops_attended, assignments_approved)


def enrolment_progress(enrolment: Enrolment) -> list[ActivityProgress]:
    """How far `enrolment` is in each kind of activity, in the order of `completion_rules()`."""
    return [rule(enrolment) for rule in completion_rules()]


# --- many enrolments at once --------------------------------------------------------------------


def _count(queryset: Any, group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(total=Count("*")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def lessons_all_done_bulk(enrolments: Sequence[Enrolment]) -> dict[int, ActivityProgress]:
    """`lessons_all_done` for many enrolments (of any courses), in one query."""
    published = published_lessons(course_id=OuterRef("course_id"))  # type: ignore[arg-type]
    done = LessonProgress.objects.filter(enrolment=OuterRef("pk")).filter(
        Exists(published_translations(LessonTranslation).filter(lesson=OuterRef("lesson_id")))
    )
    rows = (
        Enrolment.objects.filter(pk__in=[enrolment.pk for enrolment in enrolments])
        .annotate(
            required=_count(published.annotate(course_key=F("module__course_id")), "course_key"),
            finished=_count(done, "enrolment_id"),
        )
        .values_list("pk", "required", "finished")
    )
    return {
        pk: ActivityProgress("lessons", _("Lessons done"), finished, required, required > 0 and finished >= required)
        for pk, required, finished in rows
    }


def quizzes_all_passed_bulk(enrolments: Sequence[Enrolment]) -> dict[int, ActivityProgress]:
    """`quizzes_all_passed` for many enrolments (of any courses), in one query."""
    quizzes = quizzes_of_course(OuterRef("course_id")).annotate(course_key=F("lesson__module__course_id"))  # type: ignore[arg-type]
    passed = quizzes.filter(
        Exists(Attempt.objects.filter(quiz=OuterRef("pk"), person_id=OuterRef(OuterRef("person_id")), passed=True))
    )
    rows = (
        Enrolment.objects.filter(pk__in=[enrolment.pk for enrolment in enrolments])
        .annotate(required=_count(quizzes, "course_key"), finished=_count(passed, "course_key"))
        .values_list("pk", "required", "finished")
    )
    return {
        pk: ActivityProgress.counted("quizzes", _("Quizzes passed"), finished, required)
        for pk, required, finished in rows
    }


def assignments_approved_bulk(enrolments: Sequence[Enrolment]) -> dict[int, ActivityProgress]:
    """`assignments_approved` for many enrolments (of any courses), in one query."""
    from erdem.assignments.selectors import PROGRESS_LABEL, enrolments_assignments_progress

    rows = enrolments_assignments_progress([enrolment.pk for enrolment in enrolments])
    return {
        pk: ActivityProgress.counted("assignments", PROGRESS_LABEL, approved, required)
        for pk, (approved, required) in rows.items()
    }


def workshops_attended_bulk(enrolments: Sequence[Enrolment]) -> dict[int, ActivityProgress]:
    """`workshops_attended` for many enrolments, in one query (none when no enrolment has a cohort)."""
    from erdem.workshops.models import Attendance, Workshop  # workshops builds on learning
    from erdem.workshops.selectors import ATTENDED

    label = _("Workshops attended")
    progress = {enrolment.pk: ActivityProgress.counted("workshops", label, 0, 0) for enrolment in enrolments}
    in_cohorts = [enrolment.pk for enrolment in enrolments if enrolment.cohort_id is not None]
    if not in_cohorts:
        return progress
    workshops = (
        Workshop.objects.filter(cohort_id=OuterRef("cohort_id"), counts_for_completion=True)
        .exclude(status=Workshop.Status.CANCELLED)
        .annotate(cohort_key=F("cohort_id"))
    )
    attended = workshops.filter(
        Exists(
            Attendance.objects.filter(
                workshop=OuterRef("pk"), person_id=OuterRef(OuterRef("person_id")), status__in=ATTENDED
            )
        )
    )
    rows = (
        Enrolment.objects.filter(pk__in=in_cohorts)
        .annotate(required=_count(workshops, "cohort_key"), finished=_count(attended, "cohort_key"))
        .values_list("pk", "required", "finished")
    )
    for pk, required, finished in rows:
        progress[pk] = ActivityProgress.counted("workshops", label, finished, required)
    return progress


def bulk_rules() -> dict[CompletionRule, BulkRule]:
    """For the rules of `completion_rules()` that have one, their bulk counterpart."""
    return {
        lessons_all_done: lessons_all_done_bulk,
        quizzes_all_passed: quizzes_all_passed_bulk,
        workshops_attended: workshops_attended_bulk,
        assignments_approved: assignments_approved_bulk,
    }


def enrolments_progress(enrolments: Sequence[Enrolment]) -> dict[int, list[ActivityProgress]]:
    """`enrolment_progress` of each of `enrolments`, keyed by enrolment id: one call per rule with a bulk
    counterpart (a fixed number of queries), the rule itself once per enrolment otherwise."""
    progress: dict[int, list[ActivityProgress]] = {enrolment.pk: [] for enrolment in enrolments}
    if not enrolments:
        return progress
    counterparts = bulk_rules()
    for rule in completion_rules():
        bulk = counterparts.get(rule)
        answers = bulk(enrolments) if bulk else {enrolment.pk: rule(enrolment) for enrolment in enrolments}
        for enrolment in enrolments:
            progress[enrolment.pk].append(answers[enrolment.pk])
    return progress
