from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import grants_for
from erdem.organisations.models import Institution


def people_visible_to(person: Any) -> QuerySet[Any]:
    """The people whose records `person` may read: everyone for a national admin,
    their institution's staff for a coordinator, else only themselves."""
    people = get_user_model().objects.all()
    if person is None or not person.is_authenticated:
        return people.none()
    if person.is_superuser:
        return people
    grants = grants_for(person)
    if grants.is_national_admin:
        return people
    institution_ids = grants.institution_ids(Role.COORDINATOR)
    if institution_ids:
        return people.filter(institution_id__in=institution_ids) | people.filter(pk=person.pk)
    return people.filter(pk=person.pk)


def institutions_managed_by(person: Any) -> QuerySet[Institution]:
    """Institutions whose staff `person` may see and invite."""
    institutions = Institution.objects.select_related("region")
    if person is None or not person.is_authenticated:
        return institutions.none()
    grants = grants_for(person)
    if person.is_superuser or grants.is_national_admin:
        return institutions
    return institutions.filter(pk__in=grants.institution_ids(Role.COORDINATOR))


def roles_of(person: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.current().filter(person=person).select_related("programme", "institution", "region")
