from typing import Any

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build
from erdem.people.models import Person
from erdem.programmes.models import Programme


def team_member(course: Course, **person_fields: Any) -> Person:
    """A master teacher of the course's programme on the course's team."""
    person = person_with_role(Role.MASTER_TEACHER, programme=course.programme, **person_fields)
    course.team.add(person)
    return person


def team_course(*, programme: Programme, code: str = "ai-101", **fields: Any) -> tuple[Course, Person]:
    course = course_build(programme=programme, code=code, **fields)
    return course, team_member(course)
