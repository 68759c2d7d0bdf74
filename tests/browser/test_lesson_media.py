"""An educator who chose low bandwidth opens a lesson with a video: the audio-only version comes
first, nothing heavy loads before they press play, and the transcript is open under it (browsers
show no captions on audio). Then the full version, with its caption tracks, is one click away.
A Mongolian reader sees a link to another site's page as a link, and audio without a transcript
with its captions as text, on a phone and on a desktop."""

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
    # No caption tracks on audio, where they would do nothing; the video keeps them, the reader's
    # language first, the other language offered and named in English.
    expect(first_player.locator("track")).to_have_count(0)
    tracks = full.locator("video track")
    expect(tracks).to_have_count(2)
    expect(tracks.first).to_have_attribute("kind", "captions")
    expect(tracks.first).to_have_attribute("srclang", "en")
    expect(tracks.last).to_have_attribute("label", "Mongolian")
    # Nothing heavy was fetched: neither version of the medium, nothing from another site.
    assert not [url for url in requested if "/play/" in url and "/captions/" not in url]
    assert not [url for url in requested if "cdn.example.org" in url]

    chart = page.get_by_role("img", name="Bar chart of four possible next words")
    expect(chart).to_have_attribute("loading", "lazy")
    expect(chart).to_have_attribute("width", "480")
    expect(section.locator("details.transcript")).to_have_attribute("open", "")  # open under the audio
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
    page.get_by_label("Captions (WebVTT, Mongolian)").set_input_files(str(captions))
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/lessons/{lesson.pk}/media/$"))
    expect(page.locator(".managed-media .card").first).to_contain_text("A short talk")
    screenshot(page, "lesson-media-manage-en")
    assert LessonMedia.objects.get(lesson=lesson).translations.get(language_code="mn").captions


@pytest.mark.parametrize("width", [390, 1280])
def test_a_mongolian_reader_sees_links_audio_text_and_the_media_list(page: Page, width: int) -> None:
    programme = ProgrammeFactory()
    author = person_with_role(Role.EDUCATOR, programme=programme, email="saraa@example.mn")
    author.set_password(PASSWORD)
    author.preferred_language = "mn"
    author.save()
    course = course_build(programme=programme, code="ai-103", modules=1, lessons=1)
    course.team.add(author)
    lesson = first_lesson(course)
    page_link = lesson_media_save(
        lesson=lesson, kind=LessonMedia.Kind.VIDEO, external_url="https://video.example.org/watch?v=42"
    )
    talk = lesson_media_save(
        lesson=lesson,
        kind=LessonMedia.Kind.AUDIO,
        position=2,
        file=upload("talk.mp3", mp3_silence(2)),
        texts={
            code: MediaText(
                title=title,
                captions=upload(f"{code}.vtt", webvtt([(0, 1, first), (1, 2, second)])),
            )
            for code, title, first, second in (
                ("mn", "Багшийн яриа", "Сайн байна уу,", "багш нараа."),
                ("en", "A teacher's talk", "Hello,", "teachers."),
            )
        },
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("И-мэйл хаяг").fill("saraa@example.mn")
    page.get_by_label(re.compile(r"^Нууц үг:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Нэвтрэх").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    page.goto(f"/courses/ai-103/lessons/{lesson.pk}/")
    link = page.locator(f"#media-{page_link.pk}")
    expect(link.get_by_role("heading", level=2)).to_have_text("video.example.org сайтын хуудас")
    expect(link).not_to_contain_text("Видео")
    expect(link.get_by_role("link", name=re.compile("video.example.org"))).to_be_visible()
    audio = page.locator(f"#media-{talk.pk}")
    expect(audio.locator("audio track")).to_have_count(0)
    captions = audio.locator("details.captions-text")
    captions.locator("summary").click()
    expect(captions.locator("p")).to_have_text("Сайн байна уу, багш нараа.")
    expect(page.locator(".offline-links")).to_contain_text("5.0")
    main = page.locator("main")
    assert main.evaluate("element => element.scrollWidth <= element.clientWidth + 1"), "the page scrolls sideways"
    assert_accessible(page)
    screenshot(page, f"lesson-media-mn-{width}")

    page.goto(f"/courses/ai-103/lessons/{lesson.pk}/media/")
    cards = page.locator(".managed-media .card")
    expect(cards.first.get_by_role("heading", level=3)).to_have_text("1. video.example.org сайтын хуудас")
    expect(cards.first).to_contain_text("Гадны хуудас: https://video.example.org/")
    texts = cards.nth(1).locator(".managed-texts li")
    expect(texts.first).to_contain_text("Монгол")
    expect(texts.first).to_contain_text("Багшийн яриа")
    expect(texts.last).to_contain_text("Англи")
    assert main.evaluate("element => element.scrollWidth <= element.clientWidth + 1"), "the page scrolls sideways"
    assert_accessible(page)
    screenshot(page, f"lesson-media-manage-mn-{width}")
