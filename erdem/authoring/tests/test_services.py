import pytest
from django.core.exceptions import ValidationError

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Question
from erdem.assessments.services import attempt_start
from erdem.assessments.tests.factories import question_add, quiz_build
from erdem.assignments.services import submission_create
from erdem.assignments.tests.factories import assignment_build
from erdem.authoring.selectors import unit_texts
from erdem.authoring.services import (
    EditConflict,
    TextEdit,
    course_create,
    course_publish_problems,
    course_settings_update,
    lesson_add,
    lesson_delete,
    lesson_move,
    module_add,
    module_delete,
    module_move,
    team_members_resolve,
    unit_texts_save,
)
from erdem.catalog.models import Course, CourseTranslation, Lesson, LessonTranslation, Module, TranslationStatus
from erdem.catalog.tests.factories import course_build
from erdem.learning.services import enrolment_create, lesson_complete
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED, REVIEWED = TranslationStatus.DRAFT, TranslationStatus.PUBLISHED, TranslationStatus.REVIEWED


@pytest.fixture
def programme() -> Programme:
    return ProgrammeFactory.create()


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=3, lessons=3)


def _lesson_order(module: Module) -> list[int]:
    return list(Lesson.objects.filter(module=module).order_by("position").values_list("pk", flat=True))


def _module_order(course: Course) -> list[int]:
    return list(Module.objects.filter(course=course).order_by("position").values_list("pk", flat=True))


def test_modules_and_lessons_are_added_at_the_end_with_draft_titles(course: Course) -> None:
    module = module_add(course=course, titles={"mn": "Шинэ модуль", "en": ""})
    assert module.position == 4
    assert list(module.translations.values_list("language_code", "title", "status")) == [("mn", "Шинэ модуль", DRAFT)]
    lesson = lesson_add(module=module, titles={"mn": "Нэг", "en": "One"}, estimated_minutes=20)
    second = lesson_add(module=module, titles={"en": "Two"}, estimated_minutes=5)
    assert (lesson.position, second.position, second.estimated_minutes) == (1, 2, 5)


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(course: Course) -> None:
    first, second, third = _module_order(course)
    assert module_move(module=Module.objects.get(pk=third), offset=-1)
    assert _module_order(course) == [first, third, second]
    assert not module_move(module=Module.objects.get(pk=first), offset=-1)
    assert not module_move(module=Module.objects.get(pk=second), offset=1)
    assert _module_order(course) == [first, third, second]
    assert list(Module.objects.filter(course=course).order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]

    module = Module.objects.get(pk=first)
    a, b, c = _lesson_order(module)
    assert lesson_move(lesson=Lesson.objects.select_related("module").get(pk=a), offset=1)
    assert _lesson_order(module) == [b, a, c]
    assert not lesson_move(lesson=Lesson.objects.select_related("module").get(pk=c), offset=1)


def test_deleting_closes_the_gap_in_positions(course: Course) -> None:
    first, second, third = _module_order(course)
    module_delete(module=Module.objects.get(pk=second))
    assert _module_order(course) == [first, third]
    assert Module.objects.get(pk=third).position == 2
    a, b, c = _lesson_order(Module.objects.get(pk=first))
    lesson_delete(lesson=Lesson.objects.select_related("module").get(pk=a))
    assert _lesson_order(Module.objects.get(pk=first)) == [b, c]
    assert [Lesson.objects.get(pk=pk).position for pk in (b, c)] == [1, 2]


