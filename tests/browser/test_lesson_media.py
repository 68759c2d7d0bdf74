"""An educator who chose low bandwidth opens a lesson with a video: the audio-only version comes
first, nothing heavy loads before they press play, the captions track is there and the
transcript opens in the page. Then the full version is one click away."""

import re

import pytest
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.media_samples import mp3_silence, webvtt
from erdem.catalog.media_services import MediaText, lesson_media_save
from erdem.catalog.models import LessonMedia
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
            captions=upload("en.vtt", webvtt([(0, 5, "Welcome."), (5, 10, "In this course we look at language models.")])),
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
