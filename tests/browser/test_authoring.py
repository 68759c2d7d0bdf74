"""A course team member edits a lesson side by side in Mongolian and English, previews the
Markdown as learners will see it, saves, previews the lesson as a Mongolian reader, meets a
co-author's save without losing either text, and edits the lesson's quiz."""

import re

import pytest
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Question
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.authoring.selectors import unit_texts
from erdem.authoring.services import TextEdit, unit_texts_save
from erdem.catalog.models import LessonTranslation, TranslationStatus
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Peak-2026"


def test_a_team_member_edits_a_lesson_in_both_languages_and_previews_it(page: Page) -> None:
    programme = ProgrammeFactory()
    author = person_with_role(Role.MASTER_TEACHER, programme=programme, email="oyun@example.mn")
    author.set_password(PASSWORD)
    author.preferred_language = "en"
    author.save()
    course = course_build(programme=programme, code="ai-101", modules=2, lessons=2)
    course.team.add(author)
    lesson = first_lesson(course)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("oyun@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    page.goto("/authoring/")
    expect(page.locator(".translation-progress")).to_contain_text("Mongolian")
    assert_accessible(page)
    screenshot(page, "authoring-courses")
    page.get_by_role("link", name="Basics", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Basics")
    expect(page.get_by_role("link", name="Package and translations")).to_have_attribute(
        "href", f"/courses/{course.code}/package/"
    )
    assert_accessible(page)
    screenshot(page, "authoring-structure")

    # The Mongolian title exists, but learners do not see it yet: the editor says so.
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(status=TranslationStatus.MISSING)
    page.get_by_role("link", name="Lesson 1.1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1.1: Lesson 1.1")
    expect(page.locator(".breadcrumb")).to_contain_text("Module 1: Module-1")
    mongolian = page.locator("fieldset[lang=mn]")
    english = page.locator("fieldset[lang=en]")
    expect(mongolian.locator("legend .badge")).to_have_text("saved as missing")
    expect(mongolian.locator(".fallback-note")).to_contain_text("Learners do not see this text yet")
    expect(english.locator("legend .badge")).to_have_text("saved as published")
    expect(english.locator(".fallback-note")).to_have_count(0)
    mongolian.get_by_label("Title").fill("Хиймэл оюун гэж юу вэ?")
    mongolian.get_by_label("Text (Markdown)").fill(
        "## Танилцуулга\n\nХиймэл оюун нь **өгөгдлөөс** суралцдаг.\n\n- Жишээ нэг\n- Жишээ хоёр"
    )
    mongolian.get_by_label("Translation status").select_option("draft")
    english.get_by_label("Title").fill("What is AI?")
    english.get_by_label("Text (Markdown)").fill("## Introduction\n\nAI learns from **data**.")
    english.get_by_label("Translation status").select_option("reviewed")
    page.get_by_role("button", name="Preview the text").click()
    expect(mongolian.locator(".body-preview .lesson-body h2")).to_have_text("Танилцуулга")
    expect(english.locator(".body-preview .lesson-body strong")).to_have_text("data")
    assert_accessible(page)
    screenshot(page, "authoring-lesson-side-by-side")

    # Published with an empty text is refused on the field; the draft is saved as it is.
    mongolian.get_by_label("Translation status").select_option("published")
    mongolian.get_by_label("Text (Markdown)").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(mongolian.locator(".errorlist")).to_contain_text("empty lesson")
    mongolian.get_by_label("Text (Markdown)").fill(
        "## Танилцуулга\n\nХиймэл оюун нь **өгөгдлөөс** суралцдаг.\n\n- Жишээ нэг\n- Жишээ хоёр"
    )
    mongolian.get_by_label("Translation status").select_option("draft")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    texts = {t.language_code: t for t in LessonTranslation.objects.filter(lesson=lesson)}
    assert (texts["mn"].title, texts["mn"].status) == ("Хиймэл оюун гэж юу вэ?", TranslationStatus.DRAFT)
    assert (texts["en"].title, texts["en"].status) == ("What is AI?", TranslationStatus.REVIEWED)

    page.get_by_role("link", name="Preview in Mongolian").click()
    expect(page.locator(".preview-banner")).to_contain_text("Урьдчилан харах")
    expect(page.get_by_role("heading", level=1)).to_have_text("Хиймэл оюун гэж юу вэ?")
    expect(page.locator(".lesson-body li")).to_have_count(2)
    expect(page.locator(".preview-fallbacks")).to_contain_text(
        "суралцагчид огт харахгүй"
    )  # reviewed in English, published nowhere
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    assert_accessible(page)
    screenshot(page, "authoring-lesson-preview-mn")

    # A co-author saves the Mongolian text while this author is still editing it.
    page.get_by_role("link", name="Засварлагч руу буцах").click()  # the editor speaks the author's English again
    mongolian.get_by_label("Text (Markdown)").fill("Миний шинэ хувилбар.")
    opened = unit_texts(unit=lesson)["mn"]
    unit_texts_save(
        unit=lesson,
        edits=[TextEdit(language_code="mn", status="draft", values={**opened.values, "body": "Хамтрагчийн хувилбар."},
                        loaded_version=opened.version)],
    )  # fmt: skip
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".conflict")).to_contain_text("Хамтрагчийн хувилбар.")
    expect(mongolian.get_by_label("Text (Markdown)")).to_have_value("Миний шинэ хувилбар.")
    assert_accessible(page)
    screenshot(page, "authoring-lesson-conflict")
    page.get_by_role("button", name="Save", exact=True).click()  # deliberately replaces their version
    expect(page.locator(".messages")).to_contain_text("Saved.")
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").body == "Миний шинэ хувилбар."

    page.goto(f"/authoring/{course.code}/settings/")
    expect(page.get_by_label("Course team")).to_have_value("oyun@example.mn")
    assert_accessible(page)
    screenshot(page, "authoring-settings")

    # The lesson's quiz: its settings and texts side by side.
    quiz = quiz_build(lesson=lesson)
    question = question_add(quiz, Question.Kind.SINGLE, text="Хиймэл оюун", choices=(True, False))
    page.goto(f"/authoring/{course.code}/lessons/{lesson.pk}/")
    page.get_by_role("link", name="Quiz", exact=True).click()
    first_choice = page.locator(".quiz-choice").first
    first_choice.locator("fieldset[lang=mn]").get_by_label("Text").fill("Өгөгдлөөс суралцдаг систем")
    page.get_by_label("Pass mark (%)").fill("80")
    assert_accessible(page)
    screenshot(page, "authoring-quiz")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    choice = question.choices.order_by("position").first()
    assert choice is not None
    assert choice.translations.get(language_code="mn").text == "Өгөгдлөөс суралцдаг систем"

    # On a phone the two languages stack, one above the other.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/authoring/{course.code}/lessons/{lesson.pk}/")
    mongolian_box, english_box = mongolian.bounding_box(), english.bounding_box()
    assert mongolian_box is not None and english_box is not None
    assert english_box["y"] > mongolian_box["y"] + mongolian_box["height"] - 1
    screenshot(page, "authoring-lesson-phone")
    page.goto("/authoring/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the progress table fits a phone
    screenshot(page, "authoring-courses-phone")
