"""The payload corpus against every page: no text a person can write reaches a page as markup.

One world per module: the permissions matrix's world (every kind of object, every role). A round
writes packed payloads (tests/security/xss_payloads.py) into every free-text column of every erdem
model, both languages of bilingual ones and the companion translation tables alike, straight into the
database so nothing a form would refuse stands between the payload and the page; then every GET page
the matrix expects to answer 200 is fetched by two of the roles it answers (the first and the last in
the matrix's order: an owner and another viewer) in Mongolian and in English, and parsed. HTML must hold
no executable markup, JSON must say so in its content type, CSV and XLSX cells must not start a formula,
and files must carry nosniff. The rich-text renderers take each payload alone as well.
"""

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.test import Client
from lxml import etree

from erdem.catalog.rendering import markdown_render
from tests.permissions_matrix_data import HTML_UNDER_API, ROLES, ROWS, Outcome, Row
from tests.security.xss_payloads import LONG, PAYLOADS, executable_markup, formula_cells, packed
from tests.test_permissions_matrix import World, build_world, client_for, url_for

ROUNDS = 3  # round r writes payloads r, r + 3, r + 6 ...: together every payload reaches every field

# Columns that are not free text a person writes: secrets, keys, codes, machine formats, stored tokens.
NOT_FREE_TEXT = {
    "password",
    "consent_version",
    "file_format",
    "code",
    "iso_code",
    "file_kind",
    "low_bandwidth_kind",
    "kind",
    "checkin_secret",
    "public_multibase",
    "kek_id",
    "verification_code",
    "subject_did",
    "identity_salt",
    "jwt",
    "external_jwt",
    "path",
    "dimension",
    "value",
    "language_code",
    "credential_key",
    "verdict",
    "public_token",
    "prefix",
    "token_hash",
    "task_result_id",
    "accepted_pattern",  # a regular expression the author writes, checked by the quiz form
    "version",
}
# Address columns: forms accept only http(s) there; the payload breaks out of the attribute instead.
URL_COLUMNS = {"website", "url", "online_url", "external_url"}
URL_PAYLOAD = "https://evil.example/\"><script>alert('u')</script>?a='onmouseover='alert(1)"


def free_text_fields() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Every erdem model with its free-text columns (CharField and TextField without choices)."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("erdem."):
            continue
        fields: list[models.Field[Any, Any]] = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.EmailField | models.SlugField)
            and not field.choices
            and not field.unique
            and field.name not in NOT_FREE_TEXT
        ]
        if fields:
            found.append((model, fields))
    return found


FORMULAS = (*(payload for payload in PAYLOADS if payload[:1] in "=+-@"), "\t=1+1", "\r=1+1")


def _packed(field: models.Field[Any, Any], round_: int) -> str:
    return packed(field.max_length, round_=round_, rounds=ROUNDS)


def _formula(field: models.Field[Any, Any], number: int) -> str:
    return FORMULAS[number % len(FORMULAS)][: field.max_length]


def flood(round_: int, *, formulas: bool = False) -> int:
    """Write round `round_`'s payloads (or, with `formulas`, a spreadsheet formula) into every free-text
    column of every row; the number of columns."""
    columns = 0
    for model, fields in free_text_fields():
        columns += len(fields)
        rows = model._default_manager.all()
        values = {
            field.name: _formula(field, number) if formulas else _packed(field, round_)
            for number, field in enumerate(fields, start=columns)
            if field.name not in URL_COLUMNS
        }
        try:
            with transaction.atomic():
                # Append-only logs refuse `update()` in Python; the rows a page shows carry payloads all the same.
                models.QuerySet.update(rows, **values)
        except DatabaseError:  # append-only in the database too (the audit log): add rows carrying payloads
            copies = list(rows)
            for copy in copies:
                copy.pk = None
                for name, value in values.items():
                    setattr(copy, name, value)
            model._default_manager.bulk_create(copies)
        for field in fields:
            if field.name in URL_COLUMNS:  # an empty address may mean another source is used: keep it empty
                rows.exclude(**{field.name: ""}).update(**{field.name: URL_PAYLOAD[: field.max_length]})
    return columns


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _viewers(row: Row) -> list[str]:
    """The first and the last role the page answers 200 (one when only one does)."""
    allowed = [role for role in ROLES if row.expected[role] == Outcome.OK]
    return sorted({allowed[0], allowed[-1]}, key=ROLES.index) if allowed else []


