"""A practical task end to end, in Mongolian: an educator hands in a lesson plan with a file, the
cohort's trainer asks for a revision with the rubric, the educator sends a revised version, the
trainer approves it, and the course completes."""

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assignments.demo_data import ASSIGNMENTS, LEVELS
from erdem.assignments.models import (
    Assignment,
    AssignmentTranslation,
    Criterion,
    CriterionTranslation,
    Level,
    LevelTranslation,
    Submission,
)
from erdem.assignments.tests.factories import PDF_BYTES
from erdem.catalog.models import Lesson, TranslationStatus
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Cohort, Enrolment
from erdem.learning.services import cohort_enrol, lesson_complete
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Gobi-Camel-2026"
PUBLISHED = TranslationStatus.PUBLISHED


def _assignment(lesson: Lesson) -> Assignment:
    """The first demo course's practical task, with its rubric, in both languages."""
    seed = ASSIGNMENTS[0]
    assignment = Assignment.objects.create(lesson=lesson)
    for code, title, instructions in (("mn", seed.title_mn, seed.instructions_mn),
                                      ("en", seed.title_en, seed.instructions_en)):  # fmt: skip
        AssignmentTranslation.objects.create(assignment=assignment, language_code=code, title=title,
                                             instructions=instructions, status=PUBLISHED)  # fmt: skip
    for position, criterion_seed in enumerate(seed.criteria, start=1):
        criterion = Criterion.objects.create(assignment=assignment, position=position, weight=criterion_seed.weight)
        CriterionTranslation.objects.create(criterion=criterion, language_code="mn", name=criterion_seed.name_mn,
                                            description=criterion_seed.description_mn, status=PUBLISHED)  # fmt: skip
        for number, ((points, _en, name_mn), (_descriptor_en, descriptor_mn)) in enumerate(
            zip(LEVELS, criterion_seed.descriptors, strict=True), start=1
        ):
            level = Level.objects.create(criterion=criterion, position=number, points=points)
            LevelTranslation.objects.create(level=level, language_code="mn", name=name_mn,
                                            descriptor=descriptor_mn, status=PUBLISHED)  # fmt: skip
    return assignment


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))
    page.get_by_role("button", name="Монгол").click()
    expect(page.locator("html")).to_have_attribute("lang", "mn")


def _choose_levels(page: Page, assignment: Assignment, position: int) -> None:
    for criterion in assignment.criteria.order_by("position"):
        level = criterion.levels.get(position=position)
        page.locator(f"input[name='criterion-{criterion.pk}'][value='{level.pk}']").check()


