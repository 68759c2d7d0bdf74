import factory

from erdem.access.models import Role, RoleAssignment
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.tests.factories import ProgrammeFactory


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    person = factory.SubFactory(PersonFactory)
    role = Role.EDUCATOR
    programme = factory.SubFactory(ProgrammeFactory)


def person_with_role(role: str, *, programme=None, institution=None, region=None, **person_fields):
    """A person holding `role`; a coordinator is scoped to their own institution by default."""
    person = PersonFactory(**({"institution": institution} if institution else {}), **person_fields)
    if role == Role.COORDINATOR and institution is None:
        institution = person.institution
    RoleAssignmentFactory(
        person=person,
        role=role,
        programme=programme or ProgrammeFactory(),
        institution=institution if role == Role.COORDINATOR else None,
        region=region,
    )
    return person
