"""Writes of roles: granting and ending role assignments.

Pages, the API and jobs all go through these two functions; the caller has already
checked Action.ROLES_ASSIGN on the programme. Ending keeps the row (ended_at), so the
history of who held which role stays readable.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import forget_grants
from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.organisations.models import Institution, Region
from erdem.programmes.models import Programme

# Roles that hold for a whole programme; an institution or region would mean nothing.
PROGRAMME_WIDE_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.MINISTRY_VIEWER, Role.EDUCATOR})


def role_assign(
    *,
    person: Any,
    role: str,
    programme: Programme,
    institution: Institution | None = None,
    region: Region | None = None,
    granted_by: Any,
) -> RoleAssignment:
    """Give `person` a role in `programme`.

    Raises ValidationError with code "institution_required" for a coordinator without an
    institution, "scope_mismatch" when the institution lies outside the region, "scope_not_allowed"
    for a programme-wide role given a scope, and
    "duplicate" when the same assignment is already current.
    """
    if role == Role.COORDINATOR and institution is None:
        raise ValidationError(_("A coordinator must be assigned to an institution."), code="institution_required")
    if role in PROGRAMME_WIDE_ROLES and (institution is not None or region is not None):
        raise ValidationError(
            _("The role “%(role)s” covers the whole programme; leave the institution and the region empty.")
            % {"role": Role(role).label},
            code="scope_not_allowed",
        )
    if institution is not None and region is not None and institution.region_id != region.pk:
        raise ValidationError(
            _(
                "The institution (%(institution)s) and the region (%(region)s) do not match. Choose one of them, or both that match."  # noqa: E501
            )
            % {"institution": institution.name, "region": region.name},
            code="scope_mismatch",
        )
    duplicate = ValidationError(
        _("%(person)s already holds the role “%(role)s” in this programme and scope.")
        % {"person": person.full_name, "role": Role(role).label},
        code="duplicate",
    )
    scope = {"person": person, "role": role, "programme": programme, "institution": institution, "region": region}
    if RoleAssignment.objects.current().filter(**scope).exists():
        raise duplicate
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(**scope, granted_by=granted_by)
            audit_record(
                action=AuditAction.ROLE_GRANT,
                actor=granted_by,
                subject=person,
                target=assignment,
                summary=f"Role {role} granted",
                details=_scope_details(assignment),
            )
    except IntegrityError as exc:  # a concurrent request created the same assignment first
        raise duplicate from exc
    forget_grants(person)
    return assignment


def _scope_details(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "role": assignment.role,
        "programme": assignment.programme_id,
        "institution": assignment.institution_id,
        "region": assignment.region_id,
    }


def role_end(*, assignment: RoleAssignment, ended_by: Any = None) -> RoleAssignment:
    """End a current assignment, keeping the row for history; raises ValidationError "already_ended".
    `ended_by` is who ended it, for the audit log."""
    with transaction.atomic():
        ended = RoleAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(ended_at=timezone.now())
        if not ended:
            raise ValidationError(_("This role assignment has already ended."), code="already_ended")
        audit_record(
            action=AuditAction.ROLE_END,
            actor=ended_by,
            subject=assignment.person_id,
            target=assignment,
            summary=f"Role {assignment.role} ended",
            details=_scope_details(assignment),
        )
    assignment.refresh_from_db(fields=["ended_at"])
    forget_grants(assignment.person)
    return assignment
