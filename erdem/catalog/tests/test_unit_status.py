from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from erdem.assessments.models import Question
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.catalog.models import LessonTranslation, ModuleTranslation, TranslationStatus
from erdem.catalog.tests.factories import attachment_add, course_build, first_lesson, image_add
from erdem.catalog.unit_status import KINDS, translation_problems, translation_progress, translation_validate
from erdem.catalog.units import course_units
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

PUBLISHED, REVIEWED, DRAFT = TranslationStatus.PUBLISHED, TranslationStatus.REVIEWED, TranslationStatus.DRAFT


def test_a_published_or_reviewed_lesson_needs_its_title_and_its_text() -> None:
    for status in (PUBLISHED, REVIEWED):
        problems = translation_problems(kind="lesson", status=status, texts={"title": "Хичээл", "body": "  \n"})
        assert list(problems) == ["body"]
        assert "empty lesson" in problems["body"]
        assert list(translation_problems(kind="lesson", status=status, texts={"body": "Text"})) == ["title"]
    # A draft, a machine draft or a missing text may be anything, even empty.
    for status in (DRAFT, TranslationStatus.MACHINE_DRAFT, TranslationStatus.MISSING):
        assert translation_problems(kind="lesson", status=status, texts={}) == {}


def test_a_course_needs_a_title_not_a_summary_and_a_module_a_title() -> None:
    assert translation_problems(kind="course", status=PUBLISHED, texts={"title": "Үндэс", "summary": ""}) == {}
    assert list(translation_problems(kind="course", status=PUBLISHED, texts={"summary": "Товч"})) == ["title"]
    assert list(translation_problems(kind="module", status=REVIEWED, texts={"title": ""})) == ["title"]
    assert list(translation_problems(kind="choice", status=PUBLISHED, texts={"text": ""})) == ["text"]


def test_the_refusal_is_per_field_and_in_the_readers_language() -> None:
    with translation.override("mn"), pytest.raises(ValidationError) as refused:
        translation_validate(kind="lesson", status=PUBLISHED, texts={"title": "", "body": ""})
    messages = refused.value.message_dict
    assert set(messages) == {"title", "body"}
    assert "хоосон" in messages["body"][0]  # Mongolian, not the English source


def test_progress_counts_every_unit_as_the_package_does(
    settings: Any, tmp_path: Path, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    programme = ProgrammeFactory.create()
    course = course_build(programme=programme, code="counted", modules=2, lessons=2)
    other = course_build(programme=programme, code="other", modules=1, lessons=1)
    lesson = first_lesson(course)
    quiz = quiz_build(lesson=lesson, languages=("en",))  # no Mongolian text at all
    question_add(quiz, Question.Kind.SINGLE, choices=(True, False))
    image_add(lesson)
    attachment_add(lesson)
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(status=TranslationStatus.MISSING)
    ModuleTranslation.objects.filter(module__course=course, language_code="en").update(status=DRAFT)
    units = course_units(course)
    expected = {code: Counter(unit.status(code) for unit in units) for code in ("mn", "en")}
    with django_assert_num_queries(len(KINDS)):
        progress = translation_progress(course_ids=[course.pk, other.pk], languages=["mn", "en"])
    for code in ("mn", "en"):
        assert progress[course.pk][code] == {status: expected[code][status] for status in TranslationStatus.values}
    # 1 course + 2 modules + 4 lessons + quiz, question, 2 choices + image + file = 13 units.
    assert sum(progress[course.pk]["mn"].values()) == 13
    assert progress[course.pk]["mn"]["missing"] == 2  # the lesson marked missing, the quiz with no Mongolian text
    assert progress[course.pk]["en"]["draft"] == 2
    assert progress[other.pk]["mn"] == {"missing": 0, "draft": 0, "machine_draft": 0, "reviewed": 0, "published": 3}
