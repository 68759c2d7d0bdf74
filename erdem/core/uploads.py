"""Uploaded files: what may come in, and how it goes out again.

In: `upload_check()` reads the first bytes of a file and decides its kind from its content
(the `filetype` signatures for binary formats, a strict check for the few text formats),
never from its name or the browser's Content-Type, and refuses what is too large, not
allowed here, or disguised (a name that promises one kind over content of another).

Out: `file_response()` serves a stored file through a view that has already checked
permissions: the type is the sniffed one, `nosniff` and a sandboxing CSP stop a browser
from treating it as a page, it downloads unless it is a medium or image meant to play in
the page, and a single HTTP range is honoured (206), so audio and video can be sought and
resumed on a weak connection.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

import filetype
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

SNIFF_BYTES = 8192
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    label: StrOrPromise
    mime: str
    extensions: tuple[str, ...]
    text: bool = False  # recognised by `_text_kind`, not by a binary signature
    playable: bool = False  # may be shown inline (image, audio, video, captions)


_KINDS = (
    FileKind("pdf", _("PDF document"), "application/pdf", ("pdf",)),
    FileKind(
        "docx", _("Word document"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
    ),
    FileKind(
        "xlsx", _("Excel workbook"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
    ),
    FileKind(
        "pptx",
        _("PowerPoint presentation"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
    FileKind("odt", _("OpenDocument text"), "application/vnd.oasis.opendocument.text", ("odt",)),
    FileKind("ods", _("OpenDocument spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    FileKind("odp", _("OpenDocument presentation"), "application/vnd.oasis.opendocument.presentation", ("odp",)),
    FileKind("zip", _("ZIP archive"), "application/zip", ("zip",)),
    FileKind("png", _("PNG image"), "image/png", ("png",), playable=True),
    FileKind("jpg", _("JPEG image"), "image/jpeg", ("jpg", "jpeg"), playable=True),
    FileKind("webp", _("WebP image"), "image/webp", ("webp",), playable=True),
    FileKind("gif", _("GIF image"), "image/gif", ("gif",), playable=True),
    FileKind("mp4", _("MP4 video"), "video/mp4", ("mp4", "m4v"), playable=True),
    FileKind("webm", _("WebM video"), "video/webm", ("webm",), playable=True),
    FileKind("mp3", _("MP3 audio"), "audio/mpeg", ("mp3",), playable=True),
    FileKind("m4a", _("M4A audio"), "audio/mp4", ("m4a",), playable=True),
    FileKind("ogg", _("Ogg audio"), "audio/ogg", ("ogg", "oga", "opus"), playable=True),
    FileKind("vtt", _("WebVTT captions"), "text/vtt", ("vtt",), text=True, playable=True),
    FileKind("txt", _("plain text"), "text/plain", ("txt", "md"), text=True),
    FileKind("csv", _("CSV table"), "text/csv", ("csv",), text=True),
    FileKind("json", _("JSON file"), "application/json", ("json", "jsonld"), text=True),
    FileKind("jwt", _("JSON web token"), "application/jwt", ("jwt",), text=True),
)
KINDS: dict[str, FileKind] = {kind.key: kind for kind in _KINDS}

# Sets of kinds the apps allow; an app may also name its own.
DOCUMENTS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt")
IMAGES = ("png", "jpg", "webp", "gif")
VIDEO = ("mp4", "webm")
AUDIO = ("mp3", "m4a", "ogg")

# `filetype` names some kinds differently from our keys.
_SIGNATURE_ALIASES = {"m4v": "mp4"}
# A compact JWS: base64url header (`{"` encodes as `ey`), payload and signature separated by dots.
_JWT_START = re.compile(r"^ey[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?$")
_HTML_START = re.compile(
    rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|frameset|img|object|embed|style|meta|link|base|math|form)\b",
    re.IGNORECASE,
)


def _text_kind(head: bytes, extension: str) -> str | None:
    """The text kind of a file starting with `head`, or None when it is not acceptable text:
    valid UTF-8 (BOM allowed), no NUL bytes, not HTML or XML in disguise. A `.json` file must
    start as JSON does and a `.jwt` file must look like a compact token, or they are plain text
    (which their names then refuse as disguised)."""
    if b"\x00" in head:
        return None
    # A multi-byte letter may be cut at the end of the sniffed bytes; then drop up to three.
    for cut in range(4 if len(head) >= SNIFF_BYTES else 1):
        try:
            text = head[: len(head) - cut].decode("utf-8-sig")
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    if looks_like_markup(head):
        return None
    text = text.lstrip("\ufeff")
    if text.startswith("WEBVTT"):
        return "vtt"
    if extension == "csv":
        return "csv"
    if extension in ("json", "jsonld") and text.lstrip()[:1] in ("{", "["):
        return "json"
    if extension == "jwt" and _JWT_START.match(text.strip()):
        return "jwt"
    return "txt"


def looks_like_markup(head: bytes) -> bool:
    """Whether a file starting with `head` would be read by a browser as a page (HTML, SVG, XML)."""
    return bool(_HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")))


def sniff(head: bytes, extension: str = "") -> FileKind | None:
    """The kind of a file whose first bytes are `head` (and whose name ends in `extension`,
    used only to tell apart text kinds), or None when it is none we know."""
    guess = filetype.guess(head)
    if guess is not None:
        return KINDS.get(_SIGNATURE_ALIASES.get(guess.extension, guess.extension))
    key = _text_kind(head, extension)
    return KINDS[key] if key else None


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_head(upload: IO[bytes] | Any) -> bytes:
    upload.seek(0)
    head: bytes = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


# The member that makes a ZIP archive an office document, for files whose first bytes do not show it.
_OFFICE_MEMBERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
    "odt": "mimetype",
    "ods": "mimetype",
    "odp": "mimetype",
}


def _office_kind(upload: Any, extension: str) -> FileKind | None:
    """The office kind of a ZIP archive named `.<extension>`, looking inside it (names only, and
    ODF's uncompressed `mimetype` member), or None when it is a plain archive."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            member = _OFFICE_MEMBERS[extension]
            if member not in names:
                return None
            if member == "mimetype":
                info = archive.getinfo(member)
                if info.file_size > 100 or archive.read(member).decode("ascii", "replace") != KINDS[extension].mime:
                    return None
            return KINDS[extension]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def allowed_description(kinds: Iterable[str]) -> str:
    """ "PDF document (.pdf), PNG image (.png)": for help texts and error messages."""
    return ", ".join(f"{KINDS[key].label} (.{KINDS[key].extensions[0]})" for key in kinds)


def upload_check(upload: Any, *, kinds: Iterable[str], max_bytes: int) -> FileKind:
    """The kind of `upload` (a Django UploadedFile or an open binary file with `.name` and
    `.size`) when it may be stored here; raises ValidationError with a message the uploader
    can act on otherwise."""
    allowed = tuple(kinds)
    size = upload.size if getattr(upload, "size", None) is not None else len(upload.read())
    name = str(getattr(upload, "name", "") or "")
    if size == 0:
        raise ValidationError(_("The file %(name)s is empty."), code="empty", params={"name": name})
    if size > max_bytes:
        raise ValidationError(
            _("The file %(name)s is %(size)s; the most allowed here is %(limit)s."),
            code="too_large",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    extension = _extension(name)
    kind = sniff(_read_head(upload), extension)
    if kind is not None and kind.key == "zip" and extension in _OFFICE_MEMBERS:
        kind = _office_kind(upload, extension) or kind
    if kind is None or kind.key not in allowed:
        raise ValidationError(
            _("%(name)s is not a file of a kind accepted here. Accepted: %(kinds)s."),
            code="kind",
            params={"name": name, "kinds": allowed_description(allowed)},
        )
    if extension and extension not in kind.extensions:
        raise ValidationError(
            _(
                "%(name)s is named like a .%(extension)s file but its content is a %(kind)s. "
                "Rename it or upload the right file."
            ),
            code="disguised",
            params={"name": name, "extension": extension, "kind": kind.label},
        )
    return kind


# --- serving --------------------------------------------------------------------------------------------

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    pass


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) for a single satisfiable range; None to serve everything (no header, several
    ranges or a form we ignore, as RFC 9110 allows). Raises RangeNotSatisfiable (416)."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        if int(last) == 0:
            raise RangeNotSatisfiable
        return max(size - int(last), 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable
    return start, end


def _stream(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def content_disposition(filename: str, *, inline: bool) -> str:
    """A Content-Disposition header value with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "file"
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def file_response(
    request: HttpRequest, stored: Any, *, filename: str, content_type: str, inline: bool = False, max_age: int = 0
) -> HttpResponseBase:
    """Serve `stored` (a FieldFile) to a request whose permission the caller has checked.

    `inline` only for kinds that play or show in the page (images, audio, video, captions); all
    else downloads. A single `Range` is answered with 206, an unsatisfiable one with 416."""
    size = stored.size
    try:
        wanted = _byte_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        refusal = HttpResponse(status=416)
        refusal["Content-Range"] = f"bytes */{size}"
        return refusal
    first, last = wanted or (0, size - 1)
    response = StreamingHttpResponse(
        _stream(stored.storage.open(stored.name, "rb"), first, last - first + 1),
        status=206 if wanted else 200,
        content_type=content_type,
    )
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"private, max-age={max_age}" if max_age else "private, no-cache"
    return response
