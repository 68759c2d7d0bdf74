"""Checks on what people type: passwords and names.

The password validators are Django's own, with help texts and error messages of our
own, so that they read as natural Mongolian: Django's Mongolian catalogue lacks several
of them (its entries predate the typographic apostrophes of the current English) and
words others awkwardly. The messages carry the context "password rule": Django's auth
catalogue takes precedence over ours, so a message sharing one of its msgids would
show Django's translation. settings.AUTH_PASSWORD_VALIDATORS points here.

The name checks keep each name field in the script it asks for; the registration
form, the profile form and the staff import (erdem.people.imports) all use them.
"""

import re
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, npgettext, pgettext

# The attributes of a Person a password must not resemble (Django's default names
# username, first_name and last_name, which a Person does not have).
PERSON_ATTRIBUTES = ("email", "family_name", "given_name", "family_name_latin", "given_name_latin")


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def __init__(self, user_attributes: tuple[str, ...] = PERSON_ATTRIBUTES, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return pgettext("password rule", "The password is too similar to your %(verbose_name)s.")

    def get_help_text(self) -> str:
        return pgettext("password rule", "Your password must not resemble your name or your e-mail address.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return npgettext(
            "password rule",
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return npgettext(
            "password rule",
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return pgettext("password rule", "This password is too common: it is among the first ones people try.")

    def get_help_text(self) -> str:
        return pgettext("password rule", "Your password must not be a commonly used password.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return pgettext("password rule", "This password has only digits.")

    def get_help_text(self) -> str:
        return pgettext("password rule", "Your password must not consist of digits only.")


# Names. Besides the letters, a name may hold spaces, hyphens, apostrophes and dots
# (initials, double names).
NAME_PUNCTUATION = " \\-'’."
# Mongolian Cyrillic, plus the letters of Kazakh names (Bayan-Ölgii): Ә Ғ Қ Ң Ұ Һ І.
CYRILLIC_LETTERS = "А-Яа-яЁёӨөҮүӘәҒғҚқҢңҰұҺһІі"
LATIN_LETTERS = "A-Za-z"
# The Mongolian block, with spaces and the narrow no-break space that joins suffixes.
TRADITIONAL_CHARACTERS = "\u1800-\u18af \u202f"


def _name_pattern(allowed: str, letters: str) -> re.Pattern[str]:
    """Only `allowed` characters, at least one of them from `letters`."""
    return re.compile(f"[{allowed}]*[{letters}][{allowed}]*")


CYRILLIC_NAME = _name_pattern(CYRILLIC_LETTERS + NAME_PUNCTUATION, CYRILLIC_LETTERS)
LATIN_NAME = _name_pattern(LATIN_LETTERS + NAME_PUNCTUATION, LATIN_LETTERS)
TRADITIONAL_NAME = _name_pattern(TRADITIONAL_CHARACTERS, "\u1800-\u18af")

NAME_PATTERNS = {
    "family_name": CYRILLIC_NAME,
    "given_name": CYRILLIC_NAME,
    "family_name_latin": LATIN_NAME,
    "given_name_latin": LATIN_NAME,
    "name_traditional": TRADITIONAL_NAME,
}
CYRILLIC_NAME_FIELDS = ("family_name", "given_name")

NAME_SCRIPT_MESSAGES = {
    "family_name": gettext_lazy(
        "Write the family name in Cyrillic letters. Besides letters, only spaces, hyphens, apostrophes "
        "and dots may be used."
    ),
    "given_name": gettext_lazy(
        "Write the given name in Cyrillic letters. Besides letters, only spaces, hyphens, apostrophes "
        "and dots may be used."
    ),
    "family_name_latin": gettext_lazy(
        "Write the family name (Latin) in Latin letters A–Z, without diacritics. Besides letters, only "
        "spaces, hyphens, apostrophes and dots may be used."
    ),
    "given_name_latin": gettext_lazy(
        "Write the given name (Latin) in Latin letters A–Z, without diacritics. Besides letters, only "
        "spaces, hyphens, apostrophes and dots may be used."
    ),
    "name_traditional": gettext_lazy(
        "Write the name in traditional script in the Mongolian script only. Besides its letters, only "
        "spaces may be used."
    ),
}

# A "?" in a Cyrillic name read from a file: Windows-1251 has no Ө or Ү, so a spreadsheet
# saved in it turns them into question marks.
LOST_LETTERS_MESSAGE = gettext_lazy(
    "The name contains “?”, which usually means the file lost the letters Ө or Ү. "
    "Save the file as CSV UTF-8 and upload it again."
)


def name_in_script(field: str, value: str) -> bool:
    """Whether `value` is written in the script the name field `field` asks for."""
    return NAME_PATTERNS[field].fullmatch(value) is not None


def name_lost_letters(field: str, value: str) -> bool:
    """A question mark in a Cyrillic name: letters lost to a file's encoding, not a typing error."""
    return field in CYRILLIC_NAME_FIELDS and "?" in value


class NameScriptValidator:
    """A form field validator for one of the name fields (see NAME_PATTERNS)."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __call__(self, value: Any) -> None:
        if value and not name_in_script(self.field, str(value)):
            raise ValidationError(NAME_SCRIPT_MESSAGES[self.field], code="name_script")
