"""When an enrolment counts as complete.

A course is complete when every rule in `completion_rules()` passes. A rule takes the
enrolment (locked by the caller) and answers from the database. To add a condition (for
example "every quiz passed"), write a rule that asks the app owning the data and add it to
the tuple below; `enrolment_completion_update` re-checks after each event that can complete a
course, so that app calls it after the event too (the quiz pages do after a passed attempt).
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef

from erdem.assessments.selectors import course_quizzes_passed
from erdem.catalog.selectors import published_lessons
from erdem.learning.models import Enrolment, LessonProgress

CompletionRule = Callable[[Enrolment], bool]


def lessons_all_done(enrolment: Enrolment) -> bool:
    """Every published lesson of the course is marked as done (a course without lessons never completes)."""
    lessons = published_lessons(course_id=enrolment.course_id)
    if not lessons.exists():
        return False
    done = LessonProgress.objects.filter(enrolment=enrolment, lesson=OuterRef("pk"))
    return not lessons.exclude(Exists(done)).exists()


def quizzes_all_passed(enrolment: Enrolment) -> bool:
    """Every quiz of the course is passed in some attempt (true for a course without quizzes)."""
    return course_quizzes_passed(enrolment.person_id, enrolment.course_id)


def completion_rules() -> tuple[CompletionRule, ...]:
    """The rules an enrolment must all pass to complete, cheapest first."""
    return (lessons_all_done, quizzes_all_passed)
