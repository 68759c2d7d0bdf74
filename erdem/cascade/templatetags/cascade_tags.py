from typing import Any

from django import template

from erdem.cascade.services import prerequisite_label

register = template.Library()


@register.filter
def prerequisite(check: dict[str, Any]) -> str:
    """A prerequisite check's requirement, in the reader's language."""
    return prerequisite_label(check)
