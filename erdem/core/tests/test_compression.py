import gzip
import io

import pytest
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.test import RequestFactory

from erdem.core.compression import TextGZipMiddleware

PAGE = "<!doctype html><title>Хичээл</title>" + "<p>Хиймэл оюун ухаан, багшийн ур чадвар.</p>" * 40


def _through(response: HttpResponseBase, accept: str = "gzip, deflate, br") -> HttpResponseBase:
    request: HttpRequest = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return TextGZipMiddleware(lambda _request: response).process_response(request, response)


def test_pages_are_compressed_for_browsers_that_accept_gzip() -> None:
    response = _through(HttpResponse(PAGE))
    assert isinstance(response, HttpResponse)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content) < len(PAGE.encode()) / 4
    assert gzip.decompress(response.content).decode() == PAGE


def test_the_gzip_header_is_padded_at_random_against_breach() -> None:
    sizes = {int(_through(HttpResponse(PAGE))["Content-Length"]) for _ in range(12)}
    assert len(sizes) > 1


def test_json_is_compressed_too() -> None:
    response = _through(JsonResponse({"items": [{"title": "Хичээл", "done": False}] * 50}))
    assert response["Content-Encoding"] == "gzip"


def test_nothing_is_compressed_for_a_client_that_does_not_accept_gzip() -> None:
    response = _through(HttpResponse(PAGE), accept="identity")
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(HttpResponse(b"\x00" * 4000, content_type="video/mp4"), id="media"),
        pytest.param(HttpResponse(b"PK" + b"\x00" * 4000, content_type="application/zip"), id="download"),
        pytest.param(HttpResponse(PAGE, status=206, headers={"Content-Range": "bytes 0-99/4000"}), id="range"),
        pytest.param(HttpResponse(PAGE, content_type="text/vtt", headers={"Accept-Ranges": "bytes"}), id="ranges"),
    ],
)
def test_media_downloads_and_byte_ranges_pass_untouched(response: HttpResponse) -> None:
    body = response.content
    passed = _through(response)
    assert not passed.has_header("Content-Encoding")
    assert isinstance(passed, HttpResponse) and passed.content == body


def test_a_streamed_text_file_is_compressed_but_a_streamed_video_is_not() -> None:
    text = _through(FileResponse(io.BytesIO(PAGE.encode()), content_type="text/plain"))
    assert text["Content-Encoding"] == "gzip"
    video = _through(FileResponse(io.BytesIO(b"\x00" * 4000), content_type="video/webm"))
    assert not video.has_header("Content-Encoding")
