from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erdem.assessments.models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz, QuizTranslation
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.authoring.selectors import unit_texts
from erdem.authoring.services import QuizSettings, TextEdit, quiz_save, unit_texts_save
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

from .factories import team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> Programme:
    return ProgrammeFactory.create()


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, code="course-a", modules=1, lessons=2)


@pytest.fixture
def quiz(course: Course) -> Quiz:
    quiz = quiz_build(lesson=first_lesson(course), pass_mark=60)
    question_add(quiz, Question.Kind.SINGLE, text="Сонго", choices=(True, False))
    question_add(quiz, Question.Kind.SHORT_TEXT, text="Бич", accepted={"mn": "ном", "en": "book"})
    return quiz


@pytest.fixture
def member(course: Course) -> Person:
    return team_member(course)


def _client(person: Person) -> Client:
    """Signed in, reading the pages in English."""
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(person)
    return client


def _form(client: Client, url: str) -> dict[str, Any]:
    """The quiz editor's form as the page loads it."""
    form_data: dict[str, Any] = {}
    context = client.get(url).context
    for form in [context["settings_form"], *_text_forms(context)]:
        for name in form.fields:
            value = form[name].value()
            form_data[form.add_prefix(name)] = "" if value is None else value
    return form_data


def _text_forms(context: Any) -> list[Any]:
    forms = [column["fields"][0].form for column in context["quiz_columns"][:1]]
    for item in context["questions"]:
        forms.append(item["columns"][0]["fields"][0].form)
        forms.extend(choice["columns"][0]["fields"][0].form for choice in item["choices"])
    return forms


def test_a_team_member_edits_the_quiz_side_by_side(course: Course, quiz: Quiz, member: Person) -> None:
    client = _client(member)
    url = reverse("authoring:quiz", args=[course.code, quiz.pk])
    single, short = Question.objects.filter(quiz=quiz).order_by("position")
    choice = Choice.objects.filter(question=single).order_by("position").first()
    assert choice is not None
    data = _form(client, url)
    data.update(
        {
            "settings-pass_mark": "80",
            "settings-draw_count": "1",
            f"quiz-{quiz.pk}-mn-title": "Шалгалт",
            f"question-{single.pk}-en-text": "Pick one",
            f"question-{short.pk}-mn-accepted_pattern": "^ном(ууд)?$",
            f"choice-{choice.pk}-mn-text": "Зөв хариулт",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["settings_form"].errors
    quiz.refresh_from_db()
    assert (quiz.pass_mark, quiz.draw_count) == (80, 1)
    assert QuizTranslation.objects.get(quiz=quiz, language_code="mn").title == "Шалгалт"
    assert QuestionTranslation.objects.get(question=single, language_code="en").text == "Pick one"
    assert QuestionTranslation.objects.get(question=short, language_code="mn").accepted_pattern == "^ном(ууд)?$"
    assert ChoiceTranslation.objects.get(choice=choice, language_code="mn").text == "Зөв хариулт"


def test_bad_input_is_refused_with_reasons(course: Course, quiz: Quiz, member: Person) -> None:
    client = _client(member)
    url = reverse("authoring:quiz", args=[course.code, quiz.pk])
    short = Question.objects.get(quiz=quiz, kind=Question.Kind.SHORT_TEXT)
    data = _form(client, url)
    too_many = client.post(url, {**data, "settings-draw_count": "5"})
    assert too_many.status_code == 400
    assert "fewer questions than it should draw" in too_many.content.decode()
    bad_pattern = client.post(url, {**data, f"question-{short.pk}-en-accepted_pattern": "(unclosed"})
    assert bad_pattern.status_code == 200
    assert bad_pattern.context["text_errors"]
    assert QuestionTranslation.objects.get(question=short, language_code="en").accepted_pattern == ""


def test_a_conflict_on_one_choice_saves_nothing(course: Course, quiz: Quiz, member: Person) -> None:
    client = _client(member)
    url = reverse("authoring:quiz", args=[course.code, quiz.pk])
    choice = Choice.objects.filter(question__quiz=quiz).order_by("question__position", "position").first()
    assert choice is not None
    data = _form(client, url)
    opened = unit_texts(unit=choice)["en"]
    unit_texts_save(
        unit=choice,
        edits=[
            TextEdit(language_code="en", status=opened.status, values={"text": "Theirs"}, loaded_version=opened.version)
        ],
    )
    response = client.post(url, {**data, "settings-pass_mark": "90", f"choice-{choice.pk}-en-text": "Mine"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Theirs" in page and "Mine" in page
    quiz.refresh_from_db()
    assert quiz.pass_mark == 60  # the settings were not saved either
    assert ChoiceTranslation.objects.get(choice=choice, language_code="en").text == "Theirs"


def test_quizzes_are_reached_only_through_their_own_course(
    programme: Programme, course: Course, quiz: Quiz, member: Person
) -> None:
    other = course_build(programme=programme, code="course-b", modules=1, lessons=1)
    other_quiz = quiz_build(lesson=first_lesson(other))
    client = _client(member)
    assert client.get(reverse("authoring:quiz", args=[course.code, other_quiz.pk])).status_code == 404
    assert client.get(reverse("authoring:quiz", args=[other.code, other_quiz.pk])).status_code == 403
    assert Client().get(reverse("authoring:quiz", args=[course.code, quiz.pk])).status_code == 302


def test_quiz_save_refuses_texts_of_another_quiz(course: Course, quiz: Quiz) -> None:
    stranger = quiz_build(lesson=first_lesson(course))
    settings = QuizSettings(pass_mark=50, attempt_limit=0, time_limit_minutes=None, feedback="none", draw_count=0)
    with pytest.raises(ValidationError):
        quiz_save(quiz=quiz, quiz_settings=settings, changes=[(stranger, [])])


def test_the_quiz_editor_runs_the_same_number_of_queries_whatever_the_number_of_questions(
    course: Course, quiz: Quiz, member: Person
) -> None:
    client = _client(member)
    url = reverse("authoring:quiz", args=[course.code, quiz.pk])
    counts = []
    for _round in range(2):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
        for _more in range(4):
            question_add(quiz, Question.Kind.MULTIPLE, choices=(True, False, True))
    assert counts[0] == counts[1]


def test_a_choice_longer_than_its_column_is_refused_with_a_reason(course: Course, quiz: Quiz, member: Person) -> None:
    client = _client(member)
    url = reverse("authoring:quiz", args=[course.code, quiz.pk])
    choice = Choice.objects.filter(question__quiz=quiz).first()
    assert choice is not None
    response = client.post(url, {**_form(client, url), f"choice-{choice.pk}-mn-text": "ж" * 501})
    assert response.status_code == 200
    assert "at most 500 characters" in response.content.decode()
