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
# the default orders by code point (Ё first, Ө and Ү last). PostgreSQL has it; SQLite,
# the embedded default, keeps code-point order.
MONGOLIAN_COLLATION = "mn-x-icu"


def mongolian_order(field: str) -> OrderBy:
    """Order by a Cyrillic `field` in Mongolian alphabetical order where the database can."""
    expression: Any = F(field)
    if connection.vendor == "postgresql":
        expression = Collate(expression, MONGOLIAN_COLLATION)
    return expression.asc()


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