PAGES = [row for row in ROWS if row.method == "GET" and _viewers(row)]


ESCAPED_MARK = b"alert("  # the first payload of every round calls alert()


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def table_cells(content_type: str, body: bytes) -> list[list[Any]]:
    """The rows of a CSV or Excel file."""
    if content_type == "text/csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    return [[cell.value for cell in row] for sheet in workbook for row in sheet.iter_rows()]


def problems_in(response: Any, body: bytes) -> list[str]:
    """What is wrong with one answer (`body` its content): executable markup, a formula cell, no nosniff."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type == "text/html":
        return executable_markup(body.decode(errors="replace"), static_url=settings.STATIC_URL)
    if content_type == "text/csv" or content_type.endswith("spreadsheetml.sheet"):
        return [f"formula cell {cell!r}" for cell in formula_cells(iter(table_cells(content_type, body)))]
    if content_type.endswith("xml") and body.lstrip().startswith(b"<"):
        tree = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False))
        return [f"<script> in XML: {etree.tostring(node)[:80]!r}" for node in tree.iter("{*}script", "script")]
    if content_type in ("application/json", "application/ld+json", "application/problem+json", "text/plain"):
        return []
    if response.get("X-Content-Type-Options") != "nosniff":
        return [f"{content_type} served without nosniff"]
    return []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_no_payload_reaches_a_page_as_markup(world: World, db: None, round_: int) -> None:
    urls = {row.label: url_for(row, world) for row in PAGES}  # the matrix finds its objects by their names
    columns = flood(round_)
    assert columns > 100
    found: dict[str, list[str]] = {}
    checked = showing = 0
    for row in PAGES:
        for number, role in enumerate(_viewers(row)):
            client: Client = client_for(role, row, world)
            language = ("mn", "en")[(number + round_) % 2]  # over the rounds, each viewer reads in both
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(urls[row.label])
            if response.status_code != 200:
                continue
            checked += 1
            body = _body(response)
            showing += ESCAPED_MARK in body
            problems = problems_in(response, body)
            if row.pattern.startswith("api:") and row.pattern not in HTML_UNDER_API:
                content_type = response.get("Content-Type", "")
                sniffable = response.get("X-Content-Type-Options") != "nosniff"
                if not content_type.startswith("application/json") or sniffable:
                    problems.append(f"an API answer served as {content_type!r}, nosniff: {not sniffable}")
            if problems:
                found[f"{row.label} as {role} in {language}"] = sorted(set(problems))[:5]
    assert checked > len(PAGES), "most pages did not answer"
    assert showing > len(PAGES) // 2, f"only {showing} of {checked} answers show a payload: the flood missed them"
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())


@pytest.mark.parametrize("payload", [*PAYLOADS, LONG], ids=[f"p{n}" for n in range(len(PAYLOADS) + 1)])
def test_markdown_keeps_no_payload_executable(payload: str) -> None:
    """Lesson bodies, transcripts and portfolio entries go through the same renderer, online and offline."""
    for inline_images in (False, True):
        html = markdown_render(f"Өмнө {payload} дараа\n\n{payload}", inline_images=inline_images)
        assert executable_markup(str(html)) == []


TABLES = [row for row in PAGES if row.target.endswith("csv")]  # each export also answers as .xlsx


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_table_export_starts_a_formula(world: World, db: None, fmt: str) -> None:
    """Every CSV and Excel export, with a formula (= + - @, tab, carriage return) in every free-text column."""
    urls = {row.label: url_for(row, world) for row in TABLES}
    flood(0, formulas=True)
    found: dict[str, list[str]] = {}
    tables = neutralised = 0
    for row in TABLES:
        role = _viewers(row)[0]
        url = urls[row.label].replace("/csv", f"/{fmt}").replace(".csv", f".{fmt}").replace("fmt=csv", f"fmt={fmt}")
        response = client_for(role, row, world).get(url)
        assert response.status_code == 200, f"{url} as {role}: {response.status_code}"
        tables += 1
        assert response["Content-Disposition"].startswith("attachment")
        body = _body(response)
        content_type = response["Content-Type"].split(";")[0]
        cells = [str(cell) for row in table_cells(content_type, body) for cell in row]
        neutralised += any(cell.startswith(("'=", "'+", "'-", "'@")) for cell in cells)
        problems = problems_in(response, body)
        if problems:
            found[f"{url} as {role}"] = problems[:5]
    assert tables == len(TABLES) >= 6
    assert neutralised >= len(TABLES) // 2, "the formulas did not reach the exports"
    assert not found, found


class Hostile(str):
    """A text that answers every attribute a template asks for with itself: a person, a course, an
    achievement made of payloads only."""

    def __getattr__(self, name: str) -> "Hostile":
        if name.startswith("__"):
            raise AttributeError(name)
        return self


SERVER_BUILT = {"link", "site_url", "url", "uid", "token", "protocol", "domain"}  # erdem builds these, not people
EMAIL_TEMPLATES = sorted(
    str(path.relative_to(path.parents[2])).removesuffix(".html")
    for path in (settings.BASE_DIR / "erdem").glob("*/templates/*/emails/*.html")
)


@pytest.mark.parametrize("template", EMAIL_TEMPLATES)
@pytest.mark.parametrize("language", ["mn", "en"])
def test_html_emails_escape_what_people_wrote(template: str, language: str) -> None:
    from erdem.core.mail import email_render

    source = (settings.BASE_DIR / "erdem").glob(f"*/templates/{template}.html")
    names = set(re.findall(r"[a-z_][a-z0-9_]*", " ".join(re.findall(r"\{[{%](.*?)[}%]\}", next(source).read_text()))))
    payload = Hostile(" ".join(PAYLOADS))
    context = {name: "erdem.example" if name in SERVER_BUILT else payload for name in names}
    recipient = Hostile(payload)
    recipient.__dict__.update(preferred_language=language, email="someone@example.mn")
    message = email_render(to=recipient, template=template, context=context)
    html = str(message.alternatives[0][0])  # type: ignore[attr-defined]  # EmailMultiAlternatives
    assert executable_markup(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "no payload reached the e-mail"


# --- through the forms ----------------------------------------------------------------------------------------

SHORT = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>"  # fits every name and title field
FREE_TEXT_KEY = re.compile(
    r"(^|[-_])(title|name|description|text|comment|body|summary|headline|message|note|place|statement|reason|"
    r"intro|instructions|topics|notes|criteria|outcomes|alt|transcript|course_taught|position_sought)(_mn|_en)?$"
)
LONG_KEY = re.compile(r"(description|text|comment|body|summary|message|note|statement|reason|intro|instructions)")
FORM_PAYLOADS = ("workshop_form", "survey_form", "cohort_form", "submission", "review", "feedback", "degree_form",
                 "module_form", "rule_form", "request_form", "pathway_form", "standard_form", "level_form",
                 "descriptor_form", "entry_form", "portfolio_settings", "endorsement_ask", "endorsement_give",
                 "career_review", "token")  # fmt: skip
FORM_ROWS = [
    row
    for row in ROWS
    if row.method == "POST"
    and row.payload in FORM_PAYLOADS
    and any(row.expected[role] in (Outcome.REDIRECT, Outcome.OK) for role in ROLES[1:])
]


def _hostile(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The form's data with payloads in its free-text fields, and those fields' names."""
    changed = {}
    for key, value in data.items():
        if isinstance(value, str) and FREE_TEXT_KEY.search(key):
            changed[key] = " ".join(PAYLOADS)[:1900] if LONG_KEY.search(key) else SHORT
    return {**data, **changed}, sorted(changed)


