"""An educator takes a course in Mongolian: enrols, reads and marks both lessons done, passes the
quiz on the second lesson, and the course shows as completed."""

import re

import pytest
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt, Question
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.catalog.models import Lesson
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Enrolment
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Gobi-Camel-2026"


def test_an_educator_completes_a_course_in_mongolian(page: Page) -> None:
    programme = ProgrammeFactory()
    educator = person_with_role(Role.EDUCATOR, programme=programme, email="saraa@example.mn")
    educator.set_password(PASSWORD)
    educator.preferred_language = "en"
    educator.save()
    course = course_build(programme=programme, code="ai-101", modules=1, lessons=2)
    _first, second = Lesson.objects.filter(module__course=course).order_by("position")
    quiz = quiz_build(lesson=second, pass_mark=100)
    single = question_add(quiz, Question.Kind.SINGLE, text="Хиймэл оюун", choices=(False, True))
    question_add(quiz, Question.Kind.TRUE_FALSE, text="Үнэн үү", true_false_answer=True)
    right_choice = single.choices.get(is_correct=True)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("saraa@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))
    page.get_by_role("button", name="Монгол").click()
    expect(page.locator("html")).to_have_attribute("lang", "mn")

    page.goto(f"/courses/{course.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Үндэс")
    assert_accessible(page)
    screenshot(page, "learning-course-mn")
    page.get_by_role("button", name="Энэ сургалтад бүртгүүлэх").click()
    expect(page.locator(".course-progress")).to_contain_text("0")
    assert Enrolment.objects.filter(person=educator, course=course).exists()
    screenshot(page, "learning-enrolled-mn")

    page.get_by_role("link", name="Хичээл 1.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Хичээл 1.1")
    expect(page.locator(".lesson-body")).to_contain_text("Сайн байна уу")
    assert_accessible(page)
    screenshot(page, "learning-lesson-1-mn")
    page.get_by_role("button", name="Үзсэн гэж тэмдэглэх").click()
    expect(page.locator(".lesson-progress")).to_contain_text("үзсэн")

    page.locator("a[rel=next]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Хичээл 1.2")
    page.get_by_role("button", name="Үзсэн гэж тэмдэглэх").click()
    expect(page.locator(".lesson-progress")).to_contain_text("үзсэн")
    screenshot(page, "learning-lesson-2-done-mn")
    enrolment = Enrolment.objects.get(person=educator, course=course)
    assert enrolment.completed_at is None  # the quiz is still to pass

    page.get_by_role("link", name="Хичээлийн сорилыг өгөх").first.click()
    assert_accessible(page)
    screenshot(page, "learning-quiz-mn")
    page.get_by_role("button", name="Сорил эхлүүлэх").click()
    expect(page.locator("form.quiz")).to_be_visible()
    assert_accessible(page)
    page.locator(f"input[value='{right_choice.pk}']").check()
    page.get_by_role("radio", name="Үнэн").check()
    screenshot(page, "learning-attempt-mn")
    page.get_by_role("button", name="Хариултаа илгээх").click()
    expect(page.locator(".result")).to_contain_text("Та тэнцлээ.")
    assert_accessible(page)
    screenshot(page, "learning-quiz-passed-mn")
    assert Attempt.objects.get(person=educator, quiz=quiz).passed

    page.goto(f"/courses/{course.code}/")
    expect(page.locator(".course-progress")).to_contain_text("дүүргэсэн")
    assert_accessible(page)
    screenshot(page, "learning-course-completed-mn")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
