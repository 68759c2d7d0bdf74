"""Filters of the national centre's credential pages: `{% load credentials_manage %}`."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from erdem.core.i18n import active_language

register = template.Library()


def number_text(value: Any) -> str:
    """A decimal as people write it, as on the public pages: 44, 1.5 (not 44.0, 1.50); "" for nothing."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}"


def person_name_text(person: Any, language: str | None = None) -> str:
    """A person's name in the reader's language: the Latin spelling on English pages when there is one,
    the Cyrillic otherwise."""
    if person is None:
        return ""
    if (language or active_language()) == "en" and person.full_name_latin:
        return str(person.full_name_latin)
    return str(person.full_name)


@register.filter
def number(value: Any) -> str:
    """`{{ achievement.ects|number }}`"""
    return number_text(value)


@register.filter
def person_name(person: Any) -> str:
    """`{{ credential.person|person_name }}`"""
    return person_name_text(person)
