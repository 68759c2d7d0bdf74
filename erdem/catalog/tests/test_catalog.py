from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.demo_data import COURSES
from erdem.catalog.models import Course, CourseTranslation, Lesson, LessonTranslation, TranslationStatus
from erdem.catalog.rendering import html_sanitise, markdown_render
from erdem.catalog.tests.factories import attachment_add, course_build, first_lesson, image_add, media_add
from erdem.catalog.translations import translation_pick
from erdem.frameworks.models import Competency
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

PUBLISHED, DRAFT, MISSING = TranslationStatus.PUBLISHED, TranslationStatus.DRAFT, TranslationStatus.MISSING


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


def _signed_in(client: Client, role: str, programme: Programme, language: str = "mn") -> Client:
    client.force_login(person_with_role(role, programme=programme, preferred_language=language))
    return client


def _lesson_url(lesson: Lesson) -> str:
    return reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk])


# --- translation fallback ----------------------------------------------------------------------------


def _translations(**statuses: str) -> list[LessonTranslation]:
    return [LessonTranslation(language_code=code, status=status, title=code) for code, status in statuses.items()]


def test_the_published_translation_in_the_readers_language_wins() -> None:
    picked = translation_pick(_translations(mn=PUBLISHED, en=PUBLISHED), language="mn")
    assert picked is not None and picked.language_code == "mn" and not picked.fell_back


@pytest.mark.parametrize("own_status", [DRAFT, MISSING, TranslationStatus.MACHINE_DRAFT, TranslationStatus.REVIEWED])
def test_an_unpublished_translation_falls_back_to_the_other_language(own_status: str) -> None:
    picked = translation_pick(_translations(mn=own_status, en=PUBLISHED), language="mn")
    assert picked is not None and picked.language_code == "en" and picked.fell_back


def test_a_missing_row_falls_back_too() -> None:
    picked = translation_pick(_translations(en=PUBLISHED), language="mn")
    assert picked is not None and picked.fell_back


def test_nothing_published_gives_nothing() -> None:
    assert translation_pick(_translations(mn=DRAFT, en=MISSING), language="en") is None


# --- rendering ---------------------------------------------------------------------------------------------


def test_markdown_renders_the_allowed_subset() -> None:
    html = markdown_render("## Heading\n\n**bold** *em* [link](https://erdem.mn) ![Зураг](https://erdem.mn/a.png)")
    assert "<h2>Heading</h2>" in html
    assert '<a href="https://erdem.mn" rel="noopener">link</a>' in html
    # An image from another site becomes a link: lesson pages never fetch from elsewhere (test_media.py).
    assert '<a href="https://erdem.mn/a.png" rel="noopener">Зураг</a>' in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html


def test_raw_html_in_markdown_is_shown_as_text() -> None:
    html = markdown_render('<script>alert(1)</script>\n\n<b onclick="x">bold</b>')
    assert "<script" not in html and "<b" not in html
    assert "&lt;script&gt;" in html


def test_script_urls_never_become_links() -> None:
    html = markdown_render("[click](javascript:alert(1)) [data](data:text/html,x)")
    assert "href" not in html


def test_the_sanitiser_strips_scripts_event_handlers_and_script_urls() -> None:
    html = html_sanitise(
        '<p onclick="steal()">text<script>alert(1)</script></p><a href="javascript:alert(1)">a</a>'
        '<img src="x.png" onerror="steal()" alt="alt"><iframe src="https://evil"></iframe><h1>title</h1>'
    )
    assert "script" not in html and "onclick" not in html and "onerror" not in html
    assert "javascript" not in html and "iframe" not in html and "<h1" not in html
    assert "<p>text</p>" in html and '<img src="x.png" alt="alt">' in html


# --- pages -----------------------------------------------------------------------------------------------


