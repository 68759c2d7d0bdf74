from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from erdem.access.selectors import institutions_managed_by


def navigation_for(person: Any) -> Any:
    """Links to the pages a person's roles open, computed only when a template reads them."""

    def build() -> list[dict[str, str]]:
        if not person.is_authenticated:
            return []
        items = []
        institutions = list(institutions_managed_by(person)[:2])
        if len(institutions) == 1:
            items.append(
                {"url": reverse("people:institution_people", args=[institutions[0].pk]), "label": _("Staff")}
            )
        return items

    return SimpleLazyObject(build)