def test_deleting_is_refused_once_learners_have_progress(course: Course, programme: Programme) -> None:
    learner = person_with_role(Role.EDUCATOR, programme=programme)
    lesson = Lesson.objects.select_related("module").filter(module__course=course).first()
    assert lesson is not None
    lesson_complete(enrolment=enrolment_create(person=learner, course=course), lesson=lesson)
    with pytest.raises(ValidationError) as refused:
        lesson_delete(lesson=lesson)
    assert refused.value.code == "learners_started"
    with pytest.raises(ValidationError):
        module_delete(module=lesson.module)
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_a_quiz_attempt_also_protects_the_lesson(course: Course, programme: Programme) -> None:
    learner = person_with_role(Role.EDUCATOR, programme=programme)
    lesson = Lesson.objects.select_related("module").filter(module__course=course).last()
    assert lesson is not None
    quiz = quiz_build(lesson=lesson)
    question_add(quiz, Question.Kind.TRUE_FALSE, text="Үнэн үү", true_false_answer=True)
    attempt_start(person=learner, quiz=quiz)
    with pytest.raises(ValidationError):
        lesson_delete(lesson=lesson)


def _edit(unit: object, language: str, *, loaded: str, status: str = DRAFT, **values: str) -> TextEdit:
    return TextEdit(language_code=language, status=status, values=values, loaded_version=loaded)


def test_saving_from_the_current_version_writes_and_creates_missing_rows(course: Course) -> None:
    lesson = Lesson.objects.filter(module__course=course).first()
    assert lesson is not None
    LessonTranslation.objects.filter(lesson=lesson, language_code="en").delete()
    texts = unit_texts(unit=lesson)
    saved = unit_texts_save(
        unit=lesson,
        edits=[
            _edit(lesson, "mn", loaded=texts["mn"].version, status=PUBLISHED, title="Шинэ", body="**Тод**"),
            _edit(lesson, "en", loaded=texts["en"].version, title="New", body="Text"),
        ],
    )
    assert saved == ["mn", "en"]
    rows = {t.language_code: t for t in LessonTranslation.objects.filter(lesson=lesson)}
    assert (rows["mn"].title, rows["mn"].body, rows["mn"].status) == ("Шинэ", "**Тод**", PUBLISHED)
    assert (rows["en"].title, rows["en"].status) == ("New", DRAFT)


def test_a_stale_save_never_overwrites_a_co_authors_text(course: Course) -> None:
    lesson = Lesson.objects.filter(module__course=course).first()
    assert lesson is not None
    opened = unit_texts(unit=lesson)  # both authors open the editor
    unit_texts_save(
        unit=lesson,
        edits=[_edit(lesson, "mn", loaded=opened["mn"].version, status=PUBLISHED, title="Ганбат", body="Эхнийх")],
    )
    with pytest.raises(EditConflict) as conflict:
        unit_texts_save(
            unit=lesson,
            edits=[
                _edit(lesson, "mn", loaded=opened["mn"].version, status=PUBLISHED, title="Дорж", body="Хоёрдахь"),
                _edit(lesson, "en", loaded=opened["en"].version, status=PUBLISHED, title="Dorj", body="Second"),
            ],
        )
    [item] = conflict.value.conflicts
    assert (item.language_code, item.values["title"], item.values["body"]) == ("mn", "Ганбат", "Эхнийх")
    # Nothing of the second save was written, not even its English column.
    rows = {t.language_code: t for t in LessonTranslation.objects.filter(lesson=lesson)}
    assert rows["mn"].title == "Ганбат"
    assert rows["en"].title == "Lesson 1.1"
    # Saving again from the co-author's version is a deliberate replacement.
    unit_texts_save(
        unit=lesson,
        edits=[_edit(lesson, "mn", loaded=item.version, status=PUBLISHED, title="Дорж", body="Хоёрдахь")],
    )
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").title == "Дорж"


