import io
import os
import re
import zipfile
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog import media_services
from erdem.catalog.media_samples import mp3_silence, pdf_document, png_bar_chart, webvtt
from erdem.catalog.media_selectors import captions_plain_text
from erdem.catalog.media_services import (
    MediaText,
    image_dimensions,
    lesson_attachment_save,
    lesson_image_save,
    lesson_media_delete,
    lesson_media_save,
)
from erdem.catalog.models import (
    Course,
    Lesson,
    LessonImageTranslation,
    LessonMedia,
    LessonMediaTranslation,
    LessonTranslation,
    TranslationStatus,
)
from erdem.catalog.rendering import ImageRef, markdown_render
from erdem.catalog.tests.factories import (
    attachment_add,
    course_build,
    first_lesson,
    image_add,
    media_add,
    upload,
)
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

PUBLISHED, DRAFT = TranslationStatus.PUBLISHED, TranslationStatus.DRAFT


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def lesson(programme: Programme) -> Lesson:
    return first_lesson(course_build(programme=programme, modules=1, lessons=2))


def _reader(client: Client, programme: Programme, *, low_bandwidth: bool = False, language: str = "mn") -> Person:
    person = person_with_role(Role.EDUCATOR, programme=programme, preferred_language=language)
    if low_bandwidth:
        Person.objects.filter(pk=person.pk).update(low_bandwidth=True)
        person.refresh_from_db()
    client.force_login(person)
    return person


def _lesson_url(lesson: Lesson) -> str:
    return reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk])


def _media_url(media: LessonMedia, variant: str = "main") -> str:
    lesson = media.lesson
    return reverse("catalog:media_file", args=[lesson.module.course.code, lesson.pk, media.pk, variant])


def _streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {field: [e.code or "" for e in errors] for field, errors in error.value.error_dict.items()}


# --- checks on what comes in -------------------------------------------------------------------------------


def test_an_uploaded_medium_keeps_its_sniffed_kind_and_size(lesson: Lesson) -> None:
    media = media_add(lesson)
    assert (media.file_kind, media.file_size) == ("mp3", len(mp3_silence(3)))
    assert media.low_bandwidth_kind == "mp3"
    assert media.file.name.startswith(f"catalog/{lesson.module.course_id}/") and "talk" not in media.file.name
    assert {row.language_code: row.captions_size for row in media.translations.all()} == {
        "mn": len(webvtt([(0, 2, "Сайн байна уу")])),
        "en": len(webvtt([(0, 2, "Hello")])),
    }


@pytest.mark.parametrize(
    ("name", "content", "kind", "code"),
    [
        ("talk.mp3", png_bar_chart([0.5], width=8, height=8), "audio", "kind"),  # an image is no audio
        ("talk.pdf", mp3_silence(1), "audio", "disguised"),  # MP3 content named .pdf
        ("talk.mp3", mp3_silence(1), "video", "kind"),  # audio uploaded as a video
        ("talk.mp3", b"", "audio", "empty"),
    ],
)
def test_wrong_disguised_or_empty_media_are_refused(
    lesson: Lesson, name: str, content: bytes, kind: str, code: str
) -> None:
    with pytest.raises(ValidationError) as error:
        lesson_media_save(lesson=lesson, kind=kind, file=upload(name, content))
    assert _errors(error) == {"file": [code]}
    assert not LessonMedia.objects.exists()


def test_a_medium_too_large_is_refused(lesson: Lesson, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(media_services.MEDIA_MAX_BYTES, LessonMedia.Kind.AUDIO, 1000)
    with pytest.raises(ValidationError) as error:
        lesson_media_save(lesson=lesson, kind="audio", file=upload("talk.mp3", mp3_silence(1)))
    assert _errors(error) == {"file": ["too_large"]}


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a.mp4",
        "ftp://example.org/a.mp4",
        "https://user:pw@x.org/a",
        "javascript:alert(1)",
        "https:///nohost",
    ],
)
def test_external_media_must_be_https(lesson: Lesson, url: str) -> None:
    with pytest.raises(ValidationError) as error:
        lesson_media_save(lesson=lesson, kind="video", external_url=url)
    assert list(_errors(error)) == ["external_url"]


