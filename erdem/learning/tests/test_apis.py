"""The courses and learning API: the caller's language with fallback flags, one's own enrolments,
progress and feedback, a cohort's enrolments for those who follow it; 4xx JSON with reasons."""

import datetime as dt
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.api.tests.helpers import anonymous_client, session_client, token_client
from erdem.catalog.models import Course, Lesson, LessonTranslation
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.learning.services import FEEDBACK_EDITABLE_FOR, cohort_enrol, enrolment_create, lesson_complete
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

API = "/api/v1"


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=2, lessons=2)


@pytest.fixture
def educator(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en"))


def _lessons(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(module__course=course).order_by("module__position", "position"))


def _json(response: Any, status: int) -> Any:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- courses ------------------------------------------------------------------------------------------


def test_courses_come_in_the_callers_language_with_fallback_flags(course: Course) -> None:
    lesson = _lessons(course)[0]
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(status="draft")
    listing = _json(anonymous_client(language="mn").get(f"{API}/courses/"), 200)
    assert [item["code"] for item in listing] == [course.code]
    assert listing[0]["title"] == {"value": "Үндэс", "language_code": "mn", "fell_back": False}
    detail = _json(anonymous_client(language="mn").get(f"{API}/courses/{course.code}"), 200)
    lessons = detail["modules"][0]["lessons"]
    assert lessons[0]["title"] == {"value": "Lesson 1.1", "language_code": "en", "fell_back": True}
    assert lessons[1]["title"]["fell_back"] is False
    assert [module["position"] for module in detail["modules"]] == [1, 2]


def test_drafts_are_hidden_from_the_public_and_shown_to_admins(programme: Programme) -> None:
    course_build(programme=programme, code="draft", status=Course.Status.DRAFT)
    assert _json(anonymous_client().get(f"{API}/courses/draft"), 404)["detail"] == "Not found."
    assert _json(anonymous_client().get(f"{API}/courses/"), 200) == []
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    assert _json(token_client(admin).get(f"{API}/courses/draft"), 200)["status"] == "draft"


# --- enrolments and progress ---------------------------------------------------------------------------


def test_an_educator_enrols_marks_lessons_done_and_completes(course: Course, educator: Person) -> None:
    client = token_client(educator)
    enrolled = _json(client.post(f"{API}/learning/enrolments", {"course": course.code}, "application/json"), 201)
    again = _json(client.post(f"{API}/learning/enrolments", {"course": course.code}, "application/json"), 200)
    assert enrolled["id"] == again["id"] and enrolled["lessons_done"] == []
    assert [activity["kind"] for activity in enrolled["activities"]][:2] == ["lessons", "quizzes"]
    lessons = _lessons(course)
    for lesson in lessons:
        progress = _json(client.post(f"{API}/learning/enrolments/{enrolled['id']}/lessons/{lesson.pk}/done"), 200)
    assert progress["lessons_done"] == [lesson.pk for lesson in lessons]
    assert progress["completed_at"] is not None
    assert progress["activities"][0] == {
        "kind": "lessons", "label": "Lessons done", "done": 4, "required": 4, "complete": True
    }  # fmt: skip
    mine = _json(client.get(f"{API}/learning/enrolments"), 200)
    assert mine["count"] == 1 and mine["items"][0]["lessons_done"] == 4 and mine["items"][0]["completed_at"]


def test_enrolling_needs_the_educator_role_and_a_known_course(course: Course, programme: Programme) -> None:
    trainer = person_with_role(Role.TRAINER, programme=programme, preferred_language="en")
    refused = _json(
        token_client(trainer).post(f"{API}/learning/enrolments", {"course": course.code}, "application/json"), 403
    )
    assert "educators" in refused["detail"]
    unknown = _json(
        token_client(trainer).post(f"{API}/learning/enrolments", {"course": "nope"}, "application/json"), 422
    )
    assert "nope" in unknown["detail"]
    assert _json(token_client(trainer).post(f"{API}/learning/enrolments", "{", "application/json"), 400)["detail"]
    assert not Enrolment.objects.exists()


def test_someone_elses_enrolment_is_not_found(course: Course, educator: Person, programme: Programme) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    other = token_client(person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en"))
    lesson = _lessons(course)[0]
    assert _json(other.get(f"{API}/learning/enrolments/{enrolment.pk}"), 404)["detail"]
    assert _json(other.post(f"{API}/learning/enrolments/{enrolment.pk}/lessons/{lesson.pk}/done"), 404)
    body = {"rating": 5, "usefulness": 5}
    assert _json(other.post(f"{API}/learning/enrolments/{enrolment.pk}/feedback", body, "application/json"), 404)
    assert not LessonProgress.objects.exists()


def test_a_lesson_of_another_course_or_unpublished_is_not_found(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    elsewhere = _lessons(course_build(programme=course.programme, code="other"))[0]
    hidden = _lessons(course)[1]
    hidden.translations.update(status="draft")
    client = token_client(educator)
    for lesson_id in (elsewhere.pk, hidden.pk, 999999):
        answer = _json(client.post(f"{API}/learning/enrolments/{enrolment.pk}/lessons/{lesson_id}/done"), 404)
        assert str(lesson_id) in answer["detail"]
    assert not LessonProgress.objects.exists()


def test_a_session_caller_must_send_the_csrf_token(course: Course, educator: Person) -> None:
    client = session_client(educator, enforce_csrf_checks=True)
    response = client.post(f"{API}/learning/enrolments", {"course": course.code}, "application/json")
    assert _json(response, 403)["detail"].startswith("The CSRF check failed")
    assert _json(anonymous_client().get(f"{API}/learning/enrolments"), 401)["detail"]


# --- feedback -------------------------------------------------------------------------------------------


def test_feedback_is_submitted_changed_and_then_closed(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    client: Client = token_client(educator)
    url = f"{API}/learning/enrolments/{enrolment.pk}/feedback"
    early = _json(client.post(url, {"rating": 5, "usefulness": 4}, "application/json"), 409)
    assert early["detail"] == "The survey opens once you have completed the course."
    for lesson in _lessons(course):
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    sent = _json(client.post(url, {"rating": 5, "usefulness": 4, "comment": "<i>ok</i>"}, "application/json"), 201)
    assert sent["editable"] and sent["language_code"] == "en" and sent["comment"] == "<i>ok</i>"
    assert _json(client.post(url, {"rating": 4, "usefulness": 4}, "application/json"), 200)["rating"] == 4
    invalid = _json(client.post(url, {"rating": 6, "usefulness": 4}, "application/json"), 422)
    assert invalid["errors"][0]["loc"][-1] == "rating"
    too_long = _json(client.post(url, {"rating": 4, "usefulness": 4, "comment": "x" * 2001}, "application/json"), 422)
    assert too_long["errors"]
    CourseFeedback.objects.update(submitted_at=timezone.now() - FEEDBACK_EDITABLE_FOR - dt.timedelta(hours=1))
    closed = _json(client.post(url, {"rating": 1, "usefulness": 1}, "application/json"), 409)
    assert "can no longer be changed" in closed["detail"]
    progress = _json(client.get(f"{API}/learning/enrolments/{enrolment.pk}"), 200)
    assert progress["feedback"]["rating"] == 4 and progress["feedback"]["editable"] is False


def test_errors_come_in_the_callers_language(course: Course, programme: Programme) -> None:
    learner = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="mn")
    enrolment = enrolment_create(person=learner, course=course)
    url = f"{API}/learning/enrolments/{enrolment.pk}/feedback"
    answer = _json(token_client(learner).post(url, {"rating": 5, "usefulness": 5}, "application/json"), 409)
    assert answer["detail"] == "Сургалтаа дуусгасны дараа санал асуулга нээгдэнэ."


# --- a cohort's enrolments --------------------------------------------------------------------------------


@pytest.fixture
def cohort(course: Course, programme: Programme, educator: Person) -> Cohort:
    cohort = Cohort.objects.create(programme=programme, name="C", course=course, institution=educator.institution)
    cohort.trainers.add(person_with_role(Role.TRAINER, programme=programme, preferred_language="en"))
    cohort_enrol(cohort=cohort, people=[educator])
    return cohort


def test_a_cohorts_trainer_sees_its_enrolments_and_their_progress(
    cohort: Cohort, educator: Person, django_assert_max_num_queries: Any
) -> None:
    enrolment = Enrolment.objects.get(cohort=cohort)
    lesson_complete(enrolment=enrolment, lesson=_lessons(cohort.course)[0])
    client = token_client(cohort.trainers.get())
    members = _json(client.get(f"{API}/learning/cohorts/{cohort.pk}/enrolments"), 200)
    assert members["count"] == 1
    member = members["items"][0]
    assert member["person_id"] == educator.pk and member["activities"][0]["done"] == 1
    assert _json(client.get(f"{API}/learning/enrolments/{enrolment.pk}"), 200)["lessons_done"] == [
        _lessons(cohort.course)[0].pk
    ]
    # The trainer reads the progress but cannot act for the learner.
    assert _json(client.post(f"{API}/learning/enrolments/{enrolment.pk}/lessons/1/done"), 404)


def test_a_cohorts_enrolments_are_refused_to_others(cohort: Cohort, educator: Person) -> None:
    assert _json(token_client(educator).get(f"{API}/learning/cohorts/{cohort.pk}/enrolments"), 403)["detail"]
    assert _json(token_client(educator).get(f"{API}/learning/cohorts/999999/enrolments"), 404)


@pytest.mark.parametrize("size", [3, 40])
def test_a_cohorts_enrolments_take_a_bounded_number_of_queries(
    cohort: Cohort, size: int, django_assert_max_num_queries: Any
) -> None:
    from erdem.learning.completion import completion_rules
    from erdem.people.tests.factories import PersonFactory

    cohort_enrol(cohort=cohort, people=PersonFactory.create_batch(size))
    client = token_client(cohort.trainers.get())
    with django_assert_max_num_queries(12 + len(completion_rules())):
        assert _json(client.get(f"{API}/learning/cohorts/{cohort.pk}/enrolments"), 200)["count"] == size + 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/learning/enrolments", {"course": "x" * 500}),
        ("post", "/learning/enrolments", {"course": ["ai-101"]}),
        ("post", "/learning/enrolments", [1, 2]),
        ("post", "/learning/enrolments/{enrolment}/feedback", {"rating": "five", "usefulness": 4}),
        ("post", "/learning/enrolments/{enrolment}/feedback", {"rating": 5, "usefulness": None}),
        ("post", "/learning/enrolments/{enrolment}/feedback", {"rating": 5, "usefulness": 5, "comment": 7}),
        ("post", "/learning/enrolments/not-a-number/feedback", {"rating": 5, "usefulness": 5}),
        ("get", "/learning/enrolments/99999999999999999999", None),
        ("get", "/learning/cohorts/-1/enrolments", None),
        ("get", "/courses/%00", None),
        ("get", "/courses/a%20b", None),
        ("post", "/learning/enrolments", {"course": "ai\u0000"}),
        ("post", "/learning/enrolments/{enrolment}/lessons/abc/done", None),
    ],
)
def test_bad_input_answers_4xx_json_with_a_reason(
    course: Course, educator: Person, method: str, path: str, body: Any
) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    client = token_client(educator)
    url = API + path.replace("{enrolment}", str(enrolment.pk))
    response = client.post(url, body, "application/json") if method == "post" else client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert response.json()["detail"]
