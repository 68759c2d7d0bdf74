"""Two requests at the same moment: a double click on "Submit", two reviewers pressing their buttons."""

from collections.abc import Callable
from typing import Any, cast

import pytest

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assignments.models import Review, Submission
from erdem.assignments.services import ReviewConflict, review_submit, submission_create
from erdem.assignments.tests.factories import assignment_build, pdf, rubric_levels
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.core.tests.concurrency import at_once
from erdem.learning.models import Cohort
from erdem.learning.services import cohort_enrol
from erdem.people.models import Person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _world() -> tuple[Any, Person, Person, Person]:
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    assignment = assignment_build(lesson=first_lesson(course))
    educator = cast(Person, person_with_role(Role.EDUCATOR, programme=programme))
    trainer = cast(Person, person_with_role(Role.TRAINER, programme=programme))
    admin = cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))
    cohort = Cohort.objects.create(programme=programme, name="c", course=course)
    cohort.trainers.add(trainer)
    cohort_enrol(cohort=cohort, people=[educator])
    return assignment, educator, trainer, admin


def test_a_double_click_on_submit_hands_in_once() -> None:
    assignment, educator, _trainer, _admin = _world()
    results, errors = at_once(
        [
            lambda: submission_create(person=educator, assignment=assignment, text="план", files=[pdf()], number=1)
            for _ in range(2)
        ]
    )
    assert not errors, errors
    assert sorted(result.outcome for result in results) == ["created", "duplicate"]
    assert Submission.objects.count() == 1
    assert Submission.objects.get().files.count() == 1


def test_two_reviewers_at_once_the_first_wins() -> None:
    assignment, educator, trainer, admin = _world()
    submission = submission_create(person=educator, assignment=assignment, text="план", files=[], number=1).submission
    levels = rubric_levels(assignment)

    def review(reviewer: Person, decision: str) -> Callable[[], Any]:
        def call() -> Any:
            try:
                return review_submit(
                    reviewer=reviewer, submission_id=submission.pk, decision=decision, comment="ok", levels=levels
                )
            except ReviewConflict:
                return "conflict"

        return call

    results, errors = at_once([review(trainer, "approve"), review(admin, "revise")])
    assert not errors, errors
    assert sum(1 for result in results if result == "conflict") == 1
    saved = Review.objects.get()
    submission.refresh_from_db()
    expected = Submission.Status.APPROVED if saved.decision == "approve" else Submission.Status.REVISION_REQUESTED
    assert submission.status == expected
