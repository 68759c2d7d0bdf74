"""The demo programme's learning figures come out of its records: who completed all three AI
courses, and how highly the courses were rated."""

from typing import Any

import pytest
from django.db.models import Count

from erdem.access.models import Role, RoleAssignment
from erdem.demo.services import DEFAULT_EDUCATORS, demo_load
from erdem.learning.completion import enrolments_progress
from erdem.learning.demo import AI_COURSES, demo_all_ai_completed_target
from erdem.learning.models import CourseFeedback, Enrolment, LessonProgress
from erdem.learning.selectors import feedback_rated_highly, feedback_rated_highly_by_course

pytestmark = pytest.mark.django_db


def completed_all_ai_courses() -> int:
    """Distinct educators with a completed enrolment in each of the three AI courses."""
    return (
        Enrolment.objects.filter(course__code__in=AI_COURSES, completed_at__isnull=False)
        .values("person_id")
        .annotate(courses=Count("course_id", distinct=True))
        .filter(courses=len(AI_COURSES))
        .count()
    )


def registered_educators() -> int:
    return RoleAssignment.objects.filter(role=Role.EDUCATOR, person__email_confirmed_at__isnull=False).count()


@pytest.fixture(scope="module")
def full_demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The default-size demo, loaded once for this module and rolled back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


def test_the_programmes_completion_figure_comes_from_the_records(full_demo: Any) -> None:
    result = full_demo
    assert registered_educators() == DEFAULT_EDUCATORS == 2054
    assert completed_all_ai_courses() == demo_all_ai_completed_target(DEFAULT_EDUCATORS) == 1698
    assert result.counts["completions"] == Enrolment.objects.filter(completed_at__isnull=False).count()
    # About 7 s on SQLite and 11 s on PostgreSQL on a quiet machine; the bound leaves room for a busy one.


def test_over_ninety_percent_rated_the_courses_highly(full_demo: Any) -> None:
    overall = feedback_rated_highly(programme_id=full_demo.programme.pk)
    assert overall.count == CourseFeedback.objects.count() > 1698
    assert overall.share is not None and 0.9 < overall.share < 0.97
    by_course = feedback_rated_highly_by_course(programme_id=full_demo.programme.pk)
    ai = [figure for course_id, figure in by_course.items() if course_id in _course_ids(AI_COURSES)]
    assert len(ai) == 3 and all(figure.share and figure.share > 0.88 for figure in ai)
    assert sum(figure.count for figure in by_course.values()) == overall.count
    # Only completed enrolments answer the survey, after completing.
    assert not CourseFeedback.objects.filter(enrolment__completed_at__isnull=True).exists()
    answers = CourseFeedback.objects.select_related("enrolment")
    early = [f for f in answers if f.enrolment.completed_at is None or f.submitted_at < f.enrolment.completed_at]
    assert not early


def test_completions_have_their_lessons_and_quizzes(full_demo: Any) -> None:
    """Every completed AI enrolment has every lesson done and every quiz passed, by the completion rules."""
    completed = list(Enrolment.objects.filter(course__code__in=AI_COURSES, completed_at__isnull=False))
    progress = enrolments_progress(completed)
    for enrolment in completed:
        kinds = {activity.kind: activity for activity in progress[enrolment.pk]}
        assert kinds["lessons"].complete and kinds["quizzes"].complete, enrolment
    last_done = dict(
        LessonProgress.objects.filter(enrolment__in=completed)
        .values("enrolment_id")
        .annotate(last=Count("pk"))
        .values_list("enrolment_id", "last")
    )
    assert len(last_done) == len(completed)


def _course_ids(codes: tuple[str, ...]) -> set[int]:
    from erdem.catalog.models import Course

    return set(Course.objects.filter(code__in=codes).values_list("pk", flat=True))
