"""Bilingual fields on reference data.

Reference data (regions, institutions, frameworks, programmes) carries a fixed pair of
columns per text, `<field>_mn` and `<field>_en`. Course content, where more languages
are possible, uses companion translation tables instead (docs/decisions/0004-bilingual-data.md).
"""

from typing import Any

from django.conf import settings
from django.db import models
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


def localized_order(field: str) -> str:
    """The column to sort `field` by in the active language."""
    return f"{field}_{active_language()}"


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
