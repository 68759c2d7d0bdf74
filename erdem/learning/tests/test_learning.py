from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt, Question, Quiz
from erdem.assessments.selectors import course_quizzes_passed, quizzes_of_course
from erdem.assessments.tests.factories import question_add, quiz_build, right_answers
from erdem.catalog.models import Course, Lesson
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.learning.completion import completion_rules
from erdem.learning.demo import demo_all_ai_completed_target
from erdem.learning.models import Cohort, Enrolment, LessonProgress
from erdem.learning.services import cohort_enrol, enrolment_create, lesson_complete
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=2, lessons=2)


@pytest.fixture
def educator(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.EDUCATOR, programme=programme))


def _lessons(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(module__course=course).order_by("module__position", "position"))


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- services ---------------------------------------------------------------------------------------


def test_enrolling_twice_keeps_one_enrolment(course: Course, educator: Person) -> None:
    first = enrolment_create(person=educator, course=course)
    assert enrolment_create(person=educator, course=course).pk == first.pk
    assert first.source == Enrolment.Source.SELF


def test_marking_every_lesson_done_completes_the_course_once(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    lessons = _lessons(course)
    for lesson in lessons[:-1]:
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
        assert enrolment.completed_at is None
    enrolment = lesson_complete(enrolment=enrolment, lesson=lessons[-1])
    completed_at = enrolment.completed_at
    assert completed_at is not None
    enrolment = lesson_complete(enrolment=enrolment, lesson=lessons[-1])
    assert enrolment.completed_at == completed_at
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == len(lessons)


def test_unpublished_lessons_do_not_block_completion(programme: Programme, educator: Person) -> None:
    course = course_build(programme=programme, code="partly", modules=1, lessons=2)
    hidden = _lessons(course)[1]
    hidden.translations.update(status="draft")
    enrolment = enrolment_create(person=educator, course=course)
    enrolment = lesson_complete(enrolment=enrolment, lesson=_lessons(course)[0])
    assert enrolment.completed_at is not None


def test_the_completion_rules_are_listed_in_one_place() -> None:
    names = [rule.__name__ for rule in completion_rules()]
    assert names[:2] == ["lessons_all_done", "quizzes_all_passed"]
    assert len(set(names)) == len(names)


def _quiz_course(programme: Programme) -> tuple[Course, list[Lesson], Quiz]:
    """One module of two lessons; a two-question quiz on the second."""
    course = course_build(programme=programme, code="quizzed", modules=1, lessons=2)
    lessons = _lessons(course)
    quiz = quiz_build(lesson=lessons[1], pass_mark=100)
    question_add(quiz, Question.Kind.SINGLE, choices=(False, True))
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    return course, lessons, quiz


def _quiz_submit(client: Client, quiz: Quiz, body: dict[str, Any]) -> Attempt:
    client.post(reverse("assessments:quiz", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz, submitted_at__isnull=True)
    client.post(reverse("assessments:attempt", args=[attempt.pk]), body)
    attempt.refresh_from_db()
    return attempt


def test_lessons_done_but_a_quiz_not_passed_is_not_complete(programme: Programme, educator: Person) -> None:
    course, lessons, quiz = _quiz_course(programme)
    enrolment = enrolment_create(person=educator, course=course)
    for lesson in lessons:
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    assert enrolment.completed_at is None
    failed = _quiz_submit(_signed_in(educator), quiz, {"confirm_empty": "1"})
    assert failed.submitted_at is not None and not failed.passed
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None


def test_someone_elses_pass_does_not_count(programme: Programme, educator: Person) -> None:
    course, lessons, quiz = _quiz_course(programme)
    other = person_with_role(Role.EDUCATOR, programme=programme)
    Attempt.objects.create(person=other, quiz=quiz, started_at=timezone.now(), score=100, passed=True)
    Attempt.objects.create(person=educator, quiz=quiz, started_at=timezone.now(), score=0, passed=False)
    enrolment = enrolment_create(person=educator, course=course)
    for lesson in lessons:
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    assert enrolment.completed_at is None


def test_passing_the_last_quiz_completes_the_course(programme: Programme, educator: Person) -> None:
    course, lessons, quiz = _quiz_course(programme)
    enrolment = enrolment_create(person=educator, course=course)
    for lesson in lessons:
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    assert enrolment.completed_at is None
    passed = _quiz_submit(_signed_in(educator), quiz, right_answers(quiz))
    assert passed.passed
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_passing_a_quiz_without_an_enrolment_changes_nothing(programme: Programme, educator: Person) -> None:
    quiz = _quiz_course(programme)[2]
    assert _quiz_submit(_signed_in(educator), quiz, right_answers(quiz)).passed
    assert not Enrolment.objects.exists()


def test_every_demo_completion_has_every_quiz_passed(db: None) -> None:
    from erdem.demo.services import demo_load

    demo_load(educators=60, institutions=3)
    completed = list(Enrolment.objects.filter(completed_at__isnull=False).select_related("course"))
    assert completed
    from erdem.learning.tests.test_demo import completed_all_ai_courses

    assert completed_all_ai_courses() == demo_all_ai_completed_target(60) == 50  # the same share at any size
    assert Quiz.objects.exists()
    for enrolment in completed:
        assert enrolment.completed_at is not None
        assert course_quizzes_passed(enrolment.person_id, enrolment.course_id), enrolment
        for quiz in quizzes_of_course(enrolment.course_id):
            first_pass = (
                Attempt.objects.filter(person_id=enrolment.person_id, quiz=quiz, passed=True)
                .order_by("submitted_at")
                .values_list("submitted_at", flat=True)
                .first()
            )
            assert first_pass is not None and first_pass <= enrolment.completed_at, enrolment


def test_cohort_enrolment_is_bulk_and_idempotent(
    course: Course, programme: Programme, educator: Person, django_assert_max_num_queries: Any
) -> None:
    own = enrolment_create(person=educator, course=course)
    lesson_complete(enrolment=own, lesson=_lessons(course)[0])
    people = [educator, *PersonFactory.create_batch(30)]
    cohort = Cohort.objects.create(programme=programme, name="A", course=course)
    with django_assert_max_num_queries(6):
        assert cohort_enrol(cohort=cohort, people=people) == 31  # 30 new, and the educator joins with her own
    assert cohort_enrol(cohort=cohort, people=people) == 0
    assert Enrolment.objects.filter(cohort=cohort).count() == 31
    own.refresh_from_db()
    assert own.cohort == cohort and own.source == Enrolment.Source.SELF
    assert own.lessons_done.count() == 1


# --- pages ------------------------------------------------------------------------------------------


def test_an_educator_enrols_from_the_course_page(course: Course, educator: Person) -> None:
    client = _signed_in(educator)
    page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert reverse("learning:enrol", args=[course.code]) in page
    response = client.post(reverse("learning:enrol", args=[course.code]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=educator, course=course).exists()
    page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert "<progress" in page and reverse("learning:enrol", args=[course.code]) not in page


def test_the_enrol_button_is_not_offered_to_an_anonymous_visitor(course: Course) -> None:
    page = Client().get(reverse("catalog:course", args=[course.code])).content.decode()
    assert reverse("learning:enrol", args=[course.code]) not in page
    response = Client().post(reverse("learning:enrol", args=[course.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.MINISTRY_VIEWER])
def test_people_without_the_educator_role_cannot_enrol(course: Course, programme: Programme, role: Role) -> None:
    client = _signed_in(person_with_role(role, programme=programme))
    assert client.post(reverse("learning:enrol", args=[course.code])).status_code == 403
    assert not Enrolment.objects.exists()


def test_a_draft_course_cannot_be_enrolled_in(programme: Programme, educator: Person) -> None:
    course_build(programme=programme, code="draft", status=Course.Status.DRAFT)
    assert _signed_in(educator).post(reverse("learning:enrol", args=["draft"])).status_code == 404


def test_visiting_a_lesson_records_where_one_left_off(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    lesson = _lessons(course)[2]
    _signed_in(educator).get(reverse("catalog:lesson", args=[course.code, lesson.pk]))
    enrolment.refresh_from_db()
    assert enrolment.last_lesson == lesson and enrolment.last_visited_at is not None


def test_mark_as_done_works_without_javascript_and_twice(course: Course, educator: Person) -> None:
    enrolment_create(person=educator, course=course)
    client = _signed_in(educator)
    lesson = first_lesson(course)
    url = reverse("learning:lesson_done", args=[course.code, lesson.pk])
    page = client.get(reverse("catalog:lesson", args=[course.code, lesson.pk])).content.decode()
    assert f'action="{url}"' in page
    for _attempt in range(2):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("catalog:lesson", args=[course.code, lesson.pk])
    assert LessonProgress.objects.filter(lesson=lesson).count() == 1
    page = client.get(reverse("catalog:lesson", args=[course.code, lesson.pk])).content.decode()
    assert f'action="{url}"' not in page


def test_mark_as_done_needs_an_enrolment(course: Course, educator: Person) -> None:
    lesson = first_lesson(course)
    response = _signed_in(educator).post(reverse("learning:lesson_done", args=[course.code, lesson.pk]))
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_my_courses_shows_progress_and_where_to_continue(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    lessons = _lessons(course)
    lesson_complete(enrolment=enrolment, lesson=lessons[0])
    client = _signed_in(educator)
    client.get(reverse("catalog:lesson", args=[course.code, lessons[1].pk]))
    page = client.get(reverse("learning:list")).content.decode()
    assert '<progress max="4" value="1">' in page
    assert reverse("catalog:lesson", args=[course.code, lessons[1].pk]) in page


def test_the_educator_home_offers_to_continue(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    lesson = _lessons(course)[3]
    client = _signed_in(educator)
    client.get(reverse("catalog:lesson", args=[course.code, lesson.pk]))
    page = client.get(reverse("web:home")).content.decode()
    assert 'id="continue-title"' in page
    assert reverse("catalog:lesson", args=[course.code, lesson.pk]) in page
    assert enrolment.pk


@pytest.mark.parametrize("size", [1, 6])
def test_learning_pages_make_a_bounded_number_of_queries(
    programme: Programme, educator: Person, size: int, django_assert_max_num_queries: Any
) -> None:
    client = _signed_in(educator)
    for number in range(size):
        course = course_build(programme=programme, code=f"c-{number}", modules=size, lessons=size)
        enrolment = enrolment_create(person=educator, course=course)
        for lesson in _lessons(course)[:size]:
            lesson_complete(enrolment=enrolment, lesson=lesson)
    lesson = _lessons(course)[-1]
    rules = len(completion_rules())  # one query per rule (its bulk counterpart on "My courses")
    with django_assert_max_num_queries(8 + rules):
        client.get(reverse("learning:list"))
    with django_assert_max_num_queries(15 + rules):
        client.get(reverse("catalog:course", args=[course.code]))
    with django_assert_max_num_queries(15 + rules):
        client.get(reverse("catalog:lesson", args=[course.code, lesson.pk]))
    with django_assert_max_num_queries(16 + rules):
        client.post(reverse("learning:lesson_done", args=[course.code, lesson.pk]))


# --- the cohort page --------------------------------------------------------------------------------


@pytest.fixture
def cohort(course: Course, programme: Programme) -> Cohort:
    institution = PersonFactory().institution
    cohort = Cohort.objects.create(programme=programme, name="Cohort A", course=course, institution=institution)
    trainer = person_with_role(Role.TRAINER, programme=programme)
    cohort.trainers.add(trainer)
    return cohort


def test_the_cohort_page_shows_members_by_lessons(cohort: Cohort, programme: Programme) -> None:
    members = PersonFactory.create_batch(3)
    cohort_enrol(cohort=cohort, people=members)
    enrolment = Enrolment.objects.get(cohort=cohort, person=members[0])
    for lesson in _lessons(cohort.course):
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    page = _signed_in(cohort.trainers.get()).get(reverse("learning:cohort", args=[cohort.pk])).content.decode()
    assert members[0].family_name in page and members[2].family_name in page
    assert page.count("✓") == 4
    assert '<progress max="4" value="4">' in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("trainer", 200),
        ("national_admin", 200),
        ("coordinator", 200),
        ("other_trainer", 403),
        ("other_coordinator", 403),
        ("educator", 403),
        ("ministry_viewer", 403),
    ],
)
def test_who_sees_a_cohort(cohort: Cohort, programme: Programme, who: str, status: int) -> None:
    people = {
        "trainer": lambda: cohort.trainers.get(),
        "national_admin": lambda: person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        "coordinator": lambda: person_with_role(Role.COORDINATOR, programme=programme, institution=cohort.institution),
        "other_trainer": lambda: person_with_role(Role.TRAINER, programme=programme),
        "other_coordinator": lambda: person_with_role(Role.COORDINATOR, programme=programme),
        "educator": lambda: person_with_role(Role.EDUCATOR, programme=programme),
        "ministry_viewer": lambda: person_with_role(Role.MINISTRY_VIEWER, programme=programme),
    }
    response = _signed_in(people[who]()).get(reverse("learning:cohort", args=[cohort.pk]))
    assert response.status_code == status


def test_an_unknown_cohort_is_404(educator: Person) -> None:
    assert _signed_in(educator).get(reverse("learning:cohort", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_the_cohort_page_makes_a_bounded_number_of_queries(
    cohort: Cohort, size: int, django_assert_max_num_queries: Any
) -> None:
    cohort_enrol(cohort=cohort, people=PersonFactory.create_batch(size))
    for enrolment in Enrolment.objects.filter(cohort=cohort):
        lesson_complete(enrolment=enrolment, lesson=first_lesson(cohort.course))
    client = _signed_in(cohort.trainers.get())
    with django_assert_max_num_queries(10 + len(completion_rules())):
        assert client.get(reverse("learning:cohort", args=[cohort.pk])).status_code == 200


def test_course_page_offers_to_start_continue_or_review(course: Course, educator: Person) -> None:
    """The course page's main button follows the reader's progress."""
    educator.preferred_language = "en"
    educator.save(update_fields=["preferred_language"])
    client = _signed_in(educator)
    url = reverse("catalog:course", args=[course.code])
    second = _lessons(course)[1]

    assert "Start the course" in client.get(url).content.decode()
    enrolment = Enrolment.objects.create(person=educator, course=course, last_lesson=second)
    page = client.get(url).content.decode()
    assert "Continue where you left off" in page
    assert reverse("catalog:lesson", args=[course.code, second.pk]) in page
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    assert "Review the course" in client.get(url).content.decode()
