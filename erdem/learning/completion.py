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
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erdem.assessments.selectors import course_quizzes_progress
from erdem.catalog.selectors import published_lessons
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


def completion_rules() -> tuple[CompletionRule, ...]:
    """The rules an enrolment must all pass to complete, cheapest first."""
    return (lessons_all_done, quizzes_all_passed)


def enrolment_progress(enrolment: Enrolment) -> list[ActivityProgress]:
    """How far `enrolment` is in each kind of activity, in the order of `completion_rules()`."""
    return [rule(enrolment) for rule in completion_rules()]
