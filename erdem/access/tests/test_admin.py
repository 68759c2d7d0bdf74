import pytest
from django.urls import reverse

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    return client


def test_role_assignments_are_listed_with_filters(admin_client, django_assert_max_num_queries):
    for role in (Role.EDUCATOR, Role.TRAINER, Role.COORDINATOR):
        person_with_role(role)
    RoleAssignmentFactory(ended_at="2025-01-01T00:00:00+08:00")
    url = reverse("admin:access_roleassignment_changelist")

    with django_assert_max_num_queries(16):
        everything = admin_client.get(url)
    current = admin_client.get(url, {"current": "yes"})
    trainers = admin_client.get(url, {"role__exact": Role.TRAINER})

    assert everything.status_code == 200
    assert everything.context["cl"].result_count == 4
    assert current.context["cl"].result_count == 3
    assert trainers.context["cl"].result_count == 1


def test_role_assignments_are_read_only_in_the_admin(admin_client):
    RoleAssignmentFactory()
    assignment = RoleAssignment.objects.get()

    adding = admin_client.get(reverse("admin:access_roleassignment_add"))
    viewing = admin_client.get(reverse("admin:access_roleassignment_change", args=[assignment.pk]))
    deleting = admin_client.get(reverse("admin:access_roleassignment_delete", args=[assignment.pk]))

    assert adding.status_code == deleting.status_code == 403
    assert viewing.status_code == 200
    assert 'name="role"' not in viewing.content.decode()
