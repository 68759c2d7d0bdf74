import pytest
from django.test import Client
pytestmark = pytest.mark.django_db
from django.test import override_settings
@override_settings(ROOT_URLCONF="erdem.api.tests.dbg_urls")
def test_x():
    c = Client()
    r = c.get("/api/v1/regions/MN-1", headers={"Accept-Language": "en"})
    print(r.headers, r.json())
    r = c.get("/api/v1/regions/MN-1", HTTP_ACCEPT_LANGUAGE="en")
    print(r.headers, r.json())
