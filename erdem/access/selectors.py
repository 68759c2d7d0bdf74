from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import can, grants_for, require
from erdem.core.i18n import mongolian_order
from erdem.organisations.models import Institution, Region
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current


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


def roles_of(person: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.current().filter(person=person).select_related("programme", "institution", "region")


def programmes_administered_by(person: Any) -> QuerySet[Programme]:
    """The programmes whose roles `person` manages (national admin; a superuser manages all),
    the most recent active programme first."""
    programmes = Programme.objects.order_by("-is_active", "-starts_on", "-pk")
    if person is None or not person.is_authenticated or not person.is_active:
        return programmes.none()
    if person.is_superuser:
        return programmes
    return programmes.filter(pk__in=grants_for(person).programme_ids(Role.NATIONAL_ADMIN))


def role_holders(
    *,
    programme: Programme,
    role: str | None = None,
    institution: Institution | None = None,
    region: Region | None = None,
    query: str = "",
) -> QuerySet[RoleAssignment]:
    """The current role assignments of `programme`, by person's name.

    `institution` keeps assignments scoped to it or held by its staff; `region` keeps those
    scoped to it, to one of its institutions, or held by staff of its institutions, so an
    educator (a role without a scope) is found where they work. `query` matches every word
    against the person's names (Cyrillic and Latin) and e-mail address.
    """
    assignments = RoleAssignment.objects.current().filter(programme=programme)
    if role:
        assignments = assignments.filter(role=role)
    if institution is not None:
        assignments = assignments.filter(Q(institution=institution) | Q(person__institution=institution))
    if region is not None:
        assignments = assignments.filter(
            Q(region=region) | Q(institution__region=region) | Q(person__institution__region=region)
        )
    for term in query.split()[:5]:
        assignments = assignments.filter(
            Q(person__family_name__icontains=term)
            | Q(person__given_name__icontains=term)
            | Q(person__family_name_latin__icontains=term)
            | Q(person__given_name_latin__icontains=term)
            | Q(person__email__icontains=term)
        )
    return assignments.select_related("person", "institution", "region", "granted_by").order_by(
        mongolian_order("person__family_name"), mongolian_order("person__given_name"), "person_id", "role", "pk"
    )


def role_assignment_administered_by(person: Any, pk: int) -> RoleAssignment | None:
    """The assignment `pk` when it belongs to a programme `person` administers, current or ended."""
    return (
        RoleAssignment.objects.filter(pk=pk, programme__in=programmes_administered_by(person))
        .select_related("person", "programme", "institution", "region", "granted_by")
        .first()
    )


def programme_for_action(person: Any, action: Any) -> Programme | None:
    """The programme a page acting with `action` is about: the current programme, or else the latest active
    programme (of the twenty latest) in which `person` may do `action`. Falls back to the current programme
    (None when there is none), so that the caller's `require` refuses with the usual 403."""
    current = programme_current()
    if current is not None and can(person, action, current):
        return current
    latest = Programme.objects.filter(is_active=True).select_related("national_centre").order_by("-starts_on", "-pk")
    return next((programme for programme in latest[:20] if can(person, action, programme)), current)


def programme_required(person: Any, action: Any) -> Programme:
    """`programme_for_action`, refused with 403 when the person may not do `action` there, 404 when there is
    no programme at all (a superuser passes `require` without one)."""
    programme = programme_for_action(person, action)
    require(person, action, programme)
    if programme is None:
        raise Http404
    return programme