def test_a_medium_needs_a_source(lesson: Lesson) -> None:
    with pytest.raises(ValidationError) as error:
        lesson_media_save(lesson=lesson, kind="video")
    assert _errors(error) == {"file": ["required"]}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"WEBVTTX\n\n00:00.000 --> 00:01.000\nx\n", "vtt"),  # the signature must stand alone
        (b"1\n00:00:00,000 --> 00:00:01,000\nSRT, not WebVTT\n", "kind"),  # sniffed as plain text
        # Valid UTF-8 as far as the sniffer reads, Windows-1251 further on.
        (b"WEBVTT\n\n00:00.000 --> 00:01.000\n" + b"a" * 9000 + "Сайн".encode("cp1251"), "encoding"),
        (b"<!doctype html><script>alert(1)</script>", "kind"),
    ],
)
def test_captions_must_be_utf8_webvtt(lesson: Lesson, content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        lesson_media_save(
            lesson=lesson,
            kind="video",
            external_url="https://example.org/v.mp4",
            texts={"mn": MediaText(title="x", captions=upload("mn.vtt", content))},
        )
    assert _errors(error) == {"captions_mn": [code]}
    assert not LessonMedia.objects.exists()  # nothing half-saved


def test_captions_too_large_are_refused(lesson: Lesson, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_services, "CAPTIONS_MAX_BYTES", 20)
    with pytest.raises(ValidationError) as error:
        lesson_media_save(
            lesson=lesson,
            kind="video",
            external_url="https://example.org/v.mp4",
            texts={"en": MediaText(captions=upload("en.vtt", webvtt([(0, 1, "Hello there")])))},
        )
    assert _errors(error) == {"captions_en": ["too_large"]}


def test_a_replaced_or_deleted_file_leaves_storage_unless_shared(
    lesson: Lesson, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        media = media_add(lesson)
    first = media.file.name
    with django_capture_on_commit_callbacks(execute=True):
        lesson_media_save(lesson=lesson, media=media, kind="audio", file=upload("new.mp3", mp3_silence(2)))
    assert not default_storage.exists(first) and default_storage.exists(media.file.name)
    # Another lesson pointing at the same stored file (as the demo does) keeps it alive.
    other = LessonMedia.objects.create(
        lesson=lesson, kind="audio", file=media.file.name, file_kind="mp3", file_size=media.file_size
    )
    names = [media.file.name, media.low_bandwidth_file.name]
    with django_capture_on_commit_callbacks(execute=True):
        lesson_media_delete(media=media)
    assert default_storage.exists(other.file.name)
    assert not default_storage.exists(names[1])
    assert not LessonMediaTranslation.objects.filter(media_id=media.pk).exists()


def test_image_dimensions_are_read_from_the_content() -> None:
    assert image_dimensions(png_bar_chart([0.5], width=31, height=17)) == (31, 17)
    assert image_dimensions(b"GIF89a" + (12).to_bytes(2, "little") + (7).to_bytes(2, "little") + bytes(20)) == (12, 7)
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x10"
        + bytes(14)
        + b"\xff\xc0\x00\x11\x08"
        + (90).to_bytes(2, "big")
        + (160).to_bytes(2, "big")
        + bytes(12)
    )
    assert image_dimensions(jpeg) == (160, 90)
    assert image_dimensions(b"not an image") is None


def test_image_keys_are_unique_per_lesson(lesson: Lesson) -> None:
    image_add(lesson)
    with pytest.raises(ValidationError) as error:
        image_add(lesson)
    assert _errors(error) == {"key": ["unique"]}
    with pytest.raises(ValidationError) as error:
        lesson_image_save(lesson=lesson, key="pdf", file=upload("a.png", pdf_document("x", [])), alt_texts={})
    assert _errors(error) == {"file": ["kind"]}


# --- rendering images ------------------------------------------------------------------------------------------


def test_an_image_token_becomes_a_lazy_image_with_its_size_and_alt_text() -> None:
    html = markdown_render(
        "Look: ![ignored](image:chart)", images={"chart": ImageRef("/i/chart/?v=1", "Бар", "mn", 40, 20)}
    )
    assert (
        '<img src="/i/chart/?v=1" alt="Бар" lang="mn" width="40" height="20" loading="lazy" decoding="async">' in html
    )


def test_unknown_keys_vanish_and_foreign_images_become_links() -> None:
    html = markdown_render("![a](image:nope) ![Logo](https://elsewhere.example/logo.png)")
    assert "<img" not in html
    assert '<a href="https://elsewhere.example/logo.png" rel="noopener">Logo</a>' in html


def test_data_uris_only_offline_and_only_for_images() -> None:
    ref = {"x": ImageRef("data:image/png;base64,AAAA", "x")}
    assert "data:" not in markdown_render("![](image:x)", images=ref)
    offline = markdown_render("![](image:x) [page](data:text/html;base64,PHNjcmlwdD4=)", images=ref, inline_images=True)
    assert 'src="data:image/png;base64,AAAA"' in offline and 'href="data:' not in offline


@pytest.mark.parametrize(("language", "expected"), [("mn", "График"), ("en", "A chart")])
def test_alt_text_follows_the_reader_and_falls_back(
    client: Client, programme: Programme, lesson: Lesson, language: str, expected: str
) -> None:
    image_add(lesson)
    LessonTranslation.objects.filter(lesson=lesson).update(body="Text ![](image:chart)")
    _reader(client, programme, language=language)
    assert f'alt="{expected}" lang="{language}"' in client.get(_lesson_url(lesson)).content.decode()
    # Without an English alt text, English readers get the Mongolian one, marked as Mongolian.
    LessonImageTranslation.objects.filter(language_code="en").update(alt_text="")
    page = client.get(_lesson_url(lesson)).content.decode()
    assert 'alt="График" lang="mn"' in page


# --- the lesson page -------------------------------------------------------------------------------------------


def _positions(page: str, *needles: str) -> list[int]:
    return [page.index(needle) for needle in needles]


def test_a_low_bandwidth_reader_gets_the_light_version_first(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    media = media_add(lesson)
    _reader(client, programme, low_bandwidth=True, language="en")
    page = client.get(_lesson_url(lesson)).content.decode()
    low, main = _media_url(media, "low"), _media_url(media, "main")
    first, second = _positions(page, f'src="{low}', f'src="{main}')
    assert first < second
    assert f"Full version: Audio · {filesizeformat(media.file_size)}" in page  # one click away, with its size
    assert page.count('preload="none"') == 2 and "autoplay" not in page
    # Browsers show no captions on <audio>: no tracks offered, the transcript shown open instead.
    assert "<track" not in page
    assert re.search(r'<details class="transcript" open>\s*<summary>Transcript</summary>', page)
    assert "<strong>en</strong> transcript" in page


def test_other_readers_get_the_full_version_first(client: Client, programme: Programme, lesson: Lesson) -> None:
    media = media_add(lesson)
    attachment_add(lesson)
    _reader(client, programme, language="mn")
    page = client.get(_lesson_url(lesson)).content.decode()
    first, second = _positions(page, f'src="{_media_url(media, "main")}', f'src="{_media_url(media, "low")}')
    assert first < second
    assert "Ажлын хуудас" in page and "PDF" in page


def _video_with_captions(lesson: Lesson, *, transcripts: bool = True) -> LessonMedia:
    texts = {
        code: MediaText(
            title=f"{code} film",
            transcript=f"{code} film transcript" if transcripts else "",
            captions=upload(f"{code}.vtt", webvtt([(0, 2, f"<v Bold>{code} words</v> &amp; more")])),
        )
        for code in ("mn", "en")
    }
    return lesson_media_save(lesson=lesson, kind="video", external_url="https://cdn.example.org/film.mp4", texts=texts)


def test_a_video_offers_caption_tracks_in_the_readers_language_first(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    _video_with_captions(lesson)
    _reader(client, programme, language="mn")
    page = client.get(_lesson_url(lesson)).content.decode()
    # Mongolian captions first and on by default, English offered too, named in Mongolian.
    assert re.search(r'<track kind="captions" srclang="mn" label="Монгол" src="[^"]+" default>', page)
    assert 'srclang="en"' in page and 'label="English"' not in page
    assert '<details class="transcript">' in page  # a video's transcript stays folded: its captions show


def test_audio_without_a_transcript_shows_its_captions_as_text(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    media = media_add(lesson)
    LessonMediaTranslation.objects.filter(media=media).update(transcript="")
    _reader(client, programme, language="en")
    page = client.get(_lesson_url(lesson)).content.decode()
    assert "<track" not in page and "WEBVTT" not in page and "-->" not in page
    assert re.search(r'<summary>Captions as text</summary>\s*<p lang="en">Hello</p>', page)


def test_the_activities_list_names_reading_and_media(client: Client, programme: Programme, lesson: Lesson) -> None:
    media = media_add(lesson)
    _reader(client, programme, language="en")
    page = client.get(_lesson_url(lesson)).content.decode()
    assert "In this lesson" in page and 'href="#lesson-text"' in page and f'href="#media-{media.pk}"' in page
    plain = first_lesson(lesson.module.course).module.lessons.exclude(pk=lesson.pk).get()
    assert "In this lesson" not in client.get(_lesson_url(plain)).content.decode()


def test_an_external_page_is_a_link_and_a_media_file_plays_in_the_page(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    lesson_media_save(lesson=lesson, kind="video", external_url="https://video.example.org/watch?v=1")
    lesson_media_save(lesson=lesson, kind="video", position=2, external_url="https://cdn.example.org/talk.webm")
    _reader(client, programme, language="en")
    page = client.get(_lesson_url(lesson)).content.decode()
    assert 'href="https://video.example.org/watch?v=1" rel="noopener noreferrer">Open on video.example.org' in page
    assert '<video controls preload="none" src="https://cdn.example.org/talk.webm" playsinline>' in page
    # The page link is not called a video: its heading and label name the other site.
    first = page.split('class="lesson-media"', 1)[1].split("</section>", 1)[0]
    assert "<h2>A page on video.example.org</h2>" in first and "Video" not in first
    assert "A link to a page on another site (video.example.org), not a video on erdem." in first
    activities = page.split('class="activities"', 1)[1].split("</section>", 1)[0]
    assert '<span class="badge">External page</span>' in activities and "Watch" in activities
    assert "<script" not in page.split("<main", 1)[1]  # no third-party player


def test_draft_texts_of_a_medium_stay_hidden_from_readers(client: Client, programme: Programme, lesson: Lesson) -> None:
    media = media_add(lesson, status=DRAFT)
    _reader(client, programme, language="en")
    page = client.get(_lesson_url(lesson)).content.decode()
    assert "en talk" not in page and "<track" not in page
    captions = reverse("catalog:media_captions", args=[lesson.module.course.code, lesson.pk, media.pk, "en"])
    assert client.get(captions).status_code == 404


# --- serving files ---------------------------------------------------------------------------------------------


def test_media_are_served_whole_or_by_range(client: Client, programme: Programme, lesson: Lesson) -> None:
    media = media_add(lesson)
    _reader(client, programme)
    size = media.file_size
    whole = client.get(_media_url(media))
    assert whole.status_code == 200 and _streamed(whole) == mp3_silence(3)
    assert whole["Content-Type"] == "audio/mpeg" and whole["Accept-Ranges"] == "bytes"
    assert whole["X-Content-Type-Options"] == "nosniff" and whole["Content-Disposition"].startswith("inline")
    part = client.get(_media_url(media), headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{size}"
    assert _streamed(part) == mp3_silence(3)[100:200]
    tail = client.get(_media_url(media), headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and _streamed(tail) == mp3_silence(3)[-10:]
    refused = client.get(_media_url(media), headers={"Range": f"bytes={size}-"})
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{size}"
    assert client.get(_media_url(media, "low")).status_code == 200
    assert client.get(_media_url(media, "other")).status_code == 404


def test_captions_images_and_attachments_are_served_with_safe_headers(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    media, image, attachment = media_add(lesson), image_add(lesson), attachment_add(lesson)
    code = lesson.module.course.code
    _reader(client, programme, language="mn")
    captions = client.get(reverse("catalog:media_captions", args=[code, lesson.pk, media.pk, "mn"]))
    assert captions["Content-Type"] == "text/vtt" and _streamed(captions).startswith(b"WEBVTT")
    picture = client.get(reverse("catalog:lesson_image", args=[code, lesson.pk, image.key]))
    assert (
        picture["Content-Type"] == "image/png" and picture["Content-Security-Policy"] == "default-src 'none'; sandbox"
    )
    download = client.get(reverse("catalog:lesson_attachment", args=[code, lesson.pk, attachment.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"].startswith("attachment;")
        and "filename*=UTF-8''" in download["Content-Disposition"]
    )


def test_files_of_a_draft_course_are_hidden_from_educators(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme, code="draft", status=Course.Status.DRAFT, modules=1, lessons=1)
    lesson = first_lesson(course)
    media, image = media_add(lesson), image_add(lesson)
    _reader(client, programme)
    assert client.get(_media_url(media)).status_code == 404
    assert client.get(reverse("catalog:lesson_image", args=["draft", lesson.pk, image.key])).status_code == 404
    assert client.get(reverse("catalog:lesson_offline", args=["draft", lesson.pk])).status_code == 404
    assert client.get(reverse("catalog:course_offline", args=["draft"])).status_code == 404
    member = person_with_role(Role.EDUCATOR, programme=programme)
    course.team.add(member)
    client.force_login(member)
    assert client.get(_media_url(media)).status_code == 200  # the course team reads its draft


def test_files_are_not_reached_by_changing_ids(client: Client, programme: Programme, lesson: Lesson) -> None:
    hidden_course = course_build(programme=programme, code="hidden", status=Course.Status.DRAFT, modules=1, lessons=1)
    hidden = media_add(first_lesson(hidden_course))
    unpublished = Lesson.objects.create(module=lesson.module, position=9, estimated_minutes=5)
    on_unpublished = media_add(unpublished)
    _reader(client, programme)
    code = lesson.module.course.code
    # Another lesson's medium under a readable lesson's address, and a lesson published in no language.
    assert client.get(reverse("catalog:media_file", args=[code, lesson.pk, hidden.pk, "main"])).status_code == 404
    assert client.get(_media_url(on_unpublished)).status_code == 404
    assert client.get(reverse("catalog:media_file", args=["hidden", lesson.pk, hidden.pk, "main"])).status_code == 404
    client.logout()
    response = client.get(_media_url(media_add(lesson)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


# --- the course team's pages -----------------------------------------------------------------------------------


def _team_member(client: Client, programme: Programme, lesson: Lesson) -> Person:
    member = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")
    lesson.module.course.team.add(member)
    client.force_login(member)
    return member


def _media_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "audio",
        "position": "1",
        "external_url": "",
        "title_mn": "Яриа",
        "status_mn": PUBLISHED,
        "transcript_mn": "",
        "title_en": "Talk",
        "status_en": PUBLISHED,
        "transcript_en": "Words",
    }
    return data | overrides


def test_the_team_adds_changes_and_deletes_a_medium(client: Client, programme: Programme, lesson: Lesson) -> None:
    _team_member(client, programme, lesson)
    code = lesson.module.course.code
    manage = reverse("catalog:lesson_media", args=[code, lesson.pk])
    assert client.get(manage).status_code == 200
    response = client.post(
        reverse("catalog:lesson_media_add", args=[code, lesson.pk]),
        _media_form(file=upload("talk.mp3", mp3_silence(1)), captions_en=upload("en.vtt", webvtt([(0, 1, "Hi")]))),
    )
    assert response.status_code == 302 and response["Location"] == manage
    media = LessonMedia.objects.get(lesson=lesson)
    assert media.translations.get(language_code="en").captions_size == len(webvtt([(0, 1, "Hi")]))
    assert "Talk" in client.get(manage).content.decode()
    response = client.post(
        reverse("catalog:lesson_media_edit", args=[code, lesson.pk, media.pk]),
        _media_form(external_url="https://cdn.example.org/talk.mp3", remove_captions_en="on"),
    )
    media.refresh_from_db()
    assert response.status_code == 302 and media.external_url.endswith("talk.mp3") and not media.file
    assert not media.translations.get(language_code="en").captions
    client.post(reverse("catalog:lesson_media_delete", args=[code, lesson.pk, media.pk]))
    assert not LessonMedia.objects.exists()


@pytest.mark.parametrize(
    ("files", "field", "message"),
    [
        ({"file": ("talk.mp3", b"%PDF-1.4 not audio")}, "file", "is not a file of a kind accepted here"),
        ({"file": ("talk.pdf", mp3_silence(1))}, "file", "is named like a .pdf file but its content is a MP3 audio"),
        ({"captions_mn": ("mn.vtt", b"no signature")}, "captions_mn", "is not a file of a kind accepted here"),
        ({"low_bandwidth_file": ("low.mp3", b"")}, "low_bandwidth_file", "is empty"),
    ],
)
def test_upload_errors_show_next_to_their_field(
    client: Client, programme: Programme, lesson: Lesson, files: dict[str, tuple[str, bytes]], field: str, message: str
) -> None:
    _team_member(client, programme, lesson)
    data = _media_form(**{name: upload(*spec) for name, spec in files.items()})
    data.setdefault("file", upload("ok.mp3", mp3_silence(1)))
    response = client.post(reverse("catalog:lesson_media_add", args=[lesson.module.course.code, lesson.pk]), data)
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert not LessonMedia.objects.exists()


def test_a_file_and_an_address_at_once_are_refused(client: Client, programme: Programme, lesson: Lesson) -> None:
    _team_member(client, programme, lesson)
    data = _media_form(file=upload("talk.mp3", mp3_silence(1)), external_url="https://cdn.example.org/talk.mp3")
    response = client.post(reverse("catalog:lesson_media_add", args=[lesson.module.course.code, lesson.pk]), data)
    assert response.status_code == 400 and response.context["form"].errors["external_url"]
    assert not LessonMedia.objects.exists()


def test_too_large_is_said_in_mongolian_to_a_mongolian_team(
    client: Client, programme: Programme, lesson: Lesson, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media_services, "IMAGE_MAX_BYTES", 100)
    member = _team_member(client, programme, lesson)
    Person.objects.filter(pk=member.pk).update(preferred_language="mn")
    response = client.post(
        reverse("catalog:lesson_image_add", args=[lesson.module.course.code, lesson.pk]),
        {"key": "chart", "alt_mn": "График", "alt_en": "", "file": upload("chart.png", png_bar_chart([0.5]))},
    )
    assert response.status_code == 400
    assert "хамгийн ихдээ" in " ".join(response.context["form"].errors["file"])


def test_images_and_attachments_are_managed_too(client: Client, programme: Programme, lesson: Lesson) -> None:
    _team_member(client, programme, lesson)
    code = lesson.module.course.code
    client.post(
        reverse("catalog:lesson_image_add", args=[code, lesson.pk]),
        {"key": "chart", "alt_mn": "График", "alt_en": "", "file": upload("c.png", png_bar_chart([0.5]))},
    )
    image = lesson.images.get()
    assert (image.width, image.height) == (480, 270)
    assert image.translations.get(language_code="en").status == TranslationStatus.MISSING
    response = client.post(
        reverse("catalog:lesson_attachment_add", args=[code, lesson.pk]),
        {"position": "1", "title_mn": "", "title_en": "", "file": upload("w.pdf", pdf_document("W", []))},
    )
    assert response.status_code == 400 and "at least one language" in response.content.decode()
    client.post(
        reverse("catalog:lesson_attachment_add", args=[code, lesson.pk]),
        {"position": "1", "title_mn": "", "title_en": "Sheet", "file": upload("w.pdf", pdf_document("W", []))},
    )
    attachment = lesson.attachments.get()
    client.post(reverse("catalog:lesson_image_delete", args=[code, lesson.pk, image.pk]))
    client.post(reverse("catalog:lesson_attachment_delete", args=[code, lesson.pk, attachment.pk]))
    assert not lesson.images.exists() and not lesson.attachments.exists()


def test_readers_may_not_manage_media(client: Client, programme: Programme, lesson: Lesson) -> None:
    media = media_add(lesson)
    _reader(client, programme)
    code = lesson.module.course.code
    assert client.get(reverse("catalog:lesson_media", args=[code, lesson.pk])).status_code == 403
    assert client.post(reverse("catalog:lesson_media_delete", args=[code, lesson.pk, media.pk])).status_code == 403
    assert LessonMedia.objects.filter(pk=media.pk).exists()


def test_a_medium_of_another_lesson_cannot_be_changed_through_this_one(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    other_course = course_build(programme=programme, code="other", modules=1, lessons=1)
    foreign = media_add(first_lesson(other_course))
    _team_member(client, programme, lesson)
    code = lesson.module.course.code
    assert client.post(reverse("catalog:lesson_media_delete", args=[code, lesson.pk, foreign.pk])).status_code == 404
    assert client.get(reverse("catalog:lesson_media_edit", args=[code, lesson.pk, foreign.pk])).status_code == 404
    assert LessonMedia.objects.filter(pk=foreign.pk).exists()


# --- offline copies ----------------------------------------------------------------------------------------------


def _requests_made_by(html: str) -> list[str]:
    """What a browser would fetch on its own opening the file: sources, stylesheets, scripts, frames."""
    fetched = re.findall(r"<(?:img|script|iframe|video|audio|source|track|embed|object)\b[^>]*\bsrc=\"([^\"]*)\"", html)
    fetched += re.findall(r"<link\b[^>]*href=\"([^\"]*)\"", html)
    fetched += re.findall(r"url\(([^)]*)\)", html)
    return [url for url in fetched if not url.startswith("data:")]


def test_a_lesson_downloads_as_one_self_contained_page(client: Client, programme: Programme, lesson: Lesson) -> None:
    media, _image, attachment = media_add(lesson), image_add(lesson), attachment_add(lesson)
    LessonTranslation.objects.filter(lesson=lesson, language_code="en").update(
        body="Hello **teacher**. ![](image:chart)"
    )
    _reader(client, programme, language="en")
    response = client.get(reverse("catalog:lesson_offline", args=[lesson.module.course.code, lesson.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="01-01-lesson-11.html"')
    html = response.content.decode()
    assert "Hello <strong>teacher</strong>" in html and '<img src="data:image/png;base64,' in html
    assert _requests_made_by(html) == []
    assert f"http://testserver{_media_url(media)}" in html  # media linked, absolute, not embedded
    # The transcript as text; the captions say the same, so they are left out.
    assert "<strong>en</strong> transcript" in html and "WEBVTT" not in html and "-->" not in html
    assert "Captions" not in html
    download = reverse("catalog:lesson_attachment", args=[lesson.module.course.code, lesson.pk, attachment.pk])
    assert re.search(
        rf'<a href="http://testserver{re.escape(download)}">Worksheet</a> <span class="muted">\(PDF[^)]*needs a con',
        html,
    )
    assert 'href="files/' not in html and "in this download" not in html  # a single page packs nothing


def test_an_offline_page_without_a_transcript_has_the_captions_as_text(
    client: Client, programme: Programme, lesson: Lesson
) -> None:
    _video_with_captions(lesson, transcripts=False)
    lesson_media_save(lesson=lesson, kind="video", position=2, external_url="https://video.example.org/watch?v=1")
    _reader(client, programme, language="en")
    html = client.get(reverse("catalog:lesson_offline", args=[lesson.module.course.code, lesson.pk])).content.decode()
    assert "<h3>Captions as text</h3>" in html and '<p lang="en">en words &amp; more</p>' in html
    assert '<a href="https://cdn.example.org/film.mp4">Video</a> <span class="muted">(needs a connection)' in html
    # A page on another site is named as such, not as a video.
    assert "<h2>A page on video.example.org</h2>" in html
    assert 'A page on another site</a> <span class="muted">(a page on video.example.org; needs a connection)' in html
    assert "WEBVTT" not in html and "-->" not in html and "&lt;v" not in html


def test_webvtt_becomes_running_text() -> None:
    vtt = (
        "\ufeffWEBVTT - a talk\n\nNOTE written by the team\n\nSTYLE\n::cue { color: red }\n\n"
        "intro\n00:00:00.000 --> 00:00:02.000 align:start\n<v Saraa>Сайн байна уу,</v>\n<i>багш</i> нараа!\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Saraa>Сайн байна уу,</v>\n<i>багш</i> нараа!\n\n"
        "2\r\n00:03.000 --> 00:05.000\r\nR&amp;D &lt;3 <c.loud>today</c>\r\n"
    )
    assert captions_plain_text(vtt) == "Сайн байна уу, багш нараа! R&D <3 today"
    assert captions_plain_text("WEBVTT\n") == ""


def test_a_course_downloads_as_a_zip_in_the_readers_language(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme, code="zip-me", modules=2, lessons=2)
    english_only = Lesson.objects.filter(module__course=course).order_by("module__position", "position")[1]
    LessonTranslation.objects.filter(lesson=english_only, language_code="mn").update(status=DRAFT)
    image_add(first_lesson(course))
    _reader(client, programme, language="mn")
    response = client.get(reverse("catalog:course_offline", args=["zip-me"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="zip-me-mn.zip"')
    archive = zipfile.ZipFile(io.BytesIO(_streamed(response)))
    names = archive.namelist()
    assert names[-1] == "zip-me/index.html" and len(names) == 5
    index = archive.read("zip-me/index.html").decode()
    assert "Хичээл 1.1" in index and "Lesson 1.2" in index  # the English-only lesson, in English
    assert "(in English)" in index or "англи" in index.lower()
    fell_back = archive.read(next(name for name in names if "lesson-12" in name)).decode()
    assert "монгол хэлээр хараахан нийтлэгдээгүй" in fell_back and '<article lang="en">' in fell_back
    assert "zip-me/01-01-хичээл-11.html" in names
    for name in names:
        assert _requests_made_by(archive.read(name).decode()) == []


def _zip_of(client: Client, code: str) -> zipfile.ZipFile:
    response = client.get(reverse("catalog:course_offline", args=[code]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(_streamed(response)))


def test_a_course_zip_packs_its_small_files_and_links_them_relatively(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme, code="packed", modules=1, lessons=1)
    lesson = first_lesson(course)
    media, attachment = media_add(lesson), attachment_add(lesson)
    _reader(client, programme, language="mn")
    archive = _zip_of(client, "packed")
    names = archive.namelist()
    files = sorted(name for name in names if name.startswith("packed/files/"))
    assert files == [
        "packed/files/01-01-mn-talk-low.mp3",
        "packed/files/01-01-mn-talk.mp3",
        "packed/files/01-01-ажлын-хуудас.pdf",
    ]
    assert archive.read("packed/files/01-01-ажлын-хуудас.pdf") == default_storage.open(attachment.file.name).read()
    assert (
        archive.read("packed/files/01-01-mn-talk-low.mp3") == default_storage.open(media.low_bandwidth_file.name).read()
    )
    page = archive.read(next(name for name in names if name.startswith("packed/01-01-"))).decode()
    assert '<a href="files/01-01-ажлын-хуудас.pdf">Ажлын хуудас</a>' in page
    assert 'href="files/01-01-mn-talk-low.mp3"' in page and 'href="files/01-01-mn-talk.mp3"' in page
    assert "testserver" not in page and "WEBVTT" not in page
    index = archive.read("packed/index.html").decode()
    assert "files" in index and filesizeformat(5 * 1024 * 1024) in index


def test_files_over_the_caps_stay_links_that_need_a_connection(
    client: Client, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = course_build(programme=programme, code="capped", modules=1, lessons=2)
    first, second = Lesson.objects.filter(module__course=course).order_by("position")
    media = media_add(first)
    assert media.file_size and media.low_bandwidth_size
    attachment_add(second)
    # The full audio is over the cap for one file; the light one and the first worksheet fit,
    # and the package is then full, so the second lesson's worksheet is left online.
    monkeypatch.setattr("erdem.catalog.offline.OFFLINE_FILE_MAX_BYTES", media.file_size - 1)
    attachment_add(first)
    first_worksheet = first.attachments.get().file_size
    monkeypatch.setattr("erdem.catalog.offline.OFFLINE_PACKAGE_MAX_BYTES", media.low_bandwidth_size + first_worksheet)
    _reader(client, programme, language="en")
    archive = _zip_of(client, "capped")
    files = sorted(name for name in archive.namelist() if "/files/" in name)
    assert files == ["capped/files/01-01-en-talk-low.mp3", "capped/files/01-01-worksheet.pdf"]
    pages = {name: archive.read(name).decode() for name in archive.namelist() if "/files/" not in name}
    page_one = next(html for name, html in pages.items() if name.startswith("capped/01-01-"))
    page_two = next(html for name, html in pages.items() if name.startswith("capped/01-02-"))
    assert f'<a href="http://testserver{_media_url(media)}?v=' in page_one
    assert "needs a connection" in page_one and "in this download" in page_one
    assert 'href="http://testserver/' in page_two and "needs a connection" in page_two


def test_a_packed_file_is_streamed_in_small_chunks(client: Client, programme: Programme) -> None:
    course = course_build(programme=programme, code="streamed", modules=1, lessons=1)
    lesson = first_lesson(course)
    content = pdf_document("Big worksheet", ["one"]) + os.urandom(2 * 1024 * 1024)  # incompressible
    attachment = lesson_attachment_save(lesson=lesson, file=upload("big.pdf", content), titles={"en": "Big"})
    _reader(client, programme, language="en")
    response = client.get(reverse("catalog:course_offline", args=["streamed"]))
    assert isinstance(response, StreamingHttpResponse)
    chunks = list(response.streaming_content)
    # Memory holds one chunk of the file at a time, not the file: it arrives in many small pieces.
    assert len(chunks) > 20 and max(len(chunk) for chunk in chunks) < 256 * 1024
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.read("streamed/files/01-01-big.pdf") == content == default_storage.open(attachment.file.name).read()


def test_the_course_download_link_states_its_file_cap(client: Client, programme: Programme, lesson: Lesson) -> None:
    media_add(lesson)
    _reader(client, programme, language="en")
    page = client.get(_lesson_url(lesson)).content.decode()
    size, total = filesizeformat(5 * 1024 * 1024), filesizeformat(50 * 1024 * 1024)
    assert f"(includes files up to {size} each, {total} in all; larger ones need a connection)" in page


def test_the_media_list_shows_the_readers_language_first(client: Client, programme: Programme, lesson: Lesson) -> None:
    media_add(lesson)
    team = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="mn")
    lesson.module.course.team.add(team)
    client.force_login(team)
    url = reverse("catalog:lesson_media", args=[lesson.module.course.code, lesson.pk])
    page = client.get(url).content.decode()
    assert page.index("mn talk") < page.index("en talk")
    edit = client.get(
        reverse("catalog:lesson_media_edit", args=[lesson.module.course.code, lesson.pk, lesson.media.get().pk])
    )
    legends = re.findall(r"<legend>([^<]+)</legend>", edit.content.decode())
    assert legends == ["Монгол", "Англи"]


def test_offline_copies_need_a_signed_in_reader(client: Client, lesson: Lesson) -> None:
    code = lesson.module.course.code
    for url in (
        reverse("catalog:lesson_offline", args=[code, lesson.pk]),
        reverse("catalog:course_offline", args=[code]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


# --- demo --------------------------------------------------------------------------------------------------------


def test_the_demo_lessons_come_with_media_images_and_files(client: Client, db: None) -> None:
    from erdem.demo.services import demo_load

    result = demo_load(educators=10, institutions=3)
    assert (result.counts["lesson media"], result.counts["lesson images"], result.counts["lesson files"]) == (4, 4, 8)
    for media in LessonMedia.objects.select_related("lesson__module__course"):
        assert media.external_url.startswith("https://") and media.low_bandwidth_kind == "mp3"
        rows = {row.language_code: row for row in media.translations.all()}
        assert set(rows) == {"mn", "en"} and all(row.captions and row.transcript for row in rows.values())
        assert default_storage.open(rows["mn"].captions.name).read().startswith(b"WEBVTT")
    for translation in LessonTranslation.objects.filter(lesson__images__key="chart").exclude(body=""):
        assert translation.body.endswith("![](image:chart)")
    assert not LessonImageTranslation.objects.filter(alt_text="").exists()
    intro = LessonMedia.objects.select_related("lesson__module__course").order_by("pk")[0]
    _reader(client, intro.lesson.module.course.programme, low_bandwidth=True, language="mn")
    page = client.get(_lesson_url(intro.lesson)).content.decode()
    assert page.index(f'src="{_media_url(intro, "low")}') < page.index("https://www.unesco.org/")
    assert client.get(_media_url(intro, "low"), headers={"Range": "bytes=0-3"}).status_code == 206
