"""Roles: your own, and assigning or ending them for programme admins (Action.ROLES_ASSIGN)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import Action, can
from erdem.access.selectors import roles_of
from erdem.access.services import role_assign, role_end
from erdem.api.auth import caller
from erdem.api.errors import (
    Forbidden,
    NotFound,
    from_validation_error,
    institution_not_found,
    person_not_found,
    programme_not_found,
    region_not_found,
)
from erdem.api.schemas import ErrorOut, Id, RoleAssignmentOut, ValidationErrorOut
from erdem.organisations.models import Institution, Region
from erdem.programmes.models import Programme

router = Router(tags=["roles"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


class RoleAssignIn(Schema):
    person_id: Id
    role: Role
    programme: str
    institution: str | None = None
    region: str | None = None


@router.get("/me", response={200: list[RoleAssignmentOut], 401: ErrorOut})
def role_list_mine(request: HttpRequest) -> Any:
    """Your current roles."""
    return roles_of(caller(request))


@router.post("/", response={201: RoleAssignmentOut, **ERRORS})
def role_create(request: HttpRequest, payload: RoleAssignIn) -> Any:
    """Give a person a role in a programme (institution code for a coordinator, region ISO code if scoped)."""
    programme = Programme.objects.filter(slug=payload.programme).first()
    if programme is None:
        raise programme_not_found(payload.programme, in_body=True)
    if not can(caller(request), Action.ROLES_ASSIGN, programme):
        raise Forbidden()
    person = get_user_model().objects.filter(pk=payload.person_id).first()
    if person is None:
        raise person_not_found(payload.person_id)
    institution = region = None
    if payload.institution:
        institution = Institution.objects.filter(code=payload.institution).first()
        if institution is None:
            raise institution_not_found(payload.institution, in_body=True)
    if payload.region:
        region = Region.objects.filter(iso_code__iexact=payload.region).first()
        if region is None:
            raise region_not_found(payload.region, in_body=True)
    try:
        assignment = role_assign(
            person=person,
            role=payload.role,
            programme=programme,
            institution=institution,
            region=region,
            granted_by=caller(request),
        )
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
    return Status(201, assignment)


@router.delete("/{assignment_id}", response={200: RoleAssignmentOut, **ERRORS})
def role_delete(request: HttpRequest, assignment_id: Id) -> Any:
    """End a role assignment; the row stays, with its end time, for the history."""
    assignment = (
        RoleAssignment.objects.select_related("person", "programme", "institution", "region")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound()
    if not can(caller(request), Action.ROLES_ASSIGN, assignment.programme):
        if can(caller(request), Action.PERSON_ROLES_VIEW, assignment.person):
            raise Forbidden()
        raise NotFound()
    try:
        return role_end(assignment=assignment, ended_by=caller(request))
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
