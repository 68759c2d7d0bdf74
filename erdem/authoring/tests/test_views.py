import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from erdem.access.models import Role
from erdem.access.policy import Action, can
from erdem.access.tests.factories import person_with_role
from erdem.assessments.tests.factories import quiz_build
from erdem.authoring.selectors import STATUS_ORDER, courses_editable_by, unit_texts
from erdem.catalog.models import Course, Lesson, LessonTranslation, Module, TranslationStatus
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.learning.services import enrolment_create, lesson_complete
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

from .factories import team_member

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = TranslationStatus.DRAFT, TranslationStatus.PUBLISHED


@pytest.fixture
def programme() -> Programme:
    return ProgrammeFactory.create()


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, code="course-a", modules=2, lessons=2)


@pytest.fixture
def member(course: Course) -> Person:
    return team_member(course, email="member@example.mn")


def _client(person: Person, language: str = "en") -> Client:
    client = Client()
    client.force_login(person)
    client.cookies["erdem_language"] = language
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    return client


def _editor_data(lesson: Lesson, **changes: str) -> dict[str, str]:
    """The lesson editor's form as loaded, with `changes` (keys like "mn-title")."""
    data: dict[str, str] = {"estimated_minutes": str(lesson.estimated_minutes)}
    for code, text in unit_texts(unit=lesson).items():
        data.update({f"{code}-{name}": value for name, value in text.values.items()})
        data[f"{code}-status"] = text.status
        data[f"{code}-version"] = text.version
    data.update(changes)
    return data


def test_anonymous_visitors_are_sent_to_log_in(course: Course) -> None:
    for url in (reverse("authoring:list"), reverse("authoring:course", args=[course.code])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))


def test_a_team_member_of_one_course_cannot_edit_another(programme: Programme, course: Course, member: Person) -> None:
    other = course_build(programme=programme, code="course-b", modules=1, lessons=1)
    other_draft = course_build(programme=programme, code="course-c", status=Course.Status.DRAFT, modules=1, lessons=1)
    client = _client(member)
    assert client.get(reverse("authoring:course", args=[course.code])).status_code == 200
    assert client.get(reverse("authoring:course", args=[other.code])).status_code == 403  # readable, not editable
    assert client.get(reverse("authoring:course", args=[other_draft.code])).status_code == 404  # not even readable
    lesson = first_lesson(other)
    response = client.post(
        reverse("authoring:lesson", args=[other.code, lesson.pk]), _editor_data(lesson, **{"mn-title": "Хакер"})
    )
    assert response.status_code == 403
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").title == "Хичээл 1.1"
    # A lesson of another course reached through this course's address does not exist.
    assert client.get(reverse("authoring:lesson", args=[course.code, lesson.pk])).status_code == 404
    moved = client.post(reverse("authoring:module_move", args=[other.code, lesson.module_id]), {"direction": "down"})
    assert moved.status_code == 403


def test_national_admins_edit_the_courses_of_their_programme_only(programme: Programme, course: Course) -> None:
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory())
    assert _client(admin).get(reverse("authoring:settings", args=[course.code])).status_code == 200
    assert _client(other_admin).get(reverse("authoring:settings", args=[course.code])).status_code == 403


def test_the_list_shows_editable_courses_with_progress_per_language(programme: Programme, member: Person) -> None:
    course_build(programme=programme, code="not-mine")
    mine = Course.objects.get(code="course-a")
    lesson = first_lesson(mine)
    LessonTranslation.objects.filter(lesson=lesson, language_code="en").update(status=DRAFT)
    LessonTranslation.objects.filter(lesson=first_lesson(mine)).exclude(language_code="en").update(
        status=TranslationStatus.REVIEWED
    )
    response = _client(member).get(reverse("authoring:list"))
    rows = response.context["rows"]
    assert [row.course.code for row in rows] == ["course-a"]
    progress = {language.language_code: {c.status: c.count for c in language.counts} for language in rows[0].languages}
    # 1 course + 2 modules + 4 lessons = 7 units per language.
    assert progress["mn"] == {"published": 6, "reviewed": 1, "machine_draft": 0, "draft": 0, "missing": 0}
    assert progress["en"] == {"published": 6, "reviewed": 0, "machine_draft": 0, "draft": 1, "missing": 0}
    assert b"New course" not in response.content  # only national admins create courses


