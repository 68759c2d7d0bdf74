"""An educator who chose low bandwidth opens a lesson with a video: the audio-only version comes
first, nothing heavy loads before they press play, the captions track is there and the
transcript opens in the page. Then the full version is one click away."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.media_samples import mp3_silence, pdf_document, png_bar_chart, webvtt
from erdem.catalog.media_services import MediaText, lesson_image_save, lesson_media_save
from erdem.catalog.models import LessonMedia, LessonTranslation
from erdem.catalog.tests.factories import course_build, first_lesson, upload
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Gobi-Camel-2026"


def test_a_low_bandwidth_educator_gets_the_audio_first_with_captions_and_transcript(page: Page) -> None:
    programme = ProgrammeFactory()
    educator = person_with_role(Role.EDUCATOR, programme=programme, email="tuya@example.mn")
    educator.set_password(PASSWORD)
    educator.preferred_language = "en"
    educator.low_bandwidth = True
    educator.save()
    lesson = first_lesson(course_build(programme=programme, code="ai-101", modules=1, lessons=1))
    texts = {
        "en": MediaText(
            title="Introduction to the course",
            transcript="Welcome. In this course we look at **language models**.",
            captions=upload(
                "en.vtt", webvtt([(0, 5, "Welcome."), (5, 10, "In this course we look at language models.")])
            ),
        ),
        "mn": MediaText(
            title="Сургалтын танилцуулга",
            transcript="Тавтай морил.",
            captions=upload("mn.vtt", webvtt([(0, 10, "Тавтай морил.")])),
        ),
    }
    media = lesson_media_save(
        lesson=lesson,
        kind=LessonMedia.Kind.VIDEO,
        external_url="https://cdn.example.org/introduction.mp4",
        low_bandwidth_file=upload("introduction-audio.mp3", mp3_silence(10)),
        texts=texts,
    )
    lesson_image_save(
        lesson=lesson,
        key="chart",
        file=upload("chart.png", png_bar_chart([0.62, 0.21, 0.11, 0.06])),
        alt_texts={"en": "Bar chart of four possible next words", "mn": "Дараагийн дөрвөн үгийн багана график"},
    )
    LessonTranslation.objects.filter(lesson=lesson).update(body="How a model weighs the next word:\n\n![](image:chart)")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(re.compile(r"^https://cdn\.example\.org/.*"), lambda route: route.abort())

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("tuya@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    requested.clear()
    page.goto(f"/courses/ai-101/lessons/{lesson.pk}/")
    section = page.locator(f"#media-{media.pk}")
    expect(section.get_by_role("heading", level=2)).to_have_text("Introduction to the course")
    expect(page.locator(".activities")).to_contain_text("Watch")
    # The audio-only version is the first player, open; the full video waits behind one click.
    first_player = section.locator("audio, video").first
    expect(first_player).to_have_attribute("src", re.compile(r"/play/\d+/low/"))
    expect(first_player).to_have_attribute("preload", "none")
    expect(section.locator("p.muted").first).to_contain_text("Audio only, for a weak connection · 39.1 KB")
    full = section.locator("details.media-other")
    expect(full.locator("summary")).to_contain_text("Full version: Video")
    expect(full.locator("video")).to_be_hidden()
    # Captions in the reader's language first and on by default, the other language offered.
    tracks = first_player.locator("track")
    expect(tracks).to_have_count(2)
    expect(tracks.first).to_have_attribute("kind", "captions")
    expect(tracks.first).to_have_attribute("srclang", "en")
    # Nothing heavy was fetched: neither version of the medium, nothing from another site.
    assert not [url for url in requested if "/play/" in url and "/captions/" not in url]
    assert not [url for url in requested if "cdn.example.org" in url]

    chart = page.get_by_role("img", name="Bar chart of four possible next words")
    expect(chart).to_have_attribute("loading", "lazy")
    expect(chart).to_have_attribute("width", "480")
    section.get_by_text("Transcript").click()
    expect(section.locator("details.transcript")).to_have_attribute("open", "")
    expect(section.locator("details.transcript strong")).to_have_text("language models")
    assert_accessible(page)
    screenshot(page, "lesson-media-low-bandwidth-en")

    # The generated MP3 is real audio the browser decodes, served with ranges.
    duration = first_player.evaluate(
        """audio => new Promise(resolve => {
            audio.addEventListener("loadedmetadata", () => resolve(audio.duration), {once: true});
            audio.preload = "metadata"; audio.load();
        })"""
    )
    assert 9 < duration < 11
    full.locator("summary").click()
    expect(full.locator("video")).to_be_visible()
    expect(full.locator("video")).to_have_attribute("src", "https://cdn.example.org/introduction.mp4")
    screenshot(page, "lesson-media-full-version-en")


def test_the_course_team_uploads_media_and_sees_what_was_wrong(page: Page, tmp_path: Path) -> None:
    programme = ProgrammeFactory()
    author = person_with_role(Role.EDUCATOR, programme=programme, email="bold@example.mn")
    author.set_password(PASSWORD)
    author.preferred_language = "en"
    author.save()
    course = course_build(programme=programme, code="ai-102", modules=1, lessons=1)
    course.team.add(author)
    lesson = first_lesson(course)
    disguised = tmp_path / "talk.mp3"
    disguised.write_bytes(pdf_document("Not audio", []))
    audio = tmp_path / "talk-audio.mp3"
    audio.write_bytes(mp3_silence(2))
    captions = tmp_path / "mn.vtt"
    captions.write_bytes(webvtt([(0, 2, "Сайн байна уу")]))

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("bold@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    page.goto(f"/courses/ai-102/lessons/{lesson.pk}/media/")
    page.get_by_role("link", name="Add a video or audio").click()
    page.get_by_label("Kind").select_option("audio")
    page.get_by_label("Upload the video or audio").set_input_files(str(disguised))
    page.locator("#id_title_en").fill("A short talk")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".errorlist")).to_contain_text("is not a file of a kind accepted here")
    assert_accessible(page)
    screenshot(page, "lesson-media-upload-error-en")

    page.get_by_label("Upload the video or audio").set_input_files(str(audio))
    page.get_by_label("Captions (WebVTT, Монгол)").set_input_files(str(captions))
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/lessons/{lesson.pk}/media/$"))
    expect(page.locator("table").first).to_contain_text("A short talk")
    screenshot(page, "lesson-media-manage-en")
    assert LessonMedia.objects.get(lesson=lesson).translations.get(language_code="mn").captions
