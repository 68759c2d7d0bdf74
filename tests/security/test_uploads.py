"""Every upload refuses what could run in a browser, and every stored file goes out as a download or a
sandboxed medium.

In: each upload form of the permissions matrix's world is sent an HTML page, an SVG image with a
script (named like the file the form expects, and under its own name) and an empty file; the form
must come back with a Mongolian error and nothing stored. The kinds each app allows are checked
against the same files at the service's gate (`upload_check`).
Out: every file the matrix's pages serve carries nosniff and either a safe inline type or
`Content-Disposition: attachment`; files served by `file_response` also carry a sandboxing CSP; and
nothing under MEDIA_URL is served without going through a permission-checked view.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction

from erdem.catalog.media_services import ATTACHMENT_KINDS, MEDIA_KINDS
from erdem.core.uploads import IMAGES, KINDS, sniff, upload_check
from erdem.credentials.services import ACHIEVEMENT_IMAGE_KINDS
from erdem.people.imports import TABLE_KINDS
from erdem.people.models import Person
from erdem.portfolio.services import FILE_KINDS as PORTFOLIO_KINDS
from tests.permissions_matrix_data import ROLES, ROWS, Outcome, Row
from tests.test_permissions_matrix import CSRF_SECRET, World, build_world, client_for, payload_for, url_for

HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
HTML_FRAGMENT = b"  <img src=x onerror=alert(1)><p>not a page, but a browser would render it</p>"
SVG_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
SVG_BARE = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'

# (what it is, its content, the name it is sent under: None = the name the form expects)
BAD_FILES: list[tuple[str, bytes, str | None]] = [
    ("html page", HTML_PAGE, None),
    ("svg with a script", SVG_SCRIPT, None),
    ("bare svg", SVG_BARE, None),
    ("xhtml", XHTML, None),
    ("svg under its name", SVG_SCRIPT, "picture.svg"),
    ("html under its name", HTML_PAGE, "page.html"),
    ("empty", b"", None),
]


# --- the gate every app's uploads pass ---------------------------------------------------------------------

APP_KINDS: dict[str, tuple[str, ...]] = {
    "submission files (default kinds)": ("pdf", "docx", "odt", "pptx", "xlsx", "png", "jpg"),
    "lesson video": tuple(MEDIA_KINDS["video"]),
    "lesson audio": tuple(MEDIA_KINDS["audio"]),
    "lesson captions": ("vtt",),
    "lesson images": IMAGES,
    "lesson attachments": tuple(ATTACHMENT_KINDS),
    "portfolio files": tuple(PORTFOLIO_KINDS),
    "achievement images": tuple(ACHIEVEMENT_IMAGE_KINDS),
    "credential files": ("json", "jwt", "txt"),
    "staff and attendance tables": tuple(TABLE_KINDS),
}
FIRST_EXTENSION = {key: KINDS[key].extensions[0] for key in KINDS}


@pytest.mark.parametrize("app", APP_KINDS)
@pytest.mark.parametrize(("what", "content", "name"), BAD_FILES, ids=[what for what, _c, _n in BAD_FILES])
def test_no_app_accepts_a_page_or_a_script(app: str, what: str, content: bytes, name: str | None) -> None:
    kinds = APP_KINDS[app]
    for extension in {FIRST_EXTENSION[key] for key in kinds} if name is None else {name.rsplit(".", 1)[1]}:
        upload = ContentFile(content, name=name or f"file.{extension}")
        with pytest.raises(ValidationError) as refused:
            upload_check(upload, kinds=kinds, max_bytes=10 * 1024 * 1024)
        assert refused.value.code in ("kind", "disguised", "empty"), (app, extension, refused.value)


def test_a_credential_file_is_json_or_a_token_by_its_content() -> None:
    assert sniff(b'{"@context": []}', "json") == KINDS["json"]
    assert sniff(b'\xef\xbb\xbf [{"a": 1}]', "jsonld") == KINDS["json"]
    assert sniff(b"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln", "jwt") == KINDS["jwt"]
    assert KINDS["json"].mime == "application/json" and not KINDS["json"].playable
    for content, name in ((b"not json at all", "badge.json"), (b"{}", "badge.jwt"), (HTML_PAGE, "badge.json")):
        with pytest.raises(ValidationError):
            upload_check(ContentFile(content, name=name), kinds=("json", "jwt"), max_bytes=1024)


@pytest.mark.parametrize("content", [HTML_PAGE, SVG_SCRIPT, XHTML], ids=["html", "svg", "xhtml"])
def test_tables_and_address_lists_refuse_pages_whatever_their_name(content: bytes) -> None:
    """Staff imports, attendance sheets and cohort address lists are parsed, not stored: still, a page is
    refused as such rather than read as rows."""
    from erdem.learning.forms import CohortEnrolForm
    from erdem.people.imports import read_table

    for name in ("staff.csv", "staff", ""):
        with pytest.raises(ValidationError) as refused:
            read_table(data=content, max_rows=10, max_bytes=1024 * 1024, name=name)
        assert refused.value.code == "format"
    form = CohortEnrolForm(data={}, files={"email_file": SimpleUploadedFile("emails.csv", content)}, candidates=[])
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["email_file"]] == ["not_text"]


# --- the upload forms -----------------------------------------------------------------------------------------


def _first_allowed(row: Row) -> str:
    return next(role for role in ROLES[1:] if row.expected[role] in (Outcome.REDIRECT, Outcome.OK))


def _row(label: str) -> Row:
    return next(row for row in ROWS if row.label == label)


# (the matrix row, the form's file field, the name its good file has, what to add to the matrix's payload)
UPLOAD_FORMS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("POST people:institution_invite @inst_a", "file", "staff.csv", {}),
    ("POST catalog:lesson_image_add @lesson", "file", "c.png", {}),
    ("POST catalog:lesson_image_edit @image_row", "file", "c.png", {}),
    ("POST catalog:lesson_attachment_add @lesson", "file", "w.pdf", {}),
    ("POST catalog:lesson_attachment_edit @attachment_row", "file", "w.pdf", {}),
    ("POST catalog:lesson_media_add @lesson", "file", "talk.mp4", {"external_url": ""}),
    ("POST catalog:package_import @course", "file", "course.zip", {}),
    ("POST catalog:translation_import @course", "file", "en.xlf", {}),
    ("POST workshops:paper_upload @workshop", "file", "sheet.csv", {}),
    ("POST assignments:detail @practical", "files", "plan.pdf", {}),
    ("POST portfolio:entry_new", "new_files", "plan.pdf", {}),
    ("POST recognition:request_new", "external_file", "badge.json", {}),
    ("POST learning:cohort_enrol @cohort", "email_file", "emails.csv", {"emails": ""}),
]
FILE_MODELS = [
    model
    for model in apps.get_models()
    if model.__module__.startswith("erdem.")
    and any(isinstance(field, models.FileField) for field in model._meta.concrete_fields)
]


def _stored_files() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in FILE_MODELS}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


_ERROR = re.compile(r'class="[^"]*(?:errorlist|error|problem)[^"]*"[^>]*>(.*?)</(?:ul|p|div|li|span)', re.S)
_CYRILLIC = re.compile("[а-яёөү]{4,}", re.IGNORECASE)


def mongolian_errors(page: str) -> list[str]:
    """The error texts of a form page that are written in Mongolian."""
    return [text for text in _ERROR.findall(page) if _CYRILLIC.search(text)]


@pytest.mark.parametrize(("label", "field", "good_name", "extra"), UPLOAD_FORMS, ids=[f[0] for f in UPLOAD_FORMS])
def test_every_upload_form_refuses_pages_and_scripts(
    world: World, db: None, label: str, field: str, good_name: str, extra: dict[str, Any]
) -> None:
    row = _row(label)
    url = url_for(row, world)
    role = _first_allowed(row)
    before = _stored_files()
    Person.objects.filter(pk=world.people[role].pk).update(preferred_language="mn")
    accepted = []
    for what, content, name in BAD_FILES:
        data, _content_type = payload_for(row.payload, world)
        data = {**data, **extra, field: SimpleUploadedFile(name or good_name, content)}
        client = client_for(role, row, world)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mn"
        response = client.post(url, data, headers={"X-CSRFToken": CSRF_SECRET})
        page = response.content.decode(errors="replace")
        if response.status_code not in (200, 400) or not mongolian_errors(page):
            accepted.append(f"{what}: {response.status_code} {response.get('Location', '')}")
    assert not accepted, f"{label} as {role} did not refuse with a Mongolian error: {accepted}"
    assert _stored_files() == before


# --- going out ------------------------------------------------------------------------------------------------

INLINE_SAFE = re.compile(r"^(image/(png|jpeg|gif|webp)|audio/[\w.+-]+|video/[\w.+-]+|text/vtt|application/pdf)$")
NOT_FILES = ("text/html",)  # JSON of any flavour (+json) is data, never rendered
OWN_ASSETS = ("web:favicon", "workshops:offline_worker")  # erdem's own icon and service worker
FILE_ROWS = ("catalog:media_file", "catalog:media_captions", "catalog:lesson_image", "catalog:lesson_attachment",
             "portfolio:entry_file", "portfolio:public_entry_file", "assignments:file",
             "credentials:achievement_image", "insights:report_download")  # fmt: skip


def _answers(world: World) -> Iterator[tuple[Row, str, Any]]:
    for row in ROWS:
        allowed = [role for role in ROLES if row.expected[role] == Outcome.OK]
        if row.method == "GET" and allowed:
            yield row, allowed[0], client_for(allowed[0], row, world).get(url_for(row, world))


def test_every_file_goes_out_as_a_download_or_a_sandboxed_medium(world: World, db: None) -> None:
    problems: list[str] = []
    files = sandboxed = 0
    for row, role, response in _answers(world):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if response.status_code != 200 or content_type in NOT_FILES or content_type.endswith("json"):
            continue
        if row.pattern in OWN_ASSETS:
            continue
        files += 1
        disposition = response.get("Content-Disposition", "")
        where = f"{row.label} as {role} ({content_type}, {disposition!r})"
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{where}: no nosniff")
        shown = not disposition.startswith("attachment") and not INLINE_SAFE.match(content_type)
        if shown and (content_type != "text/plain" or row.pattern in FILE_ROWS):  # robots.txt and the like
            problems.append(f"{where}: shown in the page")
        if row.pattern in FILE_ROWS:
            sandboxed += 1
            if "sandbox" not in response.get("Content-Security-Policy", ""):
                problems.append(f"{where}: no sandboxing CSP")
            if content_type.startswith("text/") and content_type != "text/vtt":
                problems.append(f"{where}: served as text")
    assert files >= 15 and sandboxed >= 8, (files, sandboxed)
    assert not problems, "\n".join(problems)


def test_nothing_under_media_url_is_served_directly(world: World, db: None) -> None:
    names = [
        str(value)
        for model in FILE_MODELS
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        for value in model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
    ]
    assert len(names) >= 8
    superuser = _row("GET admin:index")
    for role in ("anonymous", "superuser"):
        client = client_for(role, superuser, world)
        for name in names:
            response = client.get(settings.MEDIA_URL + name)
            assert response.status_code == 404, f"{settings.MEDIA_URL}{name} answered {response.status_code} to {role}"
