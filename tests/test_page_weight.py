"""Page-weight budgets of a lesson page (issue 3, "Speed and weight"), counted in bytes, not timed.

The compressed HTML of every demo lesson, in both languages, fits 14 KB; the stylesheets,
scripts and icons a lesson page links fit what the 60 KB first-visit budget leaves after the
HTML; none of them is a web font or a render-blocking script. bench/run measures the same
page in Chromium on a throttled network (docs/performance.md).
"""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.catalog.models import Lesson
from erdem.demo.services import demo_load, demo_login_email
from erdem.people.models import Person

KB = 1024
HTML_BUDGET = 14 * KB
FIRST_VISIT_BUDGET = 60 * KB  # everything but media, on an empty cache
LINKED_FILES_BUDGET = FIRST_VISIT_BUDGET - HTML_BUDGET


class _Links(HTMLParser):
    """What a page makes the browser fetch before and while it renders (media left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []
        self.blocking_scripts: list[str] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "link" and {"stylesheet", "icon", "preload", "manifest"} & set(
            (attributes.get("rel") or "").split()
        ):
            self.files.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.files.append(attributes["src"] or "")
            deferred = "defer" in attributes or "async" in attributes or attributes.get("type") == "module"
            if self._in_head and not deferred:
                self.blocking_scripts.append(attributes["src"] or "")


def _static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), f"{url} is not one of the platform's static files"
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is linked but not found"
    return Path(str(found))


@pytest.fixture
def educator_client(db: None) -> Client:
    demo_load(educators=60, institutions=3)
    client = Client()
    client.force_login(Person.objects.get(email=demo_login_email(role=Role.EDUCATOR)))
    return client


def _lesson_pages(client: Client) -> dict[tuple[str, str], bytes]:
    """Every demo lesson as served to a browser that accepts gzip, in each language: {(language, path): body}."""
    pages = {}
    lessons = Lesson.objects.select_related("module__course").order_by("module__course__code", "module__position")
    for language, _name in settings.LANGUAGES:
        Person.objects.filter(email=demo_login_email(role=Role.EDUCATOR)).update(preferred_language=language)
        for lesson in lessons:
            path = reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk])
            response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
            if response.status_code == 404:  # published in no language yet
                continue
            assert response.status_code == 200, path
            assert response["Content-Encoding"] == "gzip", f"{path} is not served compressed"
            assert "Accept-Encoding" in response["Vary"]
            pages[(language, path)] = response.content
    return pages


def test_every_demo_lesson_fits_the_html_budget_compressed(educator_client: Client) -> None:
    pages = _lesson_pages(educator_client)
    assert len(pages) >= 40  # the four demo courses, in both languages
    sizes = {key: len(body) for key, body in pages.items()}
    heaviest = max(sizes, key=lambda key: sizes[key])
    assert sizes[heaviest] <= HTML_BUDGET, f"{heaviest} is {sizes[heaviest]:,} bytes compressed"
    # Compressed means it: the page really is gzip and decompresses to the lesson.
    assert gzip.decompress(pages[heaviest]).startswith(b"<!doctype html>")


def test_the_files_a_lesson_page_links_fit_the_first_visit_budget(educator_client: Client) -> None:
    pages = _lesson_pages(educator_client)
    linked: set[str] = set()
    for body in pages.values():
        parser = _Links()
        parser.feed(gzip.decompress(body).decode())
        assert not parser.blocking_scripts, f"render-blocking scripts: {parser.blocking_scripts}"
        linked.update(parser.files)
    assert any(url.endswith(".css") for url in linked)
    # WhiteNoise serves the copies collectstatic compressed (gzip at level 9).
    compressed = {url: len(gzip.compress(_static_file(url).read_bytes(), compresslevel=9)) for url in linked}
    total = sum(compressed.values())
    assert total <= LINKED_FILES_BUDGET, f"linked files weigh {total:,} bytes compressed: {compressed}"
    heaviest_html = max(len(body) for body in pages.values())
    assert heaviest_html + total <= FIRST_VISIT_BUDGET


def test_the_stylesheet_loads_no_web_font_and_imports_nothing() -> None:
    css = _static_file(f"{settings.STATIC_URL}erdem/site.css").read_text()
    assert "@font-face" not in css and "@import" not in css
    assert not re.search(r"url\([^)]*\.(woff2?|ttf|otf|eot)", css)
