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
