"""A course team member downloads the course package, brings back a localised copy, checks the
preview and imports it; then round-trips the English texts through an XLIFF file."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import ModuleTranslation, TranslationStatus
from erdem.catalog.tests.factories import course_build
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Peak-2026"


def _localised(package: bytes) -> bytes:
    """The package as a partner sends it back: the first module's English title reviewed."""
    source = zipfile.ZipFile(io.BytesIO(package))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content/en/units.json":
                document = json.loads(data)
                document["units"]["m1"] = {"status": "reviewed", "title": "Foundations, localised"}
                data = json.dumps(document, ensure_ascii=False).encode()
            archive.writestr(info.filename, data)
    return target.getvalue()


def test_a_team_member_exports_and_imports_a_package_and_a_translation_file(page: Page, tmp_path: Path) -> None:
    programme = ProgrammeFactory()
    author = person_with_role(Role.MASTER_TEACHER, programme=programme, email="saraa@example.mn")
    author.set_password(PASSWORD)
    author.preferred_language = "en"
    author.save()
    course = course_build(programme=programme, code="ai-102", modules=2, lessons=2)
    course.team.add(author)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("saraa@example.mn")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))

    page.goto("/courses/ai-102/")
    page.get_by_role("link", name="Package and translations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Package and translations")
    assert_accessible(page)
    screenshot(page, "course-package-page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the package").click()
    download = download_info.value
    assert download.suggested_filename == "ai-102-package.zip"
    package = Path(download.path()).read_bytes()
    localised = tmp_path / "ai-102-localised.zip"
    localised.write_bytes(_localised(package))

    page.get_by_label("Course package (.zip)").set_input_files(str(localised))
    page.get_by_role("button", name="Check the package").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the package")
    expect(page.locator("main")).to_contain_text("The package updates the course “ai-102”.")
    assert_accessible(page)
    screenshot(page, "course-package-preview")
    title = ModuleTranslation.objects.get(module__course=course, module__position=1, language_code="en")
    assert title.status == TranslationStatus.PUBLISHED  # the preview wrote nothing
    page.get_by_role("button", name="Import the package").click()
    expect(page.locator(".messages")).to_contain_text("The package was imported: 0 new, 1 updated.")
    title.refresh_from_db()
    assert (title.title, title.status) == ("Foundations, localised", TranslationStatus.REVIEWED)

    page.get_by_role("link", name="Package and translations").click()
    page.get_by_label("Translate into").select_option("en")
    page.get_by_label("File format").select_option("xliff")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the translation file").click()
    xliff = download_info.value
    assert xliff.suggested_filename == "ai-102-mn-en.xlf"
    translated = tmp_path / "translated.xlf"
    translated.write_text(
        Path(xliff.path()).read_text(encoding="utf-8").replace(">Lesson 2.2<", ">Lesson two of module two<"),
        encoding="utf-8",
    )
    page.get_by_label("Translations into").select_option("en")
    page.get_by_label("Translation file (XLIFF 2.0 or PO)").set_input_files(str(translated))
    page.get_by_role("button", name="Check the translations").click()
    expect(page.locator("main")).to_contain_text("m2.l2")
    screenshot(page, "course-translation-preview")
    page.get_by_role("button", name="Import the translations").click()
    expect(page.locator(".messages")).to_contain_text("The translations were imported: 0 new, 1 updated.")
