"""Every user-facing message has its Mongolian translation.

Each erdem app keeps its catalogue in `erdem/<app>/locale/mn/LC_MESSAGES/django.po`
(there are no LOCALE_PATHS). For each app this runs Django's own `makemessages` on a
temporary copy of the app, so the strings found are exactly the ones a translator
would be given, merged with the committed catalogue; then it fails listing every
message that is untranslated or fuzzy. A message added to the code but not to the
catalogue therefore fails too, as does an app with strings and no catalogue.

The committed catalogues must also compile (`msgfmt --check`), which catches broken
placeholders such as `%(name)s` translated as `%(нэр)s`.

Needs GNU gettext (xgettext, msgmerge, msgfmt), which the setup script installs.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest

LANGUAGE = "mn"
ERDEM = Path(__file__).resolve().parent.parent / "erdem"
DJANGO_ADMIN = Path(sys.executable).with_name("django-admin")
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgattrib", "msgfmt")
# Test code and migrations are not shown to users; static holds no Python or templates.
IGNORED_WHILE_EXTRACTING = ("tests", "migrations")
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "static", "node_modules")
TIMEOUT_SECONDS = 120


def _apps() -> list[str]:
    return sorted(path.name for path in ERDEM.iterdir() if (path / "__init__.py").is_file())


def _catalogue(app_dir: Path) -> Path:
    return app_dir / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


@dataclass
class Extraction:
    """What makemessages found in one app, merged with the app's committed catalogue."""

    app: str
    has_catalogue: bool
    entries: list[polib.POEntry] = field(default_factory=list)
    error: str = ""

    @property
    def problems(self) -> list[str]:
        lines = []
        for entry in self.entries:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                state = "fuzzy"
            elif not entry.translated():
                state = "untranslated"
            elif _placeholders_differ(entry):
                state = "placeholders differ"
            else:
                continue
            where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])
            context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
            lines.append(f"  {self.app}: {state}: {entry.msgid!r}{context}  [{where}]")
        return lines


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def _placeholders_differ(entry: polib.POEntry) -> bool:
    """`%(name)s` kept as is in every translation; msgfmt checks only entries marked python-format."""
    if entry.msgid_plural:
        return any(_placeholders(text) != _placeholders(entry.msgid_plural) for text in entry.msgstr_plural.values())
    return _placeholders(entry.msgstr) != _placeholders(entry.msgid)


def _environment() -> dict[str, str]:
    # makemessages configures bare settings itself; the test settings would need erdem
    # importable from the temporary copy.
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment["LC_ALL"] = "C.UTF-8"
    return environment


def _extract(app: str) -> Extraction:
    source = ERDEM / app
    extraction = Extraction(app=app, has_catalogue=_catalogue(source).is_file())
    with tempfile.TemporaryDirectory(prefix=f"erdem-messages-{app}-") as tmp:
        copy = Path(tmp) / app
        shutil.copytree(source, copy, ignore=NOT_COPIED)
        (copy / "locale").mkdir(exist_ok=True)
        command = [str(DJANGO_ADMIN), "makemessages", "-l", LANGUAGE, "--no-obsolete"]
        command += [f"--ignore={pattern}" for pattern in IGNORED_WHILE_EXTRACTING]
        completed = subprocess.run(  # noqa: S603 - fixed command, no shell
            command,
            cwd=copy,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            extraction.error = f"makemessages failed ({completed.returncode}):\n{completed.stderr or completed.stdout}"
            return extraction
        extracted = _catalogue(copy)
        if extracted.is_file():
            extraction.entries = list(polib.pofile(str(extracted)))
    return extraction


def _require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"GNU gettext is missing ({', '.join(missing)}); install it with `apt-get install gettext`.")


@pytest.fixture(scope="module")
def extractions() -> dict[str, Extraction]:
    _require_gettext()
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        return {extraction.app: extraction for extraction in pool.map(_extract, _apps())}


@pytest.mark.parametrize("app", _apps())
def test_every_message_has_a_mongolian_translation(app: str, extractions: dict[str, Extraction]) -> None:
    __tracebackhide__ = True  # the list of messages is the report
    extraction = extractions[app]
    assert not extraction.error, f"{app}: {extraction.error}"
    if extraction.entries and not extraction.has_catalogue:
        pytest.fail(
            f"erdem/{app} has {len(extraction.entries)} translatable messages but no catalogue; create it with\n"
            f"  cd erdem/{app} && mkdir -p locale && django-admin makemessages -l {LANGUAGE} --no-obsolete "
            "--ignore=tests --ignore=migrations\n" + "\n".join(extraction.problems)
        )
    problems = extraction.problems
    if problems:
        pytest.fail(
            f"erdem/{app}/locale/{LANGUAGE}/LC_MESSAGES/django.po: {len(problems)} message(s) lack a usable "
            f"Mongolian translation (run makemessages in erdem/{app}, translate, clear the fuzzy flags):\n"
            + "\n".join(problems)
        )


def test_project_level_modules_have_no_messages() -> None:
    """Modules directly in erdem/ have no catalogue to go to: their strings belong in an app."""
    _require_gettext()
    files = sorted(ERDEM.glob("*.py"))
    completed = subprocess.run(  # noqa: S603 - fixed command, no shell
        ["xgettext", "--language=Python", "--keyword=gettext_lazy", "--keyword=gettext_noop", "-o", "-"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=True,
    )
    messages = [entry.msgid for entry in polib.pofile(completed.stdout)] if completed.stdout else []
    assert not messages, f"translatable strings outside any app (move them into an app): {messages}"


def test_catalogues_compile() -> None:
    __tracebackhide__ = True
    _require_gettext()
    catalogues = sorted(ERDEM.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/*.po"))

    def check(path: Path) -> str:
        completed = subprocess.run(  # noqa: S603 - fixed command, no shell
            ["msgfmt", "--check", "-o", os.devnull, str(path)],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        return "" if completed.returncode == 0 else f"{path.relative_to(ERDEM.parent)}:\n{completed.stderr}"

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        errors = [error for error in pool.map(check, catalogues) if error]

    if errors:
        pytest.fail("catalogues that do not compile:\n" + "\n".join(errors))


def test_catalogue_headers_name_the_language() -> None:
    """Each catalogue says it is Mongolian and carries Mongolian's plural rule (two forms)."""
    __tracebackhide__ = True
    wrong = []
    for path in sorted(ERDEM.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(path))
        name = path.relative_to(ERDEM.parent)
        if catalogue.metadata.get("Language") != LANGUAGE:
            wrong.append(f"{name}: the header should say Language: {LANGUAGE}")
        if catalogue.metadata.get("Plural-Forms", "").replace(" ", "") != "nplurals=2;plural=(n!=1);":
            wrong.append(f"{name}: the header should say Plural-Forms: nplurals=2; plural=(n != 1);")
    if wrong:
        pytest.fail("\n".join(wrong))