def test_co_authors_editing_different_languages_do_not_collide(course: Course) -> None:
    lesson = Lesson.objects.filter(module__course=course).first()
    assert lesson is not None
    opened = unit_texts(unit=lesson)
    mn, en = opened["mn"], opened["en"]
    unchanged_mn = _edit(lesson, "mn", loaded=mn.version, status=mn.status, **mn.values)
    unchanged_en = _edit(lesson, "en", loaded=en.version, status=en.status, **en.values)
    # The first author changes Mongolian only, the second English only, from the same page load.
    unit_texts_save(
        unit=lesson,
        edits=[_edit(lesson, "mn", loaded=mn.version, status=PUBLISHED, title="Монгол", body="А"), unchanged_en],
    )
    saved = unit_texts_save(
        unit=lesson,
        edits=[unchanged_mn, _edit(lesson, "en", loaded=en.version, status=REVIEWED, title="English", body="B")],
    )
    assert saved == ["en"]
    rows = {t.language_code: t for t in LessonTranslation.objects.filter(lesson=lesson)}
    assert (rows["mn"].title, rows["en"].title, rows["en"].status) == ("Монгол", "English", REVIEWED)


def test_a_published_text_needs_a_title(course: Course) -> None:
    module = Module.objects.filter(course=course).first()
    assert module is not None
    with pytest.raises(ValidationError):
        unit_texts_save(unit=module, edits=[_edit(module, "mn", loaded="x", status=PUBLISHED, title=" ")])


def test_course_create_drafts_the_course_and_puts_its_author_on_the_team(programme: Programme) -> None:
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    course = course_create(
        programme=programme,
        code="new-course",
        level=Course.Level.ADVANCED,
        workload_hours=12,
        languages=["mn"],
        titles={"mn": "Шинэ сургалт", "en": ""},
        created_by=admin,
    )
    assert course.status == Course.Status.DRAFT
    assert list(course.team.all()) == [admin]
    assert list(CourseTranslation.objects.filter(course=course).values_list("language_code", "status")) == [
        ("mn", DRAFT)
    ]
    with pytest.raises(ValidationError):
        course_create(
            programme=programme, code="new-course", level="advanced", workload_hours=1, languages=["en"],
            titles={"en": "Again"}, created_by=admin,
        )  # fmt: skip


def test_publishing_needs_a_published_title_and_lesson_in_every_offered_language(programme: Programme) -> None:
    course = course_build(
        programme=programme, status=Course.Status.DRAFT, lesson_statuses={"mn": PUBLISHED, "en": DRAFT}
    )
    problems = course_publish_problems(course=course, languages=["mn", "en"])
    assert problems == ["No lesson is published in English."]
    settings = {
        "code": course.code, "level": course.level, "workload_hours": 10, "competencies": [], "institutions": [],
        "team": [],
    }  # fmt: skip
    with pytest.raises(ValidationError):
        course_settings_update(course=course, languages=["mn", "en"], status=Course.Status.PUBLISHED, **settings)
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    published = course_settings_update(course=course, languages=["mn"], status=Course.Status.PUBLISHED, **settings)
    assert (published.status, published.languages) == (Course.Status.PUBLISHED, ["mn"])


def test_team_members_must_belong_to_the_programme(programme: Programme) -> None:
    member = person_with_role(Role.TRAINER, programme=programme, email="Tuya@Example.mn")
    outsider = person_with_role(Role.TRAINER, programme=ProgrammeFactory())
    assert team_members_resolve(programme=programme, emails=["tuya@example.MN", " "]) == [member]
    with pytest.raises(ValidationError) as refused:
        team_members_resolve(programme=programme, emails=[member.email, outsider.email])
    assert outsider.email in refused.value.messages[0]


def test_a_submitted_assignment_also_protects_the_lesson(course: Course, programme: Programme) -> None:
    learner = person_with_role(Role.EDUCATOR, programme=programme)
    lesson = Lesson.objects.select_related("module").filter(module__course=course).last()
    assert lesson is not None
    enrolment_create(person=learner, course=course)
    assignment = assignment_build(lesson=lesson)
    submission_create(person=learner, assignment=assignment, text="Миний төлөвлөгөө", files=[], number=1)
    with pytest.raises(ValidationError):
        module_delete(module=lesson.module)
    assert Lesson.objects.filter(pk=lesson.pk).exists()
