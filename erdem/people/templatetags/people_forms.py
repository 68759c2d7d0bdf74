"""Template helpers for the people app's form partials (people/_form_errors.html)."""

from typing import Any

from django import template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@register.filter
def has_field_errors(form: Any) -> bool:
    """Whether some field of the form has an error, as opposed to errors about the form as a whole."""
    return any(name != NON_FIELD_ERRORS for name in form.errors)
