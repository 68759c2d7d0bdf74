import pytest

from erdem.access.models import Role
from erdem.access.policy import Action, can
from erdem.access.selectors import people_visible_to
from erdem.access.tests.factories import person_with_role
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_coordinator_sees_only_own_institution() -> None:
    own, other = InstitutionFactory(), InstitutionFactory()
    coordinator = person_with_role(Role.COORDINATOR, institution=own)
    colleague, stranger = PersonFactory(institution=own), PersonFactory(institution=other)

    assert can(coordinator, Action.INSTITUTION_PEOPLE_VIEW, own)
    assert not can(coordinator, Action.INSTITUTION_PEOPLE_VIEW, other)
    assert can(coordinator, Action.PERSON_VIEW, colleague)
    assert not can(coordinator, Action.PERSON_VIEW, stranger)
    assert set(people_visible_to(coordinator)) == {coordinator, colleague}


def test_ministry_viewer_sees_aggregates_but_no_person() -> None:
    viewer = person_with_role(Role.MINISTRY_VIEWER)
    somebody = PersonFactory()

    assert can(viewer, Action.AGGREGATES_VIEW)
    assert not can(viewer, Action.PERSON_VIEW, somebody)
    assert list(people_visible_to(viewer)) == [viewer]


def test_educator_reaches_only_themselves() -> None:
    educator = person_with_role(Role.EDUCATOR)
    other = PersonFactory(institution=educator.institution)

    assert can(educator, Action.PERSON_VIEW, educator)
    assert not can(educator, Action.PERSON_VIEW, other)
    assert not can(educator, Action.INSTITUTION_PEOPLE_VIEW, educator.institution)
    assert not can(educator, Action.AGGREGATES_VIEW)