def test_payloads_sent_through_the_forms_reach_no_page_as_markup(world: World, db: None) -> None:
    """Each form of the matrix that takes text, sent with payloads in every text field by the first role the
    matrix lets in; then every page, as its first viewer, in Mongolian and in English."""
    from tests.test_permissions_matrix import CSRF_SECRET, payload_for

    urls = {row.label: url_for(row, world) for row in PAGES}
    form_urls = {row.label: url_for(row, world) for row in FORM_ROWS}
    written: list[str] = []
    for row in FORM_ROWS:
        role = next(role for role in ROLES[1:] if row.expected[role] in (Outcome.REDIRECT, Outcome.OK))
        data, fields = _hostile(payload_for(row.payload, world)[0])
        response = client_for(role, row, world).post(form_urls[row.label], data, headers={"X-CSRFToken": CSRF_SECRET})
        assert response.status_code in (200, 302), f"{row.label} as {role}: {response.status_code}"
        if response.status_code == 302:
            written.extend(f"{row.payload}.{field}" for field in fields)
    assert len(set(written)) >= 30, sorted(set(written))
    found: dict[str, list[str]] = {}
    for row in PAGES:
        role = _viewers(row)[0]
        client = client_for(role, row, world)
        for language in ("mn", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(urls[row.label])
            if response.status_code == 200:
                problems = problems_in(response, _body(response))
                if problems:
                    found[f"{row.label} as {role} in {language}"] = problems[:5]
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())


