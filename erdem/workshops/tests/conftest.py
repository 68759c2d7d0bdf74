from typing import cast

import pytest

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Workshop
from erdem.workshops.tests.factories import register, workshop_build


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=1, lessons=1)


@pytest.fixture
def trainer(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.TRAINER, programme=programme))


@pytest.fixture
def educator(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.EDUCATOR, programme=programme))


@pytest.fixture
def admin(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))


@pytest.fixture
def workshop(course: Course, trainer: Person, educator: Person) -> Workshop:
    """Started ten minutes ago, two hours long, `educator` registered."""
    import datetime as dt

    from django.utils import timezone

    workshop = workshop_build(course=course, trainers=[trainer], starts_at=timezone.now() - dt.timedelta(minutes=10))
    register(workshop, educator)
    return workshop
