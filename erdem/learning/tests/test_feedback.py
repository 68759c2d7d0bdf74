"""The feedback survey at completion, the "rated highly" figure, progress per activity and the
cohort's enrolment page."""

import datetime as dt
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt, Question
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.catalog.models import Course, Lesson
from erdem.catalog.tests.factories import course_build
from erdem.learning.completion import bulk_rules, completion_rules, enrolment_progress, enrolments_progress
from erdem.learning.forms import emails_in, invalid_entries, lines_without_address
from erdem.learning.models import Cohort, CourseFeedback, Enrolment
from erdem.learning.selectors import feedback_rated_highly, feedback_rated_highly_by_course
from erdem.learning.services import (
    FEEDBACK_EDITABLE_FOR,
    cohort_enrol,
    enrolment_create,
    feedback_submit,
    lesson_complete,
)
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=1, lessons=2)


@pytest.fixture
def educator(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en"))


def _lessons(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(module__course=course).order_by("module__position", "position"))


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _completed(person: Person, course: Course) -> Enrolment:
    enrolment = enrolment_create(person=person, course=course)
    for lesson in _lessons(course):
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    assert enrolment.completed_at is not None
    return enrolment


# --- the service --------------------------------------------------------------------------------


def test_feedback_is_only_for_a_completed_course(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    with pytest.raises(ValidationError) as refused:
        feedback_submit(enrolment=enrolment, rating=5, usefulness=5, language_code="en")
    assert refused.value.code == "not_complete"
    assert not CourseFeedback.objects.exists()


def test_feedback_is_one_per_enrolment_and_editable_for_a_while(course: Course, educator: Person) -> None:
    enrolment = _completed(educator, course)
    first, created = feedback_submit(enrolment=enrolment, rating=3, usefulness=4, comment=" Good ", language_code="mn")
    assert created and first.comment == "Good" and first.language_code == "mn"
    again, created = feedback_submit(enrolment=enrolment, rating=5, usefulness=5, language_code="en")
    assert not created and again.pk == first.pk and (again.rating, again.language_code) == (5, "en")
    assert CourseFeedback.objects.count() == 1
    CourseFeedback.objects.update(submitted_at=timezone.now() - FEEDBACK_EDITABLE_FOR - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        feedback_submit(enrolment=enrolment, rating=1, usefulness=1, language_code="en")
    assert refused.value.code == "closed"
    assert CourseFeedback.objects.get().rating == 5


@pytest.mark.parametrize(("rating", "usefulness"), [(0, 3), (6, 3), (3, 0), (3, 9)])
def test_scores_outside_one_to_five_are_refused(course: Course, educator: Person, rating: int, usefulness: int) -> None:
    enrolment = _completed(educator, course)
    with pytest.raises(ValidationError):
        feedback_submit(enrolment=enrolment, rating=rating, usefulness=usefulness, language_code="en")
    assert not CourseFeedback.objects.exists()


def test_the_comment_is_plain_text_limited_in_length(course: Course, educator: Person) -> None:
    enrolment = _completed(educator, course)
    with pytest.raises(ValidationError) as refused:
        feedback_submit(enrolment=enrolment, rating=4, usefulness=4, comment="x" * 2001, language_code="en")
    assert refused.value.code == "too_long"
    feedback, _created = feedback_submit(
        enrolment=enrolment, rating=4, usefulness=4, comment="a\x00b\x1b<script>", language_code="xx"
    )
    assert feedback.comment == "ab<script>" and feedback.language_code == "mn"


# --- the pages ----------------------------------------------------------------------------------


def test_completing_the_last_lesson_leads_to_the_survey(course: Course, educator: Person) -> None:
    enrolment = enrolment_create(person=educator, course=course)
    first, last = _lessons(course)
    lesson_complete(enrolment=enrolment, lesson=first)
    client = _signed_in(educator)
    response = client.post(reverse("learning:lesson_done", args=[course.code, last.pk]))
    assert response["Location"] == reverse("learning:feedback", args=[course.code])
    page = client.get(response["Location"]).content.decode()
    assert "Overall, how would you rate this course?" in page and 'name="rating"' in page


def test_the_survey_is_sent_without_javascript_and_shown_escaped(course: Course, educator: Person) -> None:
    _completed(educator, course)
    client = _signed_in(educator)
    url = reverse("learning:feedback", args=[course.code])
    response = client.post(url, {"rating": "5", "usefulness": "4", "comment": "<b>Great</b> course"})
    assert response.status_code == 302 and response["Location"] == reverse("catalog:course", args=[course.code])
    feedback = CourseFeedback.objects.get()
    assert (feedback.rating, feedback.usefulness, feedback.language_code) == (5, 4, "en")
    course_page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert "Thank you for your feedback on this course." in course_page
    CourseFeedback.objects.update(submitted_at=timezone.now() - FEEDBACK_EDITABLE_FOR - dt.timedelta(days=1))
    page = client.get(url).content.decode()
    assert "&lt;b&gt;Great&lt;/b&gt; course" in page and "<b>Great</b>" not in page
    assert 'name="rating"' not in page
    assert client.post(url, {"rating": "1", "usefulness": "1"}).status_code == 302
    assert CourseFeedback.objects.get().rating == 5


def test_a_bad_answer_is_explained_in_the_learners_language(course: Course, educator: Person) -> None:
    _completed(educator, course)
    educator.preferred_language = "mn"
    educator.save(update_fields=["preferred_language"])
    page = _signed_in(educator).post(reverse("learning:feedback", args=[course.code]), {"rating": "9"})
    assert page.status_code == 200
    assert "Доорх алдааг засна уу." in page.content.decode()
    assert not CourseFeedback.objects.exists()


def test_the_survey_is_not_offered_before_completion_nor_to_others(course: Course, educator: Person) -> None:
    enrolment_create(person=educator, course=course)
    url = reverse("learning:feedback", args=[course.code])
    assert _signed_in(educator).get(url).status_code == 404
    other = person_with_role(Role.EDUCATOR, programme=course.programme)
    _completed(educator, course)
    assert _signed_in(other).post(url, {"rating": "1", "usefulness": "1"}).status_code == 404
    assert not CourseFeedback.objects.exists()


def test_my_courses_and_the_course_page_offer_the_survey_and_show_progress_per_activity(
    course: Course, educator: Person
) -> None:
    quiz = quiz_build(lesson=_lessons(course)[1], pass_mark=100)
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    enrolment = enrolment_create(person=educator, course=course)
    lesson_complete(enrolment=enrolment, lesson=_lessons(course)[0])
    client = _signed_in(educator)
    page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert "1 of 2 lessons done" in page and "Quizzes passed: 0/1" in page
    assert reverse("learning:feedback", args=[course.code]) not in page
    Attempt.objects.create(person=educator, quiz=quiz, started_at=timezone.now(), score=100, passed=True)
    _completed(educator, course)
    mine = client.get(reverse("learning:list")).content.decode()
    assert "2 of 2 lessons done" in mine and "Quizzes passed: 1/1" in mine
    assert "Tell us what you thought of the course" in mine
    page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert "Tell us what you thought of the course" in page


# --- the "rated highly" figure --------------------------------------------------------------------


def test_rated_highly_counts_fours_and_fives_per_course_and_overall(
    programme: Programme, course: Course, django_assert_num_queries: Any
) -> None:
    other = course_build(programme=programme, code="other", modules=1, lessons=1)
    for rating, target in [(5, course), (4, course), (3, course), (2, course), (5, other)]:
        learner = person_with_role(Role.EDUCATOR, programme=programme)
        feedback_submit(enrolment=_completed(learner, target), rating=rating, usefulness=3, language_code="mn")
    with django_assert_num_queries(1):
        overall = feedback_rated_highly(programme_id=programme.pk)
    assert (overall.high, overall.count, overall.percent) == (3, 5, 60)
    with django_assert_num_queries(1):
        by_course = feedback_rated_highly_by_course(programme_id=programme.pk)
    assert by_course[course.pk].share == 0.5 and by_course[other.pk].share == 1.0
    assert feedback_rated_highly(course_ids=[other.pk]).count == 1
    assert feedback_rated_highly(programme_id=ProgrammeFactory.create().pk).share is None


def test_the_course_team_sees_the_rating_learners_do_not(programme: Programme, course: Course) -> None:
    learner = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")
    feedback_submit(enrolment=_completed(learner, course), rating=5, usefulness=5, language_code="mn")
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")
    viewer = person_with_role(Role.MINISTRY_VIEWER, programme=programme, preferred_language="en")
    url = reverse("catalog:course", args=[course.code])
    for person in (admin, viewer):
        assert "Rated highly (4 or 5 out of 5) by 100% of 1 learner" in _signed_in(person).get(url).content.decode()
    assert "Rated highly" not in _signed_in(learner).get(url).content.decode()


# --- progress per activity, many at once ----------------------------------------------------------


def test_every_bulk_counterpart_answers_as_its_rule(programme: Programme, course: Course) -> None:
    quiz = quiz_build(lesson=_lessons(course)[0], pass_mark=100)
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    other = course_build(programme=programme, code="other", modules=2, lessons=1)
    people = [person_with_role(Role.EDUCATOR, programme=programme) for _number in range(3)]
    enrolments = [enrolment_create(person=person, course=target) for person in people for target in (course, other)]
    lesson_complete(enrolment=enrolments[0], lesson=_lessons(course)[0])
    for lesson in _lessons(other):
        lesson_complete(enrolment=enrolments[3], lesson=lesson)
    Attempt.objects.create(person=people[0], quiz=quiz, started_at=timezone.now(), score=100, passed=True)
    Attempt.objects.create(person=people[1], quiz=quiz, started_at=timezone.now(), score=0, passed=False)
    assert set(bulk_rules()) <= set(completion_rules())
    many = enrolments_progress(enrolments)
    for enrolment in enrolments:
        assert many[enrolment.pk] == enrolment_progress(enrolment), enrolment


@pytest.mark.parametrize("size", [3, 30])
def test_progress_of_many_enrolments_takes_one_query_per_rule(
    programme: Programme, course: Course, size: int, django_assert_max_num_queries: Any
) -> None:
    cohort = Cohort.objects.create(programme=programme, name="C", course=course)
    cohort_enrol(cohort=cohort, people=PersonFactory.create_batch(size))
    enrolments = list(Enrolment.objects.filter(cohort=cohort))
    with django_assert_max_num_queries(len(completion_rules())):
        progress = enrolments_progress(enrolments)
    assert len(progress) == size and all(len(rows) == len(completion_rules()) for rows in progress.values())


# --- the cohort's enrolment page ------------------------------------------------------------------


@pytest.fixture
def cohort(course: Course, programme: Programme) -> Cohort:
    institution = InstitutionFactory()
    cohort = Cohort.objects.create(programme=programme, name="Cohort A", course=course, institution=institution)
    cohort.trainers.add(person_with_role(Role.TRAINER, programme=programme, preferred_language="en"))
    return cohort


def _staff(cohort: Cohort, count: int) -> list[Person]:
    return [
        person_with_role(Role.EDUCATOR, programme=cohort.programme, institution=cohort.institution)
        for _number in range(count)
    ]


def test_a_trainer_enrols_staff_picked_from_the_institution(cohort: Cohort) -> None:
    staff = _staff(cohort, 3)
    elsewhere = person_with_role(Role.EDUCATOR, programme=cohort.programme)
    client = _signed_in(cohort.trainers.get())
    url = reverse("learning:cohort_enrol", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert all(person.email in page for person in staff) and elsewhere.email not in page
    response = client.post(url, {"people": [staff[0].pk, staff[1].pk]})
    assert response.status_code == 302 and response["Location"] == reverse("learning:cohort", args=[cohort.pk])
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True)) == {
        staff[0].pk,
        staff[1].pk,
    }
    page = client.get(url).content.decode()
    assert staff[0].email not in page and staff[2].email in page
    # Someone not on the list cannot be slipped in by id.
    assert client.post(url, {"people": [elsewhere.pk]}).status_code == 200
    assert not Enrolment.objects.filter(person=elsewhere).exists()


def test_a_list_of_e_mails_enrols_known_educators_and_reports_the_rest(cohort: Cohort) -> None:
    known = person_with_role(Role.EDUCATOR, programme=cohort.programme)
    not_educator = PersonFactory()
    client = _signed_in(cohort.trainers.get())
    url = reverse("learning:cohort_enrol", args=[cohort.pk])
    listing = f"Name <{known.email.upper()}>; nobody@example.mn\n{not_educator.email}\n".encode()
    response = client.post(url, {"email_file": SimpleUploadedFile("list.txt", listing)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nobody@example.mn" in page and str(not_educator.email) in page
    assert list(Enrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True)) == [known.pk]
    # Sending the same list again enrols nobody twice.
    client.post(url, {"emails": known.email})
    assert Enrolment.objects.filter(person=known).count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00\x01PK binary", "The file is not a text file."), (b"\xff\xfe\xfa caf\xe9", "not a UTF-8 text file")],
)
def test_an_uploaded_list_that_is_not_text_is_refused(cohort: Cohort, content: bytes, message: str) -> None:
    client = _signed_in(cohort.trainers.get())
    response = client.post(
        reverse("learning:cohort_enrol", args=[cohort.pk]), {"email_file": SimpleUploadedFile("list.csv", content)}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Enrolment.objects.exists()


def test_an_empty_form_asks_for_someone(cohort: Cohort) -> None:
    response = _signed_in(cohort.trainers.get()).post(reverse("learning:cohort_enrol", args=[cohort.pk]), {})
    assert "Pick at least one person or give their e-mail addresses." in response.content.decode()


def test_entries_that_are_not_addresses_are_reported(cohort: Cohort) -> None:
    known = person_with_role(Role.EDUCATOR, programme=cohort.programme)
    client = _signed_in(cohort.trainers.get())
    url = reverse("learning:cohort_enrol", args=[cohort.pk])
    response = client.post(url, {"emails": f"{known.email}\nfoo\nbar@baz"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "These 2 entries are not e-mail addresses and were skipped:" in page
    assert "<li>foo</li>" in page and "<li>bar@baz</li>" in page
    assert list(Enrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True)) == [known.pk]
    # Only invalid entries: nothing to enrol, the form says why.
    response = client.post(url, {"emails": "foo"})
    assert "These entries are not e-mail addresses: foo" in response.content.decode()


def test_invalid_entries_in_any_common_shape() -> None:
    text = "a@x.mn, foo; Dorj <d@z.mn>\nBat Bold\n\n  b@y.org  c@z  \nName <nothing>"
    assert invalid_entries(text) == ["foo", "Bat", "Bold", "c@z", "Name <nothing>"]
    assert lines_without_address("name,email\nBat,bat@x.mn\nDorj,\n,,\nfoo\n") == ["Dorj,", "foo"]
    assert lines_without_address("bat@x.mn\nfoo") == ["foo"]


def test_e_mail_lists_are_read_in_any_common_shape() -> None:
    text = "a@x.mn, B@X.MN;c@y.org\n  Dorj <d@z.mn>\nnot-an-address\na@x.mn\ne\x00@x.mn"
    assert emails_in(text) == ["a@x.mn", "b@x.mn", "c@y.org", "d@z.mn"]  # a control character breaks an address


@pytest.mark.parametrize(
    ("who", "status"),
    [("trainer", 200), ("coordinator", 200), ("national_admin", 200), ("other_trainer", 403), ("educator", 403)],
)
def test_who_may_enrol_people_in_a_cohort(cohort: Cohort, who: str, status: int) -> None:
    programme = cohort.programme
    people = {
        "trainer": lambda: cohort.trainers.get(),
        "coordinator": lambda: person_with_role(Role.COORDINATOR, programme=programme, institution=cohort.institution),
        "national_admin": lambda: person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        "other_trainer": lambda: person_with_role(Role.TRAINER, programme=programme),
        "educator": lambda: person_with_role(Role.EDUCATOR, programme=programme),
    }
    staff = _staff(cohort, 1)[0]
    client = _signed_in(people[who]())
    url = reverse("learning:cohort_enrol", args=[cohort.pk])
    assert client.get(url).status_code == status
    client.post(url, {"people": [staff.pk]})
    assert Enrolment.objects.filter(cohort=cohort).exists() == (status == 200)


@pytest.mark.parametrize("size", [5, 60])
def test_the_enrolment_page_makes_a_bounded_number_of_queries(
    cohort: Cohort, size: int, django_assert_max_num_queries: Any
) -> None:
    staff = _staff(cohort, size)
    client = _signed_in(cohort.trainers.get())
    url = reverse("learning:cohort_enrol", args=[cohort.pk])
    with django_assert_max_num_queries(10):
        client.get(url)
    with django_assert_max_num_queries(16):
        client.post(url, {"people": [person.pk for person in staff], "emails": staff[0].email})
    assert Enrolment.objects.filter(cohort=cohort).count() == size


def test_the_cohort_page_has_a_column_per_kind_of_activity_someone_has_to_do(cohort: Cohort) -> None:
    members = _staff(cohort, 2)
    cohort_enrol(cohort=cohort, people=members)
    client = _signed_in(cohort.trainers.get())
    url = reverse("learning:cohort", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert '<th scope="col">Lessons done</th>' in page and "Quizzes passed" not in page
    quiz = quiz_build(lesson=_lessons(cohort.course)[0], pass_mark=100)
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    Attempt.objects.create(person=members[0], quiz=quiz, started_at=timezone.now(), score=100, passed=True)
    page = client.get(url).content.decode()
    assert '<th scope="col">Quizzes passed</th>' in page
    assert page.count("<td>1/1</td>") == 1 and page.count("<td>0/1</td>") == 1


def test_the_lesson_page_of_a_completed_course_offers_the_survey(course: Course, educator: Person) -> None:
    lesson = _lessons(course)[0]
    url = reverse("catalog:lesson", args=[course.code, lesson.pk])
    enrolment_create(person=educator, course=course)
    client = _signed_in(educator)
    assert reverse("learning:feedback", args=[course.code]) not in client.get(url).content.decode()
    _completed(educator, course)
    assert reverse("learning:feedback", args=[course.code]) in client.get(url).content.decode()
