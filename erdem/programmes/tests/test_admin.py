import pytest
from django.urls import reverse

from erdem.people.tests.factories import PersonFactory
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_programme_changelist_is_bounded(client, django_assert_max_num_queries):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    ProgrammeFactory.create_batch(4)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:programmes_programme_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 4
