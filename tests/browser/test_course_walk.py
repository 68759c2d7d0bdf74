"""The whole course, end to end, in Mongolian: an educator enrols, reads the lessons, passes the quiz and
hands in the practical task; the course is not complete yet, and the course page shows what is missing.
The cohort's trainer adds the educator to the cohort, approves the task with the rubric, and takes
attendance at the cohort's workshop on a phone with the network cut; the mark syncs when the network
returns, the course completes, and the educator answers the feedback survey."""

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Browser, Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt, ChoiceTranslation, Question, QuestionTranslation, QuizTranslation
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.assignments.models import (
    Assignment,
    AssignmentTranslation,
    CriterionTranslation,
    LevelTranslation,
    Submission,
)
from erdem.assignments.tests.factories import PDF_BYTES, assignment_build
from erdem.catalog.models import Lesson
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, Workshop
from erdem.workshops.tests.factories import workshop_build
from tests.browser.conftest import assert_accessible, network_cut, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Yak-2026"
PHONE: Any = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# Whether the workshops' service worker has kept the page at `path` for use without a network.
SAVED_PAGE = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith("erdem-workshops-pages-") && await (await caches.open(name)).match(location.origin + path)) {
      return true;
    }
  }
  return false;
}"""


def _log_in(page: Page, email: str) -> None:
    """Log in from the English login page; the person's saved language (Mongolian) then wins."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))
    expect(page.locator("html")).to_have_attribute("lang", "mn")


def _wait_until_saved(page: Page, path: str) -> None:
    deadline = time.monotonic() + 10
    while not page.evaluate(SAVED_PAGE, path):
        assert time.monotonic() < deadline, f"{path} was not saved for offline use"
        page.wait_for_timeout(100)


def _quiz(lesson: Lesson) -> tuple[Any, Any]:
    """The lesson's quiz, two questions, everything also written in Mongolian; its right choice."""
    quiz = quiz_build(lesson=lesson, pass_mark=100)
    QuizTranslation.objects.filter(quiz=quiz, language_code="mn").update(
        title="Хиймэл оюуны үндэс: сорил", instructions="Асуулт бүрт нэг хариулт сонгоно уу."
    )
    single = question_add(quiz, Question.Kind.SINGLE, choices=(False, True))
    question_add(quiz, Question.Kind.TRUE_FALSE, true_false_answer=True)
    texts = {
        1: "Хиймэл оюуны хэлний загвар юуг урьдчилан таамагладаг вэ?",
        2: "Хиймэл оюуны хариултыг эх сурвалжаар шалгах хэрэгтэй.",
    }
    for position, text in texts.items():
        QuestionTranslation.objects.filter(question__quiz=quiz, question__position=position, language_code="mn").update(
            text=text
        )
    for choice, text in zip(single.choices.order_by("position"), ("Цаг агаарыг", "Дараагийн үгийг"), strict=True):
        ChoiceTranslation.objects.filter(choice=choice, language_code="mn").update(text=text)
    return quiz, single.choices.get(is_correct=True)


def _assignment(lesson: Lesson) -> Assignment:
    """A required practical task with a two-criterion rubric of three levels, in Mongolian too."""
    assignment = assignment_build(lesson=lesson, criteria=2, required=True)
    AssignmentTranslation.objects.filter(assignment=assignment, language_code="mn").update(
        title="Хичээлийн төлөвлөгөө", instructions="Хиймэл оюун ашиглах нэг хичээлийн **төлөвлөгөө** бичнэ үү."
    )
    for criterion, name in zip(assignment.criteria.order_by("position"), ("Зорилго", "Үнэлгээ"), strict=True):
        CriterionTranslation.objects.filter(criterion=criterion, language_code="mn").update(
            name=name, description=f"{name} тодорхой эсэх"
        )
        for level, level_name in zip(
            criterion.levels.order_by("position"), ("Хөгжүүлэх шаардлагатай", "Хангалттай", "Сайн"), strict=True
        ):
            LevelTranslation.objects.filter(level=level, language_code="mn").update(
                name=level_name, descriptor=f"{name}: {level_name.lower()}"
            )
    return assignment


