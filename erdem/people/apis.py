"""People: only those the caller may see (erdem.access), so ids outside their scope are simply not found."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from erdem.access.policy import Action, can
from erdem.access.selectors import roles_of
from erdem.api.auth import caller
from erdem.api.errors import NotFound
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, Id, InstitutionSummary, RoleAssignmentOut
from erdem.api.selectors import people_list

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    email: str
    family_name: str
    given_name: str
    full_name: str
    family_name_latin: str
    given_name_latin: str
    full_name_latin: str
    name_traditional: str
    institution: InstitutionSummary | None
    department: str
    discipline: str
    academic_position: str
    preferred_language: str


class PeopleFilters(Schema):
    institution: str | None = None


def _visible_person(request: HttpRequest, person_id: int, action: Action) -> Any:
    person = get_user_model().objects.select_related("institution").filter(pk=person_id).first()
    if person is None or not can(caller(request), action, person):
        raise NotFound()
    return person


@router.get("/", response={200: list[PersonOut], 401: ErrorOut})
@paginate(BoundedPages, page_size=50, max_page_size=100)
def person_list(request: HttpRequest, filters: Query[PeopleFilters]) -> QuerySet[Any]:
    """People you may see: all for a national admin, your institution's staff for a coordinator, else yourself.

    Filter by institution code.
    """
    return people_list(viewer=caller(request), institution_code=filters.institution)


@router.get("/me", response={200: PersonOut, 401: ErrorOut})
def person_me(request: HttpRequest) -> Any:
    """Your own record."""
    return _visible_person(request, caller(request).pk, Action.PERSON_VIEW)


@router.get("/{person_id}", response={200: PersonOut, 401: ErrorOut, 404: ErrorOut})
def person_detail(request: HttpRequest, person_id: Id) -> Any:
    """One person you may see; anyone else is not found."""
    return _visible_person(request, person_id, Action.PERSON_VIEW)


@router.get("/{person_id}/roles", response={200: list[RoleAssignmentOut], 401: ErrorOut, 404: ErrorOut})
def person_roles(request: HttpRequest, person_id: Id) -> Any:
    """The current roles of a person whose roles you may see."""
    return roles_of(_visible_person(request, person_id, Action.PERSON_ROLES_VIEW))
