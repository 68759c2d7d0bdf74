import pytest
from django.urls import reverse

from erdem.frameworks.models import Competency, Framework
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["framework", "dimension", "level", "competency"])
def test_changelist_lists_reference_data(admin_client, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:frameworks_{model}_changelist"))

    assert response.status_code == 200


def test_codes_are_fixed_once_saved(admin_client):
    competency = Competency.objects.get(framework__code="unesco-ai-cft", code="2.1")
    framework = Framework.objects.get(code="unesco-ai-cft")

    competency_page = admin_client.get(reverse("admin:frameworks_competency_change", args=[competency.pk]))
    framework_page = admin_client.get(reverse("admin:frameworks_framework_change", args=[framework.pk]))

    assert competency_page.status_code == framework_page.status_code == 200
    assert 'name="code"' not in competency_page.content.decode()
    assert 'name="code"' not in framework_page.content.decode()
    assert 'name="dimensions-0-name_mn"' in framework_page.content.decode()