def _completed_on(enrolment: Enrolment) -> str:
    assert enrolment.completed_at is not None
    with translation.override("mn"):
        return date_format(timezone.localtime(enrolment.completed_at), "DATE_FORMAT")


def test_an_educator_takes_a_whole_course_with_a_workshop(page: Page, browser: Browser, live_server: Any) -> None:
    programme = ProgrammeFactory()
    educator = person_with_role(Role.EDUCATOR, programme=programme, email="saraa@example.mn",
                                family_name="Батбаяр", given_name="Сараа")  # fmt: skip
    trainer = person_with_role(Role.TRAINER, programme=programme, email="bold@example.mn",
                               family_name="Дорж", given_name="Болд")  # fmt: skip
    for person in (educator, trainer):
        person.set_password(PASSWORD)
        person.preferred_language = "mn"
        person.save()
    course = course_build(programme=programme, code="ai-101", modules=1, lessons=2)
    first, second = Lesson.objects.filter(module__course=course).order_by("position")
    quiz, right_choice = _quiz(second)
    assignment = _assignment(second)
    cohort = Cohort.objects.create(programme=programme, name="Ховд 2026", course=course,
                                   institution=educator.institution)  # fmt: skip
    cohort.trainers.add(trainer)
    workshop = workshop_build(course=course, cohort=cohort, trainers=[trainer], counts_for_completion=True,
                              starts_at=timezone.now() - dt.timedelta(minutes=15), place="Ховд, 2-р байр",
                              title_mn="Хиймэл оюуныг хичээлдээ: дадлага")  # fmt: skip

    # 1. The educator finds the course and enrols on their own.
    _log_in(page, "saraa@example.mn")
    page.goto(f"/courses/{course.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Үндэс")
    assert_accessible(page)
    screenshot(page, "walk-01-course-mn")
    page.get_by_role("button", name="Энэ сургалтад бүртгүүлэх").click()
    expect(page.locator(".course-progress")).to_contain_text("2 хичээлээс 0-ийг үзсэн")
    enrolment = Enrolment.objects.get(person=educator, course=course)
    assert (enrolment.source, enrolment.cohort_id) == (Enrolment.Source.SELF, None)
    assert_accessible(page)
    screenshot(page, "walk-02-enrolled-mn")

    # 2. The trainer, on a phone, adds the educator to the cohort; they keep their progress.
    trainer_context = browser.new_context(base_url=live_server.url, **PHONE)
    trainer_context.set_default_timeout(10_000)
    trainer_page = trainer_context.new_page()
    _log_in(trainer_page, "bold@example.mn")
    trainer_page.goto(f"/learning/cohorts/{cohort.pk}/enrol/")
    expect(trainer_page.get_by_role("heading", level=1)).to_have_text("Бүлэгт хүмүүс элсүүлэх")
    trainer_page.locator("#id_emails").fill("saraa@example.mn")
    assert_accessible(trainer_page)
    screenshot(trainer_page, "walk-03-trainer-cohort-enrol-phone-mn")
    trainer_page.get_by_role("button", name="Элсүүлэх", exact=True).click()
    expect(trainer_page.locator("table")).to_contain_text("Батбаяр")
    assert_accessible(trainer_page)
    screenshot(trainer_page, "walk-04-trainer-cohort-phone-mn")
    enrolment.refresh_from_db()
    assert enrolment.cohort_id == cohort.pk

    # 3. The educator reads the first lesson in Mongolian and marks both lessons done.
    page.goto(f"/courses/{course.code}/")
    page.get_by_role("link", name="Хичээл 1.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Хичээл 1.1")
    expect(page.locator(".lesson-body")).to_contain_text("Сайн байна уу")
    assert_accessible(page)
    screenshot(page, "walk-05-lesson-mn")
    page.get_by_role("button", name="Үзсэн гэж тэмдэглэх").click()
    expect(page.locator(".lesson-progress")).to_contain_text("үзсэн")
    page.locator("a[rel=next]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Хичээл 1.2")
    page.get_by_role("button", name="Үзсэн гэж тэмдэглэх").click()
    expect(page.locator(".lesson-progress")).to_contain_text("үзсэн")
    assert_accessible(page)
    screenshot(page, "walk-06-lesson-2-done-mn")
    assert set(LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)) == {
        first.pk,
        second.pk,
    }

    # 4. The quiz on the second lesson, passed.
    page.get_by_role("link", name="Хичээлийн сорилыг өгөх").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Хиймэл оюуны үндэс")
    assert_accessible(page)
    screenshot(page, "walk-07-quiz-mn")
    page.get_by_role("button", name="Сорил эхлүүлэх").click()
    expect(page.locator("form.quiz")).to_be_visible()
    page.locator(f"input[value='{right_choice.pk}']").check()
    page.get_by_role("radio", name="Үнэн").check()
    assert_accessible(page)
    screenshot(page, "walk-08-attempt-mn")
    page.get_by_role("button", name="Хариултаа илгээх").click()
    expect(page.locator(".result")).to_contain_text("Та тэнцлээ.")
    assert_accessible(page)
    screenshot(page, "walk-09-quiz-passed-mn")
    assert Attempt.objects.get(person=educator, quiz=quiz).passed

    # 5. The practical task, handed in with a small PDF.
    page.goto(f"/courses/{course.code}/lessons/{second.pk}/")
    page.locator("a.button", has_text="Практик даалгаврыг нээх").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Хичээлийн төлөвлөгөө")
    expect(page.locator("table.rubric")).to_contain_text("Зорилго")
    assert_accessible(page)
    screenshot(page, "walk-10-task-mn")
    page.get_by_label("Таны хариулт").fill("Хиймэл оюунаар асуулт боловсруулах хичээлийн төлөвлөгөөг хавсаргав.")
    page.set_input_files("#id_files", files=[
        {"name": "Төлөвлөгөө.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    ])  # fmt: skip
    page.get_by_role("button", name="Илгээх", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Таны ажил илгээгдлээ")
    expect(page.locator(".submission")).to_contain_text("Төлөвлөгөө.pdf")
    assert_accessible(page)
    screenshot(page, "walk-11-task-submitted-mn")
    submission = Submission.objects.get(person=educator, assignment=assignment)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.files.get().kind == "pdf"

    # 6. Not complete yet: the course page shows which activities are missing.
    page.goto(f"/courses/{course.code}/")
    expect(page.locator(".course-progress")).to_contain_text("2 хичээлээс 2-ийг үзсэн")
    activities = page.locator(".activity-progress")
    expect(activities).to_contain_text("Тэнцсэн сорил: 1/1")
    expect(activities).to_contain_text("Батлагдсан практик даалгавар: 0/1")
    expect(activities).to_contain_text("Оролцсон семинар: 0/1")
    expect(page.locator(".course-progress")).not_to_contain_text("дүүргэсэн")
    expect(page.locator(".feedback-offer")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "walk-12-not-complete-yet-mn")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    # 7. The trainer approves the task with the rubric.
    trainer_page.goto("/assignments/review/")
    expect(trainer_page.locator("table")).to_contain_text("Батбаяр")
    assert_accessible(trainer_page)
    screenshot(trainer_page, "walk-13-trainer-queue-phone-mn")
    trainer_page.locator(f"a[href='/assignments/submissions/{submission.pk}/review/']").click()
    expect(trainer_page.locator(".submission-text")).to_contain_text("Хиймэл оюунаар асуулт")
    for criterion in assignment.criteria.order_by("position"):
        level = criterion.levels.get(position=3)
        trainer_page.locator(f"input[name='criterion-{criterion.pk}'][value='{level.pk}']").check()
    trainer_page.get_by_label("Суралцагчид өгөх тайлбар").fill("Зорилго, үнэлгээ хоёр сайн уялдсан байна.")
    assert_accessible(trainer_page)
    screenshot(trainer_page, "walk-14-trainer-review-phone-mn")
    trainer_page.get_by_role("button", name="Батлах").click()
    expect(trainer_page.locator(".messages")).to_contain_text("Таны үнэлгээ хадгалагдлаа")
    screenshot(trainer_page, "walk-15-trainer-reviewed-phone-mn")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # the workshop is still to attend

    # 8. At the workshop, the trainer takes attendance on the phone with the network cut.
    roster = f"/workshops/{workshop.pk}/roster/"
    trainer_page.goto(roster)
    status = trainer_page.locator(".roster-sync")
    expect(status).to_have_text("Тэмдэглэгээ эхлээд энэ утсанд хадгалагдаж, сүлжээтэй үед илгээгдэнэ.")
    _wait_until_saved(trainer_page, roster)
    assert_accessible(trainer_page)
    screenshot(trainer_page, "walk-16-roster-online-phone-mn")
    network_cut(trainer_context, trainer_page)
    present = trainer_page.locator(f"input[name='status-{educator.pk}'][value='present']")
    present.check()
    expect(status).to_contain_text("Сүлжээ алга")
    expect(status).to_contain_text("илгээгдэхийг хүлээж буй: 1.")
    screenshot(trainer_page, "walk-17-roster-offline-pending-phone-mn")
    assert not Attendance.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    trainer_context.set_offline(False)
    expect(status).to_have_text("Бүх тэмдэглэгээ илгээгдсэн.", timeout=15_000)
    expect(present).to_be_checked()
    screenshot(trainer_page, "walk-18-roster-synced-phone-mn")
    attendance = Attendance.objects.get()
    assert (attendance.workshop_id, attendance.person_id, attendance.status, attendance.source) == (
        workshop.pk,
        educator.pk,
        "present",
        "offline",
    )
    assert attendance.marked_by_id == trainer.pk
    assert Workshop.objects.get(pk=workshop.pk).counts_for_completion
    trainer_context.close()

    # 9. The course has completed; the educator answers the feedback survey.
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    completed_on = _completed_on(enrolment)
    page.goto(f"/courses/{course.code}/")
    expect(page.locator(".course-progress")).to_contain_text(f"{completed_on}-нд дүүргэсэн.")
    expect(activities).to_contain_text("Оролцсон семинар: 1/1")
    expect(activities).to_contain_text("Батлагдсан практик даалгавар: 1/1")
    assert_accessible(page)
    screenshot(page, "walk-19-completed-mn")
    page.locator(".feedback-offer").get_by_role("link", name="Сургалтын талаарх саналаа хуваалцаарай").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Сургалтын талаарх санал")
    expect(page.locator(".lead")).to_contain_text(completed_on)
    assert_accessible(page)
    page.locator("input[name=rating][value='5']").check()
    page.locator("input[name=usefulness][value='5']").check()
    page.get_by_label("Сургалтын багт хэлэх зүйл байна уу? (заавал биш)").fill(
        "Семинар дээрх дадлага хамгийн хэрэгтэй байлаа."
    )
    screenshot(page, "walk-20-feedback-form-mn")
    page.get_by_role("button", name="Саналаа илгээх").click()
    expect(page.locator(".feedback-offer")).to_contain_text("санал өгсөнд баярлалаа")
    assert_accessible(page)
    screenshot(page, "walk-21-feedback-sent-mn")
    feedback = CourseFeedback.objects.get(enrolment=enrolment)
    assert (feedback.rating, feedback.usefulness, feedback.language_code) == (5, 5, "mn")
    assert feedback.comment == "Семинар дээрх дадлага хамгийн хэрэгтэй байлаа."
