"""Template tags of the catalogue's pages that depend on who reads them."""

from typing import Any

from django import template

from erdem.access.policy import Action, can

register = template.Library()


@register.simple_tag(takes_context=True)
def course_editable(context: Any, course: Any) -> bool:
    """Whether the reader may edit `course` (its team, national admins): `{% course_editable c as editable %}`."""
    return can(context["request"].user, Action.COURSE_EDIT, course)
