import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from erdem.core.uploads import DOCUMENTS, IMAGES, content_disposition, file_response, upload_check

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _check(name: str, content: bytes, kinds: tuple[str, ...] = DOCUMENTS, max_bytes: int = 10_000_000) -> str:
    return upload_check(_upload(name, content), kinds=kinds, max_bytes=max_bytes).key


def _office_archive(member: str, padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "x" * padding)
        archive.writestr(member, "<document/>")
    return buffer.getvalue()


def test_a_file_is_known_by_its_content() -> None:
    assert _check("report.pdf", PDF) == "pdf"
    assert _check("photo.png", PNG, IMAGES) == "png"
    assert _check("notes.txt", "Сайн байна уу\n".encode()) == "txt"
    assert _check("captions.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", ("vtt",)) == "vtt"


def test_office_files_are_recognised_even_when_their_first_bytes_do_not_show_it() -> None:
    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)
    assert _check("marks.xlsx", workbook.getvalue()) == "xlsx"
    assert _check("plan.docx", _office_archive("word/document.xml", padding=20_000)) == "docx"
    with pytest.raises(ValidationError) as error:
        _check("plan.docx", _office_archive("other.xml", padding=20_000))
    assert error.value.code == "kind"  # a plain archive is not a document


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.pdf", PNG, "kind"),  # an image where documents are asked for
        ("report.png", PDF, "disguised"),  # content of one kind under the name of another
        ("page.txt", b"<!DOCTYPE html><script>alert(1)</script>", "kind"),  # HTML is never text here
        ("page.txt", b"\xef\xbb\xbf<html><body>x</body></html>", "kind"),
        ("binary.txt", b"abc\x00def", "kind"),
        ("latin.txt", "caf\xe9".encode("latin-1"), "kind"),  # not UTF-8
        ("empty.pdf", b"", "empty"),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "kind"),
    ],
)
def test_what_is_refused_and_why(name: str, content: bytes, code: str) -> None:
    kinds = (*DOCUMENTS, *IMAGES) if code == "disguised" else DOCUMENTS
    with pytest.raises(ValidationError) as error:
        _check(name, content, kinds)
    assert error.value.code == code


def test_a_file_over_the_limit_is_refused_with_both_sizes() -> None:
    with pytest.raises(ValidationError) as error:
        _check("big.pdf", PDF + b" " * 2048, max_bytes=1024)
    assert error.value.code == "too_large"
    message = error.value.messages[0]
    assert "2.0" in message and "1.0" in message


def test_the_disposition_keeps_a_cyrillic_name_and_an_ascii_fallback() -> None:
    header = content_disposition("Даалгавар 1.pdf", inline=False)
    assert header.startswith('attachment; filename="1.pdf"')
    assert "filename*=UTF-8''%D0%94%D0%B0%D0%B0%D0%BB%D0%B3%D0%B0%D0%B2%D0%B0%D1%80%201.pdf" in header


@dataclass
class Stored:
    """What file_response reads of a FieldFile."""

    name: str
    storage: FileSystemStorage
    size: int


@pytest.fixture
def stored(tmp_path: Path) -> Stored:
    storage = FileSystemStorage(location=str(tmp_path))
    return Stored(storage.save("clip.mp4", ContentFile(bytes(range(256)) * 4)), storage, 1024)


def _get(stored: Stored, range_header: str = "") -> tuple[int, dict[str, str], bytes]:
    headers = {"HTTP_RANGE": range_header} if range_header else {}
    request = RequestFactory().get("/media/1", **headers)
    response = file_response(request, stored, filename="clip.mp4", content_type="video/mp4", inline=True)
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.status_code, dict(response.headers), body


def test_a_whole_file_is_served_safely(stored: Stored) -> None:
    status, headers, body = _get(stored)
    assert status == 200 and len(body) == 1024
    assert headers["Content-Length"] == "1024"
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023), ("bytes=1000-5000", 1000, 1023)],
)
def test_a_single_range_is_answered_with_206(stored: Stored, header: str, first: int, last: int) -> None:
    status, headers, body = _get(stored, header)
    assert status == 206
    assert headers["Content-Range"] == f"bytes {first}-{last}/1024"
    assert body == (bytes(range(256)) * 4)[first : last + 1]
    assert headers["Content-Length"] == str(last - first + 1)


def test_an_unsatisfiable_range_is_answered_with_416(stored: Stored) -> None:
    request = RequestFactory().get("/", HTTP_RANGE="bytes=2000-")
    response = file_response(request, stored, filename="a.mp4", content_type="video/mp4")
    assert response.status_code == 416 and response["Content-Range"] == "bytes */1024"


def test_several_ranges_get_the_whole_file(stored: Stored) -> None:
    status, _headers, body = _get(stored, "bytes=0-1,5-6")
    assert status == 200 and len(body) == 1024
