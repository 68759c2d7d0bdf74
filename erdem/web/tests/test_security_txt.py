import datetime as dt

from django.test import override_settings
from django.urls import reverse


def test_not_found_until_a_contact_is_set(client):
    assert client.get("/.well-known/security.txt").status_code == 404


@override_settings(
    ERDEM_SECURITY_CONTACT=["mailto:security@example.mn", "https://example.mn/security"],
    SITE_URL="https://erdem.example.mn",
)
def test_the_contacts_and_an_expiry_within_a_year(client):
    response = client.get(reverse("web:security_txt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = [line.split(": ", 1) for line in response.content.decode().splitlines()]
    assert fields[:2] == [["Contact", "mailto:security@example.mn"], ["Contact", "https://example.mn/security"]]
    values = dict(fields)
    expires = dt.datetime.strptime(values["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert dt.timedelta(days=300) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=366)
    assert values["Canonical"] == "https://erdem.example.mn/.well-known/security.txt"
    assert values["Preferred-Languages"] == "mn, en"
    assert client.post(reverse("web:security_txt")).status_code == 405
