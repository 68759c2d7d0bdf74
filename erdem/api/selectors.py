"""Reads behind the API's list endpoints; each returns a queryset ready to paginate in bounded queries."""

from typing import Any

from django.db.models import QuerySet

from erdem.access.selectors import people_visible_to
from erdem.api.models import ApiToken
from erdem.core.i18n import localized_order, mongolian_order
from erdem.organisations.models import Institution, Region
from erdem.programmes.models import Programme


def api_tokens_of(*, person: Any) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked ones included so the history stays visible."""
    return ApiToken.objects.filter(person=person).order_by("-created_at")


def regions_list() -> QuerySet[Region]:
    return Region.objects.order_by("kind", localized_order("name"))


def institutions_list(
    *, region_code: str | None = None, kind: str | None = None, ownership: str | None = None
) -> QuerySet[Institution]:
    institutions = Institution.objects.select_related("region").order_by(localized_order("name"), "pk")
    if region_code:
        institutions = institutions.filter(region__iso_code__iexact=region_code)
    if kind:
        institutions = institutions.filter(kind=kind)
    if ownership:
        institutions = institutions.filter(ownership=ownership)
    return institutions


def programmes_list() -> QuerySet[Programme]:
    return Programme.objects.select_related("national_centre").order_by("-starts_on", "pk")


def people_list(*, viewer: Any, institution_code: str | None = None) -> QuerySet[Any]:
    """The people `viewer` may read (erdem.access.selectors), optionally of one institution."""
    people = (
        people_visible_to(viewer)
        .select_related("institution")
        .order_by(mongolian_order("family_name"), mongolian_order("given_name"), "pk")
    )
    if institution_code:
        people = people.filter(institution__code=institution_code)
    return people