def test_only_national_admins_create_courses(programme: Programme, member: Person) -> None:
    assert _client(member).get(reverse("authoring:new")).status_code == 403
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    client = _client(admin)
    data = {"code": "prompting", "level": "foundational", "workload_hours": "8", "languages": ["mn", "en"],
            "title_mn": "Промпт бичих", "title_en": ""}  # fmt: skip
    response = client.post(reverse("authoring:new"), data)
    assert response.status_code == 302
    course = Course.objects.get(code="prompting")
    assert (course.programme, course.status, list(course.team.all())) == (programme, "draft", [admin])
    again = client.post(reverse("authoring:new"), data)
    assert again.status_code == 200
    assert "A course with this code already exists." in again.content.decode()


def test_settings_add_team_members_and_refuse_publishing_too_early(programme: Programme, member: Person) -> None:
    course = Course.objects.get(code="course-a")
    LessonTranslation.objects.filter(lesson__module__course=course, language_code="en").update(status=DRAFT)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    colleague = person_with_role(Role.TRAINER, programme=programme, email="colleague@example.mn")
    client = _client(member)
    url = reverse("authoring:settings", args=[course.code])
    form = {"code": course.code, "level": "intermediate", "workload_hours": "12", "languages": ["mn", "en"],
            "status": "published", "team": f"{member.email}\nCOLLEAGUE@example.mn"}  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "No lesson is published in English." in refused.content.decode()
    saved = client.post(url, {**form, "status": "draft"})
    assert saved.status_code == 302
    course.refresh_from_db()
    assert (course.level, course.workload_hours) == ("intermediate", 12)
    assert set(course.team.all()) == {member, colleague}
    stranger = client.post(url, {**form, "status": "draft", "team": "nobody@example.mn"})
    assert "nobody@example.mn" in stranger.content.decode()


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the session and the grants are warm, as on a second visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("name", ["authoring:course", "authoring:course_preview", "authoring:list"])
def test_pages_run_the_same_number_of_queries_whatever_the_course_size(
    programme: Programme, name: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    counts = []
    for size in (1, 6):
        course = course_build(programme=programme, code=f"size-{size}", modules=size, lessons=size)
        client = _client(team_member(course))
        url = reverse(name, args=[] if name == "authoring:list" else [course.code])
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(24):
        client.get(url)


def test_reordering_works_with_plain_forms(course: Course, member: Person) -> None:
    client = _client(member)
    first, second = Module.objects.filter(course=course).order_by("position")
    response = client.post(reverse("authoring:module_move", args=[course.code, second.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(Module.objects.filter(course=course).order_by("position")) == [second, first]
    lesson = Lesson.objects.filter(module=first).order_by("position").first()
    assert lesson is not None
    client.post(reverse("authoring:lesson_move", args=[course.code, lesson.pk]), {"direction": "down"})
    assert Lesson.objects.get(pk=lesson.pk).position == 2
    page = client.get(reverse("authoring:course", args=[course.code])).content.decode()
    assert page.count('value="up" disabled') == 3  # the first module and the first lesson of each module


def test_deleting_asks_first_and_refuses_when_learners_have_progress(
    programme: Programme, course: Course, member: Person
) -> None:
    client = _client(member)
    lesson = first_lesson(course)
    url = reverse("authoring:lesson_delete", args=[course.code, lesson.pk])
    assert "cannot be undone" in client.get(url).content.decode()
    learner = person_with_role(Role.EDUCATOR, programme=programme)
    lesson_complete(enrolment=enrolment_create(person=learner, course=course), lesson=lesson)
    refused = client.post(url)
    assert refused.status_code == 409
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    other = Lesson.objects.filter(module__course=course).exclude(pk=lesson.pk).last()
    assert other is not None
    response = client.post(reverse("authoring:lesson_delete", args=[course.code, other.pk]))
    assert response.status_code == 302
    assert not Lesson.objects.filter(pk=other.pk).exists()


def test_the_side_by_side_editor_saves_both_languages(course: Course, member: Person) -> None:
    client = _client(member)
    lesson = first_lesson(course)
    url = reverse("authoring:lesson", args=[course.code, lesson.pk])
    page = client.get(url).content.decode()
    assert 'name="mn-body"' in page and 'name="en-body"' in page
    assert reverse("catalog:lesson_media", args=[course.code, lesson.pk]) in page  # the media pages
    data = _editor_data(
        lesson,
        **{"mn-title": "Шинэ гарчиг", "mn-body": "# Гарчиг", "en-title": "New title", "en-status": DRAFT},
        estimated_minutes="25",
    )
    response = client.post(url, {**data, "save": "1"})
    assert response.status_code == 302
    rows = {t.language_code: t for t in LessonTranslation.objects.filter(lesson=lesson)}
    assert (rows["mn"].title, rows["mn"].body) == ("Шинэ гарчиг", "# Гарчиг")
    assert (rows["en"].title, rows["en"].status) == ("New title", DRAFT)
    assert Lesson.objects.get(pk=lesson.pk).estimated_minutes == 25


def test_the_preview_button_renders_the_body_as_learners_see_it_without_saving(course: Course, member: Person) -> None:
    client = _client(member)
    lesson = first_lesson(course)
    body = "**Тод** <script>alert(1)</script> [x](javascript:alert(1))"
    response = client.post(
        reverse("authoring:lesson", args=[course.code, lesson.pk]),
        {**_editor_data(lesson, **{"mn-body": body}), "preview": "1"},
    )
    page = response.content.decode()
    assert "<strong>Тод</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").body != body


def test_a_conflicting_save_shows_both_versions_and_keeps_the_authors_text(course: Course, member: Person) -> None:
    lesson = first_lesson(course)
    url = reverse("authoring:lesson", args=[course.code, lesson.pk])
    loaded = _editor_data(lesson)  # the page as both co-authors opened it
    colleague = _client(team_member(course))
    colleague.post(url, {**loaded, "mn-body": "Хамтрагчийн текст", "save": "1"})
    response = _client(member).post(url, {**loaded, "mn-body": "Миний текст", "save": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Хамтрагчийн текст" in page  # their version, shown
    assert "Миний текст" in page  # mine, kept in the form
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").body == "Хамтрагчийн текст"
    # The form now carries their version: saving again replaces it on purpose.
    form = response.context["form"]
    again = {name: form[name].value() for name in form.fields}
    _client(member).post(url, {**again, "save": "1"})
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").body == "Миний текст"


def test_the_lesson_preview_shows_drafts_in_the_chosen_language(course: Course, member: Person) -> None:
    lesson = first_lesson(course)
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(
        status=DRAFT, title="Ноорог", body="*Ноорог* текст"
    )
    client = _client(member)
    response = client.get(reverse("authoring:lesson_preview", args=[course.code, lesson.pk]), {"language": "mn"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ноорог</h1>" in page and "<em>Ноорог</em>" in page
    assert 'lang="mn"' in page
    fallbacks = response.context["fallbacks"]
    assert [(unit.title, unit.shown_in) for unit in fallbacks] == [("Ноорог", "Англи")]
    assert "preview-banner" in page
    assert "Mark as done" not in page and "Үзсэн гэж тэмдэглэх" not in page
    # Readers still see the published English text in its place.
    reader = _client(person_with_role(Role.EDUCATOR, programme=course.programme), "mn")
    real = reader.get(reverse("catalog:lesson", args=[course.code, lesson.pk])).content.decode()
    assert "Ноорог" not in real and "Lesson 1.1" in real


def test_the_course_preview_links_lessons_to_their_previews(course: Course, member: Person) -> None:
    response = _client(member).get(reverse("authoring:course_preview", args=[course.code]), {"language": "en"})
    assert response.status_code == 200
    lesson = first_lesson(course)
    assert reverse("authoring:lesson_preview", args=[course.code, lesson.pk]) in response.content.decode()
    assert response.context["fallbacks"] == []


def test_pages_speak_mongolian(course: Course, member: Person) -> None:
    client = _client(member, "mn")
    page = client.get(reverse("authoring:course", args=[course.code])).content.decode()
    assert "Модуль болон хичээлүүд" in page


def test_modules_and_lessons_are_added_from_their_forms(course: Course, member: Person) -> None:
    client = _client(member)
    refused = client.post(reverse("authoring:module_new", args=[course.code]), {"title_mn": "", "title_en": ""})
    assert "Give it a title in at least one language." in refused.content.decode()
    response = client.post(reverse("authoring:module_new", args=[course.code]), {"title_mn": "Гурав", "title_en": ""})
    module = Module.objects.get(course=course, position=3)
    assert response["Location"].endswith(f"#module-{module.pk}")
    response = client.post(
        reverse("authoring:lesson_new", args=[course.code, module.pk]),
        {"title_mn": "", "title_en": "Three", "estimated_minutes": "12"},
    )
    lesson = Lesson.objects.get(module=module)
    assert response["Location"] == reverse("authoring:lesson", args=[course.code, lesson.pk])
    assert (lesson.position, lesson.estimated_minutes) == (1, 12)
    structure = client.get(reverse("authoring:course", args=[course.code])).content.decode()
    assert "Гурав" in structure and "Three" in structure


def test_the_course_and_module_texts_are_edited_side_by_side(course: Course, member: Person) -> None:
    client = _client(member)
    url = reverse("authoring:course_text", args=[course.code])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    client.post(url, {**data, "mn-summary": "Шинэ товч агуулга", "en-title": "Basics of AI"})
    texts = unit_texts(unit=course)
    assert (texts["mn"].values["summary"], texts["en"].values["title"]) == ("Шинэ товч агуулга", "Basics of AI")
    module = Module.objects.filter(course=course).first()
    assert module is not None
    url = reverse("authoring:module", args=[course.code, module.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    response = client.post(url, {**data, "en-title": "", "en-status": PUBLISHED})
    assert "A reviewed or published text needs a title." in response.content.decode()


def test_the_editable_courses_query_agrees_with_the_policy(
    programme: Programme, course: Course, member: Person
) -> None:
    other_programme = ProgrammeFactory.create()
    course_build(programme=programme, code="same-programme")
    course_build(programme=other_programme, code="other-programme", status=Course.Status.DRAFT)
    people = [
        member,
        person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        person_with_role(Role.NATIONAL_ADMIN, programme=other_programme),
        person_with_role(Role.EDUCATOR, programme=programme),
        person_with_role(Role.COORDINATOR, programme=programme),
    ]
    for person in people:
        allowed = {c.code for c in Course.objects.prefetch_related("team") if can(person, Action.COURSE_EDIT, c)}
        assert set(courses_editable_by(person).values_list("code", flat=True)) == allowed


def test_a_lesson_without_any_text_has_nothing_to_preview(course: Course, member: Person) -> None:
    lesson = first_lesson(course)
    LessonTranslation.objects.filter(lesson=lesson).update(status=TranslationStatus.MISSING)
    response = _client(member).get(reverse("authoring:lesson_preview", args=[course.code, lesson.pk]))
    assert response.status_code == 200
    assert "Nothing to preview yet" in response.content.decode()
    assert [unit.shown_in for unit in response.context["fallbacks"]] == [""]  # readers do not see it at all


def test_a_lesson_is_not_published_or_reviewed_with_an_empty_text(course: Course, member: Person) -> None:
    lesson = first_lesson(course)
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(status=DRAFT, body="")
    client = _client(member, language="mn")
    url = reverse("authoring:lesson", args=[course.code, lesson.pk])
    for status in (PUBLISHED, TranslationStatus.REVIEWED):
        response = client.post(url, _editor_data(lesson, **{"mn-status": status}))
        assert response.status_code == 200
        form = response.context["form"]
        assert list(form.errors) == ["mn-body"]  # on the field, in the author's language
        assert "хоосон хичээл" in form.errors["mn-body"][0]
    stored = LessonTranslation.objects.get(lesson=lesson, language_code="mn")
    assert (stored.status, stored.body) == (DRAFT, "")
    saved = client.post(url, _editor_data(lesson, **{"mn-status": PUBLISHED, "mn-body": "Бичвэр"}))
    assert saved.status_code == 302
    assert LessonTranslation.objects.get(lesson=lesson, language_code="mn").status == PUBLISHED


def test_the_editor_shows_each_languages_status_and_warns_when_learners_do_not_see_the_text(
    course: Course, member: Person
) -> None:
    lesson = first_lesson(course)
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(status=TranslationStatus.MISSING)
    response = _client(member).get(reverse("authoring:lesson", args=[course.code, lesson.pk]))
    columns = {column["code"]: column for column in response.context["columns"]}
    assert (columns["mn"]["unseen"], columns["en"]["unseen"]) == (True, False)
    page = response.content.decode()
    assert '<span class="badge status-missing">saved as missing</span>' in page
    assert '<span class="badge status-published">saved as published</span>' in page
    assert page.count("Learners do not see this text yet") == 1
    assert "it is missing, and only published texts are shown to them." in page


def test_the_lesson_editor_names_the_lesson_and_its_module(course: Course, member: Person) -> None:
    lesson = Lesson.objects.get(module__course=course, module__position=2, position=1)
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(title="")
    page = _client(member, language="mn").get(reverse("authoring:lesson", args=[course.code, lesson.pk]))
    content = page.content.decode()
    # No Mongolian title: the English one stands in.
    assert "<h1>Хичээл 2.1: Lesson 2.1</h1>" in content
    assert "Модуль 2: Модуль-2</a>" in content


def test_the_course_page_links_to_its_package_and_translations(course: Course, member: Person) -> None:
    package_url = reverse("catalog:package", args=[course.code])
    for name in ("authoring:course", "authoring:list"):
        page = _client(member).get(reverse(name, args=[course.code] if name == "authoring:course" else []))
        assert f'href="{package_url}"' in page.content.decode()
    assert _client(member).get(package_url).status_code == 200


def test_the_list_counts_the_units_the_package_page_counts(course: Course, member: Person) -> None:
    lesson = first_lesson(course)
    quiz_build(lesson=lesson, languages=("en",))
    LessonTranslation.objects.filter(lesson=lesson, language_code="mn").update(status=DRAFT)
    client = _client(member)
    rows = client.get(reverse("authoring:list")).context["rows"]
    listed = {language.language_code: [c.count for c in language.counts] for language in rows[0].languages}
    package = client.get(reverse("catalog:package", args=[course.code])).context["status_rows"]
    labels = list(TranslationStatus.values)
    for row in package:
        by_status = dict(zip(labels, row["counts"], strict=True))
        assert listed[row["code"]] == [by_status[status] for status in STATUS_ORDER], row["code"]
    # 7 units of the structure and the quiz: Mongolian 6 published, the lesson a draft, the quiz missing.
    assert listed["mn"] == [6, 0, 0, 1, 1]