# --- the cells of an imported table -----------------------------------------------------------------------------


def _staff_table(fmt: str) -> bytes:
    """A staff list whose every cell (and an extra column's name) is a payload; one row per payload."""
    header = ["email", "family_name", "given_name", "department", SHORT]
    rows = [[f"p{number}@inst-a.example.mn", payload[:100], payload[:100], payload[:200], payload]
            for number, payload in enumerate(PAYLOADS)]  # fmt: skip
    rows.append(["not-an-address " + PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], "", ""])
    if fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows([header, *rows])
        return text.getvalue().encode()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in [header, *rows]:
        sheet.append(line)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_cells_of_a_staff_import_reach_its_preview_as_text(world: World, db: None, fmt: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from erdem.people.services import staff_import_create

    coordinator = world.people["coordinator"]
    upload = SimpleUploadedFile(f"staff.{fmt}", _staff_table(fmt))
    staff_import = staff_import_create(institution=world.inst_a, uploaded_by=coordinator, file=upload)
    client = Client()
    client.force_login(coordinator)
    for language in ("mn", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(reverse("people:staff_import_detail", args=[staff_import.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "alert(1)" in page, "the cells did not reach the preview"
        assert executable_markup(page, static_url=settings.STATIC_URL) == []


# --- what a stranger's credential says -------------------------------------------------------------------------


def _hostile_credential() -> dict[str, Any]:
    """An Open Badges 3.0 credential (unsigned) whose every text and address is a payload."""
    text = " ".join(PAYLOADS)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": "javascript:alert(40)",
        "name": text,
        "description": text,
        "issuer": {"id": "javascript:alert(41)", "type": ["Profile"], "name": text, "url": "javascript:alert(42)",
                   "image": {"id": "data:image/svg+xml,<svg onload=alert(43)>", "type": "Image"}},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "javascript:alert(44)", "type": ["Achievement"], "name": text, "description": text,
                            "criteria": {"narrative": text, "id": "javascript:alert(45)"},
                            "image": {"id": "javascript:alert(46)", "type": "Image"}},
        },
    }  # fmt: skip


@pytest.mark.parametrize("language", ["mn", "en"])
def test_a_hostile_credential_checked_on_the_verify_page_shows_as_text(db: None, language: str) -> None:
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    document = json.dumps(_hostile_credential())
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for data in ({"text": document}, {"file": SimpleUploadedFile("badge.json", document.encode())}):
        response = client.post(reverse("credentials:verify"), data)
        assert response.status_code in (200, 400)
        assert executable_markup(response.content.decode(), static_url=settings.STATIC_URL) == []
