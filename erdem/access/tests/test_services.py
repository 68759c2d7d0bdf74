from typing import Any

import pytest
from django.core.exceptions import ValidationError

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import Action, can
from erdem.access.services import role_assign, role_end
from erdem.access.tests.factories import person_with_role
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_role_assign_and_end_take_effect_at_once() -> None:
    programme: Any = ProgrammeFactory()
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    person = make_person()
    assert not can(person, Action.ROLES_ASSIGN, programme)

    assignment = role_assign(person=person, role=Role.NATIONAL_ADMIN, programme=programme, granted_by=admin)
    assert can(person, Action.ROLES_ASSIGN, programme)

    role_end(assignment=assignment)
    assert not can(person, Action.ROLES_ASSIGN, programme)
    assert RoleAssignment.objects.get(pk=assignment.pk).ended_at is not None


@pytest.mark.parametrize(
    ("role", "code"),
    [(Role.COORDINATOR, "institution_required"), (Role.EDUCATOR, "duplicate")],
)
def test_role_assign_refuses(role: str, code: str) -> None:
    programme: Any = ProgrammeFactory()
    person = person_with_role(Role.EDUCATOR, programme=programme)

    with pytest.raises(ValidationError) as refused:
        role_assign(person=person, role=role, programme=programme, granted_by=None)

    assert refused.value.code == code


def test_role_end_twice_is_refused() -> None:
    assignment = RoleAssignment.objects.get(person=person_with_role(Role.MENTOR))
    role_end(assignment=assignment)

    with pytest.raises(ValidationError) as refused:
        role_end(assignment=assignment)

    assert refused.value.code == "already_ended"


def test_institution_and_region_of_a_role_must_agree() -> None:
    from erdem.organisations.models import Region
    from erdem.organisations.tests.factories import InstitutionFactory

    programme: Any = ProgrammeFactory()
    darkhan = Region.objects.get(iso_code="MN-037")
    institution = InstitutionFactory.create(region=Region.objects.get(iso_code="MN-1"))

    with pytest.raises(ValidationError) as refused:
        role_assign(
            person=make_person(),
            role=Role.TRAINER,
            programme=programme,
            institution=institution,
            region=darkhan,
            granted_by=None,
        )
    assert refused.value.code == "scope_mismatch"
    assert not RoleAssignment.objects.filter(role=Role.TRAINER).exists()


def test_the_database_refuses_a_second_current_assignment_without_scope() -> None:
    """The service checks first; the constraint holds even for writes that bypass it."""
    from django.db import IntegrityError, transaction

    programme: Any = ProgrammeFactory()
    person = make_person()
    RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)


@pytest.mark.parametrize("role", [Role.MINISTRY_VIEWER, Role.NATIONAL_ADMIN, Role.EDUCATOR])
def test_programme_wide_roles_take_no_scope(role: str) -> None:
    from erdem.organisations.tests.factories import InstitutionFactory

    with pytest.raises(ValidationError) as refused:
        role_assign(
            person=make_person(),
            role=role,
            programme=ProgrammeFactory(),
            institution=InstitutionFactory.create(),
            granted_by=None,
        )
    assert refused.value.code == "scope_not_allowed"
