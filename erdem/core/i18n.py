"""Bilingual fields on reference data.

Reference data (regions, institutions, frameworks, programmes) carries a fixed pair of
columns per text, `<field>_mn` and `<field>_en`. Course content, where more languages
are possible, uses companion translation tables instead (docs/decisions/0004-bilingual-data.md).
"""

from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.db.models.expressions import OrderBy
from django.db.models.functions import Collate
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)

# A language's name as a reader of the active language writes it ("Англи" in Mongolian text);
# settings.LANGUAGES keeps each language's own name, for the language switch.
LANGUAGE_NAMES = {"mn": _("Mongolian"), "en": _("English")}


def language_name(code: str) -> str:
    """The name of the language `code` in the active language ("Англи", "Mongolian")."""
    return str(LANGUAGE_NAMES.get(code, code))


def language_choices() -> list[tuple[str, str]]:
    """The platform's languages for a form, named in the active language."""
    return [(code, language_name(code)) for code in LANGUAGE_CODES]


def active_language() -> str:
    """The active language reduced to one of the platform's codes."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """`obj.<field>_<language>`, falling back to the other language when empty."""
    language = language or active_language()
    ordered = (language, *(code for code in LANGUAGE_CODES if code != language))
    for code in ordered:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return str(value)
    return ""


# ICU's Mongolian collation puts Ё after Е and Ө, Ү after О, У, as the alphabet does;
# the default orders by code point (Ё first, Ө and Ү last). PostgreSQL has it as "mn-x-icu";
# on SQLite, the embedded default, the same order is a collation registered on every new
# connection (`sqlite_collation_register`, from erdem.core.apps).
MONGOLIAN_COLLATION = "mn-x-icu"
SQLITE_MONGOLIAN_COLLATION = "mn"
MONGOLIAN_ALPHABET = "абвгдеёжзийклмноөпрстуүфхцчшщъыьэюя"
_ALPHABET_RANK = {letter: rank for rank, letter in enumerate(MONGOLIAN_ALPHABET)}


def mongolian_sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], str]:
    """Letters in Mongolian alphabetical order, case aside (Cyrillic first, then other letters by
    code point); equal texts apart from case are ordered by code point so the order is total."""
    letters = tuple((0, _ALPHABET_RANK[c]) if c in _ALPHABET_RANK else (1, ord(c)) for c in text.lower())
    return letters, text


def _sqlite_mongolian_compare(left: str, right: str) -> int:
    a, b = mongolian_sort_key(left), mongolian_sort_key(right)
    return (a > b) - (a < b)


def sqlite_collation_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: give SQLite connections the Mongolian collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_MONGOLIAN_COLLATION, _sqlite_mongolian_compare)


def mongolian_order(field: str) -> OrderBy:
    """Order by a Cyrillic `field` in Mongolian alphabetical order."""
    collation = MONGOLIAN_COLLATION if connection.vendor == "postgresql" else SQLITE_MONGOLIAN_COLLATION
    return Collate(F(field), collation).asc()


def localized_order(field: str) -> OrderBy:
    """Order by `field` in the active language (Mongolian alphabetical order for Mongolian)."""
    language = active_language()
    column = f"{field}_{language}"
    return mongolian_order(column) if language == "mn" else F(column).asc()


class BilingualNameMixin(models.Model):
    """A name in Mongolian and English; `name` reads it in the active language."""

    name_mn = models.CharField(_("name (Mongolian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")
