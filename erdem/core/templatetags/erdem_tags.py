from typing import Any

from django import template

from erdem.core.i18n import localized

register = template.Library()


@register.filter
def loc(obj: Any, field: str) -> str:
    """`{{ institution|loc:"short_name" }}`: the field in the active language."""
    return localized(obj, field)