def test_a_practical_task_is_handed_in_revised_and_approved(page: Page, browser: Browser, live_server: Any) -> None:
    programme = ProgrammeFactory()
    educator = person_with_role(Role.EDUCATOR, programme=programme, email="saraa@example.mn",
                                family_name="Батбаяр", given_name="Сараа")  # fmt: skip
    trainer = person_with_role(Role.TRAINER, programme=programme, email="bold@example.mn",
                               family_name="Дорж", given_name="Болд")  # fmt: skip
    for person in (educator, trainer):
        person.set_password(PASSWORD)
        person.preferred_language = "en"  # each switches to Mongolian on the page, which saves it
        person.save()
    course = course_build(programme=programme, code="ai-101", modules=1, lessons=2)
    lessons = list(Lesson.objects.filter(module__course=course).order_by("position"))
    assignment = _assignment(lessons[-1])
    cohort = Cohort.objects.create(programme=programme, name="Намрын бүлэг 2024", course=course,
                                   institution=educator.institution)  # fmt: skip
    cohort.trainers.add(trainer)
    cohort_enrol(cohort=cohort, people=[educator])
    enrolment = Enrolment.objects.get(person=educator, course=course)
    for lesson in lessons:
        lesson_complete(enrolment=enrolment, lesson=lesson)

    # The educator opens the task from the lesson page and hands in a plan with a file.
    _log_in(page, "saraa@example.mn")
    page.goto(f"/courses/{course.code}/lessons/{lessons[-1].pk}/")
    page.locator("a.button", has_text="Практик даалгаврыг нээх").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSIGNMENTS[0].title_mn)
    expect(page.locator("table.rubric")).to_contain_text("Сургалтын зорилготой нийцэл")
    assert_accessible(page)
    screenshot(page, "assignments-1-task-mn")
    page.get_by_label("Таны хариулт").fill("«Статистикийн үндэс» хичээлийн төлөвлөгөөг хавсаргав.")
    page.set_input_files("#id_files", files=[
        {"name": "Хичээлийн төлөвлөгөө.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    ])  # fmt: skip
    page.get_by_role("button", name="Илгээх", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Таны ажил илгээгдлээ")
    expect(page.locator(".submission")).to_contain_text("Хичээлийн төлөвлөгөө.pdf")
    screenshot(page, "assignments-2-submitted-mn")
    first = Submission.objects.get(person=educator)
    assert first.files.get().kind == "pdf"

    # The trainer finds it in the queue and asks for a revision with the rubric.
    trainer_context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    trainer_page = trainer_context.new_page()
    _log_in(trainer_page, "bold@example.mn")
    trainer_page.goto("/assignments/review/")
    expect(trainer_page.locator("table")).to_contain_text("Батбаяр")
    assert_accessible(trainer_page)
    screenshot(trainer_page, "assignments-3-queue-phone-mn")
    trainer_page.locator(f"a[href='/assignments/submissions/{first.pk}/review/']").click()
    expect(trainer_page.locator(".submission-text")).to_contain_text("Статистикийн үндэс")
    _choose_levels(trainer_page, assignment, 1)
    trainer_page.get_by_label("Суралцагчид өгөх тайлбар").fill(
        "Суралцахуйн үр дүн ба үнэлгээ хоорондоо уялдахгүй байна. Үнэлгээгээ засна уу."
    )
    assert_accessible(trainer_page)
    screenshot(trainer_page, "assignments-4-review-phone-mn")
    trainer_page.get_by_role("button", name="Засвар хүсэх").click()
    expect(trainer_page.locator(".messages")).to_contain_text("Таны үнэлгээ хадгалагдлаа")
    first.refresh_from_db()
    assert first.status == Submission.Status.REVISION_REQUESTED

    # The educator reads the feedback and sends a revised version.
    page.reload()
    expect(page.locator(".submission")).to_contain_text("Үнэлгээгээ засна уу")
    expect(page.locator(".submission")).to_contain_text("Хөгжүүлэх шаардлагатай")
    screenshot(page, "assignments-5-feedback-mn")
    page.get_by_label("Таны хариулт").fill("Засварласан хувилбар: үнэлгээг суралцахуйн үр дүн бүрт тохируулав.")
    page.get_by_role("button", name="Илгээх", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Таны ажил илгээгдлээ")
    second = Submission.objects.get(person=educator, number=2)

    # The trainer approves it; the course completes and the educator is told.
    trainer_page.goto("/assignments/review/")
    trainer_page.locator(f"a[href='/assignments/submissions/{second.pk}/review/']").click()
    expect(trainer_page.locator("body")).to_contain_text("Өмнөх илгээлтүүд")
    _choose_levels(trainer_page, assignment, 3)
    trainer_page.get_by_label("Суралцагчид өгөх тайлбар").fill("Маш сайн болжээ.")
    trainer_page.get_by_role("button", name="Батлах").click()
    expect(trainer_page.locator(".messages")).to_contain_text("Таны үнэлгээ хадгалагдлаа")
    expect(trainer_page.locator(".empty-state")).to_be_visible()
    trainer_context.close()
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert [message.subject for message in mail.outbox] == [
        "Таны практик даалгаврыг засварлах шаардлагатай",
        "Таны практик даалгавар батлагдлаа",
    ]

    page.reload()
    expect(page.locator(".messages, .message-success").first).to_contain_text("батлагдсан")
    assert_accessible(page)
    screenshot(page, "assignments-6-approved-mn")
