import pytest
from django.urls import reverse

from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    return client


def test_institution_changelist_is_bounded(admin_client, django_assert_max_num_queries):
    InstitutionFactory.create_batch(5, kind=Institution.Kind.COLLEGE)

    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:organisations_institution_changelist"), {"kind__exact": "college"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 5


def test_regions_are_corrected_not_added_or_removed(admin_client):
    capital = region("MN-1")

    listing = admin_client.get(reverse("admin:organisations_region_changelist"))
    adding = admin_client.get(reverse("admin:organisations_region_add"))
    deleting = admin_client.get(reverse("admin:organisations_region_delete", args=[capital.pk]))

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 22
    assert adding.status_code == deleting.status_code == 403
