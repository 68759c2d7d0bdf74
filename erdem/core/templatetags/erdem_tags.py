from typing import Any

from django import template

from erdem.core.i18n import language_name, localized

register = template.Library()


@register.filter
def loc(obj: Any, field: str) -> str:
    """`{{ institution|loc:"short_name" }}`: the field in the active language."""
    return localized(obj, field)


@register.filter
def language_label(code: str) -> str:
    """A language code's name in the active language: `{{ "en"|language_label }}` is "Англи" on a
    Mongolian page. The language switch names each language in itself instead (settings.LANGUAGES)."""
    return language_name(code)