def test_anonymous_visitors_see_the_catalogue_and_the_course_but_log_in_for_lessons(
    client: Client, programme: Programme
) -> None:
    course = course_build(programme=programme)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("catalog:list")).content.decode()
    assert "Basics" in page and "Foundational" in page and "10 hours" in page
    page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert "Module-1" in page and "Lesson 2.2" in page and "Log in to start the course" in page
    response = client.get(_lesson_url(first_lesson(course)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize("role", [Role.EDUCATOR, Role.TRAINER, Role.COORDINATOR, Role.MINISTRY_VIEWER])
def test_signed_in_people_read_lessons(client: Client, programme: Programme, role: str) -> None:
    course = course_build(programme=programme)
    response = _signed_in(client, role, programme).get(_lesson_url(first_lesson(course)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Хичээл 1.1" in page and "<strong>багш</strong>" in page and "Дараах" in page


def test_competencies_are_shown_as_codes_with_their_names(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme)
    course.competencies.add(Competency.objects.get(framework__code="unesco-ai-cft", code="4.1"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("catalog:list")).content.decode()
    assert '<abbr class="badge" title="AI-assisted teaching">AI CFT 4.1</abbr>' in page


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_unpublished_courses_are_hidden_except_from_national_admins(
    client: Client, programme: Programme, status: str
) -> None:
    course = course_build(programme=programme, status=status)
    urls = [reverse("catalog:course", args=[course.code]), _lesson_url(first_lesson(course))]
    assert client.get(urls[0]).status_code == 404
    assert "Үндэс" not in client.get(reverse("catalog:list")).content.decode()
    educator = _signed_in(Client(), Role.EDUCATOR, programme)
    assert [educator.get(url).status_code for url in urls] == [404, 404]
    other_admin = _signed_in(Client(), Role.NATIONAL_ADMIN, ProgrammeFactory())
    assert [other_admin.get(url).status_code for url in urls] == [404, 404]
    admin = _signed_in(Client(), Role.NATIONAL_ADMIN, programme)
    assert [admin.get(url).status_code for url in urls] == [200, 200]
    assert "Үндэс" in admin.get(reverse("catalog:list")).content.decode()


def test_an_unknown_lesson_or_a_lesson_of_another_course_is_404(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme)
    other = course_build(programme=programme, code="other")
    reader = _signed_in(client, Role.EDUCATOR, programme)
    assert reader.get(reverse("catalog:lesson", args=[course.code, 999999])).status_code == 404
    assert reader.get(reverse("catalog:lesson", args=[course.code, first_lesson(other).pk])).status_code == 404


def test_a_lesson_in_english_only_shows_the_fallback_note_to_a_mongolian_reader(
    client: Client, programme: Programme
) -> None:
    course = course_build(programme=programme, lesson_statuses={"mn": DRAFT, "en": PUBLISHED})
    page = _signed_in(client, Role.EDUCATOR, programme).get(_lesson_url(first_lesson(course))).content.decode()
    assert "Энэ хичээл монгол хэлээр хараахан нийтлэгдээгүй байна; та англи хувилбарыг уншиж байна." in page
    assert '<article class="lesson" lang="en">' in page and "Hello, <strong>teacher</strong>." in page


def test_an_english_reader_gets_the_english_note_for_a_mongolian_only_lesson(
    client: Client, programme: Programme
) -> None:
    course = course_build(programme=programme, lesson_statuses={"mn": PUBLISHED})
    page = _signed_in(client, Role.EDUCATOR, programme, "en").get(_lesson_url(first_lesson(course))).content.decode()
    assert "This lesson is not yet published in English; you are reading the Mongolian version." in page
    assert '<article class="lesson" lang="mn">' in page


def test_lessons_published_in_no_language_are_left_out(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme, modules=1, lessons=3)
    hidden = Lesson.objects.get(module__course=course, position=2)
    hidden.translations.update(status=DRAFT)
    reader = _signed_in(client, Role.EDUCATOR, programme)
    assert "Хичээл 1.2" not in reader.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert reader.get(_lesson_url(hidden)).status_code == 404
    page = reader.get(_lesson_url(first_lesson(course))).content.decode()
    assert "Хичээл 1.3" in page  # the next readable lesson skips the hidden one


def test_a_course_title_falls_back_with_a_note(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme)
    CourseTranslation.objects.filter(course=course, language_code="en").update(status=DRAFT)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("catalog:course", args=[course.code])).content.decode()
    assert '<h1 lang="mn">Үндэс</h1>' in page
    assert "This course is not yet published in English; you are reading the Mongolian version." in page


# --- bounded queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_pages_make_a_bounded_number_of_queries(
    client: Client, programme: Programme, size: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(size):
        course_build(programme=programme, code=f"course-{number}", modules=size, lessons=size)
    course = Course.objects.get(code="course-0")
    lesson = Lesson.objects.filter(module__course=course).order_by("-module__position", "-position")[min(1, size - 1)]
    for number in range(size):  # media, images and attachments, with their translations in both languages
        media_add(lesson)
        image_add(lesson, key=f"chart-{number}")
        attachment_add(lesson)
    lesson_url = _lesson_url(lesson)
    reader = _signed_in(client, Role.EDUCATOR, programme)
    reader.get(reverse("catalog:list"))  # the session and the person are read on every page: not counted apart
    # session, person, grants, courses + their translations, competencies and team (for drafts)
    with django_assert_max_num_queries(7):
        assert reader.get(reverse("catalog:list")).status_code == 200
    # + the reader's enrolment and lessons done (erdem.learning)
    with django_assert_max_num_queries(13):
        assert reader.get(reverse("catalog:course", args=[course.code])).status_code == 200
    # + recording the visit and reading the lesson's state (erdem.learning), + the lesson's quizzes,
    # + the lesson's practical assignments (erdem.assignments: one query for the link),
    # + its media, images and attachments and their translations (six, erdem.catalog.media_selectors)
    with django_assert_max_num_queries(22):
        assert reader.get(lesson_url).status_code == 200


# --- demo ------------------------------------------------------------------------------------------------


def test_the_demo_step_creates_the_four_courses_in_both_languages(db: None) -> None:
    from erdem.demo.services import demo_load

    result = demo_load(educators=60, institutions=3)
    assert result.counts["courses"] == 4
    courses = Course.objects.order_by("code")
    assert [c.code for c in courses] == sorted(seed.code for seed in COURSES)
    assert all(course.status == Course.Status.PUBLISHED for course in courses)
    titles = set(CourseTranslation.objects.filter(language_code="en").values_list("title", flat=True))
    assert "Teaching with AI: Practical Tips and Prompts" in titles
    for course in courses:
        assert set(course.translations.filter(status=PUBLISHED).values_list("language_code", flat=True)) == {
            "mn",
            "en",
        }
        assert course.modules.count() == 3 and course.competencies.exists()
        assert course.authoring_institutions.count() >= 2
    english_only = LessonTranslation.objects.filter(language_code="mn").exclude(status=PUBLISHED)
    assert english_only.count() == 1
    assert LessonTranslation.objects.filter(language_code="en").exclude(status=PUBLISHED).count() == 0
