"""The authoring pages of a practical assignment and the services behind them."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import ProgrammeFactory, person_with_role
from erdem.assignments.models import MEGABYTE, Assignment, Criterion, Level, Review, Submission
from erdem.assignments.services import (
    AuthoringRefused,
    assignment_delete,
    assignment_save,
    criterion_delete,
    criterion_move,
    criterion_save,
    level_delete,
    level_save,
)
from erdem.assignments.tests.factories import assignment_build
from erdem.authoring.tests.factories import team_member
from erdem.catalog.models import Course, Lesson, TranslationStatus
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = TranslationStatus.DRAFT, TranslationStatus.PUBLISHED


@pytest.fixture
def course() -> Course:
    return course_build(programme=ProgrammeFactory.create(), code="course-a", modules=1, lessons=1)


@pytest.fixture
def lesson(course: Course) -> Lesson:
    return first_lesson(course)


@pytest.fixture
def member(course: Course) -> Person:
    return team_member(course, email="member@example.mn")


def _client(person: Person, language: str = "en") -> Client:
    client = Client()
    client.force_login(person)
    client.cookies["erdem_language"] = language
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    return client


def _texts(status: str = PUBLISHED, **fields: str) -> dict[str, dict[str, str]]:
    return {code: {"status": status, **{k: f"{v} [{code}]" for k, v in fields.items()}} for code in ("mn", "en")}


def _form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "required": "on",
        "max_files": "2",
        "max_file_megabytes": "5",
        "allowed_kinds": ["pdf", "png"],
    }
    for code in ("mn", "en"):
        data |= {f"text-{code}-status": PUBLISHED, f"text-{code}-title": f"Plan [{code}]",
                 f"text-{code}-instructions": f"Write it [{code}]"}  # fmt: skip
    return data | extra


def _submitted(assignment: Assignment, *, reviewed: bool = False) -> None:
    submission = Submission.objects.create(
        assignment=assignment, person=PersonFactory.create(), number=1, submitted_at=timezone.now()
    )
    if reviewed:
        Review.objects.create(submission=submission, decision="approve", reviewed_at=timezone.now())


# --- services ----------------------------------------------------------------------------------------------------


def test_assignment_save_creates_and_updates_with_texts(lesson: Lesson) -> None:
    texts = _texts(title="Plan", instructions="Write")
    assignment = assignment_save(
        lesson=lesson, required=False, max_files=1, max_file_bytes=2 * MEGABYTE, allowed_kinds=["pdf"], texts=texts
    )
    assert (assignment.required, assignment.max_files, assignment.allowed_kinds) == (False, 1, ["pdf"])
    assert assignment.translations.get(language_code="mn").title == "Plan [mn]"
    texts["en"] = {"status": DRAFT, "title": "", "instructions": ""}
    assignment_save(
        lesson=lesson, assignment=assignment, required=True, max_files=3, max_file_bytes=MEGABYTE,
        allowed_kinds=["pdf", "docx"], texts=texts,
    )  # fmt: skip
    assignment.refresh_from_db()
    assert assignment.max_files == 3 and assignment.allowed_kinds == ["pdf", "docx"]
    assert assignment.translations.get(language_code="en").status == DRAFT
    assert Assignment.objects.count() == 1


def test_assignment_save_refuses_unknown_kinds(lesson: Lesson) -> None:
    with pytest.raises(Exception, match="kinds"):
        assignment_save(
            lesson=lesson, required=True, max_files=1, max_file_bytes=MEGABYTE, allowed_kinds=["exe"],
            texts=_texts(title="Plan", instructions="Write"),
        )  # fmt: skip
    assert not Assignment.objects.exists()


def test_assignment_delete_refused_once_work_is_handed_in(lesson: Lesson) -> None:
    assignment = assignment_build(lesson=lesson)
    _submitted(assignment)
    with pytest.raises(AuthoringRefused):
        assignment_delete(assignment=assignment)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    Submission.objects.all().delete()
    assignment_delete(assignment=assignment)
    assert not Assignment.objects.exists()


def test_rubric_add_move_delete_keeps_positions(lesson: Lesson) -> None:
    assignment = assignment_build(lesson=lesson, criteria=2)
    third = criterion_save(assignment=assignment, weight=3, texts=_texts(name="Clarity", description="Clear"))
    assert third.position == 3 and third.translations.get(language_code="en").name == "Clarity [en]"
    criterion_move(criterion=third, up=True)
    order = list(assignment.criteria.order_by("position").values_list("pk", "position"))
    assert order[1] == (third.pk, 2)
    first = assignment.criteria.get(position=1)
    criterion_delete(criterion=first)
    assert list(assignment.criteria.order_by("position").values_list("position", flat=True)) == [1, 2]
    level = level_save(criterion=third, points=5, texts=_texts(name="Top", descriptor="Best"))
    assert level.position == 1 and level.points == 5
    level_delete(level=level)
    assert not third.levels.exists()


def test_rubric_deletions_refused_once_reviewed(lesson: Lesson) -> None:
    assignment = assignment_build(lesson=lesson, criteria=2)
    _submitted(assignment, reviewed=True)
    criterion = assignment.criteria.first()
    assert criterion is not None
    with pytest.raises(AuthoringRefused):
        criterion_delete(criterion=criterion)
    with pytest.raises(AuthoringRefused):
        level_delete(level=criterion.levels.get(position=1))
    assert assignment.criteria.count() == 2


# --- views -------------------------------------------------------------------------------------------------------


def test_member_creates_an_assignment_from_the_lesson_editor(course: Course, lesson: Lesson, member: Person) -> None:
    client = _client(member)
    page = client.get(reverse("authoring:lesson", args=[course.code, lesson.pk])).content.decode()
    assert reverse("assignments:author_new", args=[lesson.pk]) in page
    url = reverse("assignments:author_new", args=[lesson.pk])
    form = client.get(url).content.decode()
    assert 'type="checkbox"' in form and 'value="pdf"' in form and "text-mn-title" in form
    response = client.post(url, _form())
    assignment = Assignment.objects.get(lesson=lesson)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assignments:author_edit", args=[assignment.pk]
    )
    assert assignment.max_file_bytes == 5 * MEGABYTE and assignment.allowed_kinds == ["pdf", "png"]
    assert assignment.translations.get(language_code="en").title == "Plan [en]"
    page = client.get(reverse("authoring:lesson", args=[course.code, lesson.pk])).content.decode()
    assert reverse("assignments:author_edit", args=[assignment.pk]) in page


def test_published_text_without_title_is_refused_in_the_editor(lesson: Lesson, member: Person) -> None:
    client = _client(member)
    url = reverse("assignments:author_new", args=[lesson.pk])
    response = client.post(url, _form(**{"text-mn-title": ""}))
    assert response.status_code == 200 and "needs a title" in response.content.decode()
    response = client.post(url, _form(allowed_kinds=[]))
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Assignment.objects.exists()


def test_member_edits_settings_and_texts(lesson: Lesson, member: Person) -> None:
    assignment = assignment_build(lesson=lesson)
    client = _client(member)
    url = reverse("assignments:author_edit", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "Criterion 1 [mn]" in page and "Descriptor 1.1 [en]" in page
    response = client.post(url, _form(**{"max_files": "0", "text-en-status": DRAFT, "text-en-title": ""}))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.max_files == 0
    assert assignment.translations.get(language_code="en").status == DRAFT


def test_rubric_page_changes_one_thing_per_form(lesson: Lesson, member: Person) -> None:
    assignment = assignment_build(lesson=lesson, criteria=2, levels=(1, 2))
    client = _client(member)
    url = reverse("assignments:author_rubric", args=[assignment.pk])
    data = {"action": "criterion_add", "c-new-weight": "2"}
    for code in ("mn", "en"):
        data |= {
            f"c-new-{code}-status": PUBLISHED,
            f"c-new-{code}-name": f"New [{code}]",
            f"c-new-{code}-description": "",
        }
    assert client.post(url, data).status_code == 302
    new = assignment.criteria.get(position=3)
    assert new.weight == 2
    client.post(url, {"action": "criterion_up", "criterion": new.pk})
    assert Criterion.objects.get(pk=new.pk).position == 2
    data = {"action": "level_add", "criterion": str(new.pk), f"l-new{new.pk}-points": "4"}
    for code in ("mn", "en"):
        data |= {
            f"l-new{new.pk}-{code}-status": DRAFT,
            f"l-new{new.pk}-{code}-name": "",
            f"l-new{new.pk}-{code}-descriptor": "",
        }
    client.post(url, data)
    level = Level.objects.get(criterion=new)
    assert level.points == 4
    client.post(url, {"action": "level_delete", "level": level.pk})
    client.post(url, {"action": "criterion_delete", "criterion": new.pk})
    assert assignment.criteria.count() == 2


def test_published_criterion_needs_a_name(lesson: Lesson, member: Person) -> None:
    assignment = assignment_build(lesson=lesson, criteria=1)
    data = {"action": "criterion_add", "c-new-weight": "1"}
    for code in ("mn", "en"):
        data |= {f"c-new-{code}-status": PUBLISHED, f"c-new-{code}-name": "", f"c-new-{code}-description": ""}
    response = _client(member).post(reverse("assignments:author_rubric", args=[assignment.pk]), data, follow=True)
    assert assignment.criteria.count() == 1
    assert "needs a name" in response.content.decode()


def test_deletions_refused_with_a_message_once_reviewed(lesson: Lesson, member: Person) -> None:
    assignment = assignment_build(lesson=lesson, criteria=1)
    _submitted(assignment, reviewed=True)
    client = _client(member)
    response = client.post(reverse("assignments:author_delete", args=[assignment.pk]))
    assert response.status_code == 409 and "cannot be deleted" in response.content.decode()
    criterion = assignment.criteria.get()
    response = client.post(
        reverse("assignments:author_rubric", args=[assignment.pk]),
        {"action": "criterion_delete", "criterion": criterion.pk},
        follow=True,
    )
    assert "cannot be deleted" in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_member_deletes_an_untouched_assignment(course: Course, lesson: Lesson, member: Person) -> None:
    assignment = assignment_build(lesson=lesson)
    response = _client(member).post(reverse("assignments:author_delete", args=[assignment.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("authoring:lesson", args=[course.code, lesson.pk])
    assert not Assignment.objects.exists()


def test_team_of_one_course_cannot_edit_another_courses_task(course: Course, member: Person) -> None:
    other = course_build(programme=course.programme, code="course-b", modules=1, lessons=1)
    assignment = assignment_build(lesson=first_lesson(other))
    criterion = assignment.criteria.first()
    assert criterion is not None
    client = _client(member)
    for name in ("author_edit", "author_delete", "author_rubric"):
        assert client.post(reverse(f"assignments:{name}", args=[assignment.pk]), {}).status_code == 403
    assert client.get(reverse("assignments:author_new", args=[first_lesson(other).pk])).status_code == 403
    response = client.post(
        reverse("assignments:author_rubric", args=[assignment.pk]),
        {"action": "criterion_delete", "criterion": criterion.pk},
    )
    assert response.status_code == 403 and Criterion.objects.filter(pk=criterion.pk).exists()


def test_criterion_of_another_assignment_is_not_reached_through_mine(lesson: Lesson, member: Person) -> None:
    mine = assignment_build(lesson=lesson, criteria=1)
    other_course = course_build(programme=ProgrammeFactory.create(), code="course-x", modules=1, lessons=1)
    foreign = assignment_build(lesson=first_lesson(other_course), criteria=1).criteria.get()
    response = _client(member).post(
        reverse("assignments:author_rubric", args=[mine.pk]), {"action": "criterion_delete", "criterion": foreign.pk}
    )
    assert response.status_code == 404 and Criterion.objects.filter(pk=foreign.pk).exists()


def test_an_educator_of_the_programme_is_refused(course: Course, lesson: Lesson) -> None:
    educator = person_with_role(Role.EDUCATOR, programme=course.programme)
    assert _client(educator).get(reverse("assignments:author_new", args=[lesson.pk])).status_code in {403, 404}


def test_edit_page_queries_are_bounded(lesson: Lesson, member: Person, django_assert_max_num_queries: Any) -> None:
    assignment = assignment_build(lesson=lesson, criteria=4, levels=(1, 2, 3, 4))
    client = _client(member)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("assignments:author_edit", args=[assignment.pk])).status_code == 200
