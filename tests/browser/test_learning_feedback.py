"""After completing a course an educator answers its feedback survey in Mongolian; a trainer fills a
cohort from the institution's staff and sees each member's progress per activity."""

import re

import pytest
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Lesson
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Cohort, CourseFeedback, Enrolment
from erdem.learning.services import enrolment_create, lesson_complete
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Gobi-Camel-2026"


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))


def test_an_educator_answers_the_survey_after_the_last_lesson(page: Page) -> None:
    programme = ProgrammeFactory()
    educator = person_with_role(Role.EDUCATOR, programme=programme, email="saraa@example.mn")
    educator.set_password(PASSWORD)
    educator.save()
    course = course_build(programme=programme, code="ai-101", modules=1, lessons=2)
    first, second = Lesson.objects.filter(module__course=course).order_by("position")
    lesson_complete(enrolment=enrolment_create(person=educator, course=course), lesson=first)

    _log_in(page, "saraa@example.mn")  # their saved language, Mongolian, wins over the login page's
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    page.goto(f"/courses/{course.code}/lessons/{second.pk}/")
    page.get_by_role("button", name="Үзсэн гэж тэмдэглэх").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Сургалтын талаарх санал")
    expect(page.get_by_role("status")).to_contain_text("Баяр хүргэе")
    screenshot(page, "learning-feedback-form-mn")
    page.reload()  # axe judges the page itself, without the one-off message above it
    assert_accessible(page)
    page.locator("input[name=rating][value='5']").check()
    page.locator("input[name=usefulness][value='4']").check()
    page.get_by_label("Сургалтын багт хэлэх зүйл байна уу? (заавал биш)").fill("Жишээнүүд <сайн> байлаа.")
    page.get_by_role("button", name="Саналаа илгээх").click()
    expect(page.locator(".feedback-offer")).to_contain_text("санал өгсөнд баярлалаа")
    expect(page.locator(".course-progress")).to_contain_text("2-ийг")
    screenshot(page, "learning-feedback-sent-mn")
    page.reload()
    assert_accessible(page)
    page.goto("/learning/")
    expect(page.get_by_role("link", name="Таны санал")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "learning-my-courses-mn")
    feedback = CourseFeedback.objects.get(enrolment__person=educator)
    assert (feedback.rating, feedback.usefulness, feedback.language_code) == (5, 4, "mn")
    assert feedback.comment == "Жишээнүүд <сайн> байлаа."


def test_a_trainer_fills_a_cohort_and_follows_it(page: Page) -> None:
    programme = ProgrammeFactory()
    institution = InstitutionFactory()
    trainer = person_with_role(Role.TRAINER, programme=programme, email="trainer@example.mn")
    trainer.set_password(PASSWORD)
    trainer.preferred_language = "en"
    trainer.save()
    course = course_build(programme=programme, code="ai-102", modules=1, lessons=3)
    cohort = Cohort.objects.create(programme=programme, name="Дархан 2025", course=course, institution=institution)
    cohort.trainers.add(trainer)
    staff = [
        person_with_role(Role.EDUCATOR, programme=programme, institution=institution, family_name=name)
        for name in ("Батболд", "Сарантуяа", "Энхжаргал")
    ]

    _log_in(page, "trainer@example.mn")
    page.goto(f"/learning/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Enrol people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol people in the cohort")
    page.get_by_label(re.compile("^Батболд")).check()
    page.get_by_label(re.compile("^Сарантуяа")).check()
    page.locator("#id_emails").fill("nobody@example.mn")
    assert_accessible(page)
    screenshot(page, "learning-cohort-enrol-en")
    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("nobody@example.mn")
    screenshot(page, "learning-cohort-enrol-unknown-en")
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True)) == {
        staff[0].pk,
        staff[1].pk,
    }
    enrolment = Enrolment.objects.get(cohort=cohort, person=staff[0])
    lesson_complete(enrolment=enrolment, lesson=Lesson.objects.filter(module__course=course).first())
    page.get_by_role("link", name="Дархан 2025").click()
    expect(page.locator("table")).to_contain_text("Lessons done")
    expect(page.locator("tbody tr").first).to_contain_text("1/3")
    assert_accessible(page)
    screenshot(page, "learning-cohort-progress-en")
