import datetime
import hashlib
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.api.models import ApiToken
from erdem.api.services import api_token_create, api_token_revoke
from erdem.api.tests.helpers import session_client
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_only_the_hash_of_a_token_is_stored() -> None:
    token, raw = api_token_create(person=PersonFactory(), name="report script")

    assert raw.startswith("erdem_")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix)
    assert len(token.prefix) < len(raw) / 3
    assert not ApiToken.objects.filter(token_hash=raw).exists()


def test_token_authenticates_and_records_its_use() -> None:
    person: Any = PersonFactory(preferred_language="en")
    token, raw = api_token_create(person=person, name="script")

    response = _bearer(raw).get("/api/v1/people/me")

    assert response.status_code == 200
    assert response.json()["id"] == person.pk
    assert response.headers["Content-Language"] == "en"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused() -> None:
    token, raw = api_token_create(person=PersonFactory(preferred_language="en"), name="script")
    api_token_revoke(token=token)

    client = _bearer(raw)
    mongolian = client.get("/api/v1/people/me")
    client.cookies["erdem_language"] = "en"  # the caller is unknown, so the site's language rule applies
    english = client.get("/api/v1/people/me")

    assert mongolian.status_code == english.status_code == 401
    assert english.json()["detail"] == "This API token has been revoked. Create a new one."
    assert mongolian.json()["detail"] == "Энэ API токеныг цуцалсан байна. Шинэ токен үүсгэнэ үү."


def test_revoked_token_is_refused_on_public_endpoints_too() -> None:
    token, raw = api_token_create(person=PersonFactory(), name="script")
    api_token_revoke(token=token)

    assert _bearer(raw).get("/api/v1/regions/").status_code == 401
    assert Client().get("/api/v1/regions/").status_code == 200


def test_expired_token_is_refused() -> None:
    _token, raw = api_token_create(
        person=PersonFactory(), name="script", expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = _bearer(raw).get("/api/v1/people/me")

    assert response.status_code == 401
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer erdem_not-a-real-token", "Bearer ", "Token abc"])
def test_unknown_tokens_are_refused(header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/v1/people/me")

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


def test_token_of_a_deactivated_person_is_refused() -> None:
    person = PersonFactory(is_active=False)
    _token, raw = api_token_create(person=person, name="script")

    assert _bearer(raw).get("/api/v1/people/me").status_code == 401


def test_token_callers_skip_the_csrf_check_and_write() -> None:
    """A token is not sent automatically by browsers, so it needs no CSRF token."""
    person = PersonFactory()
    _token, raw = api_token_create(person=person, name="script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    response = client.delete("/api/v1/roles/999999")

    assert response.status_code == 404


def test_revoking_twice_keeps_the_first_time() -> None:
    token, _raw = api_token_create(person=PersonFactory(), name="script")
    first = api_token_revoke(token=token).revoked_at

    assert api_token_revoke(token=token).revoked_at == first


def test_management_command_prints_a_working_token() -> None:
    person: Any = PersonFactory(email="saraa@example.mn")
    out = StringIO()

    call_command(
        "api_token_create", "--email", "SARAA@example.mn", "--name", "nightly export", "--days", "30", stdout=out
    )

    raw = out.getvalue().strip()
    token = ApiToken.objects.get(person=person)
    assert token.name == "nightly export"
    assert token.expires_at is not None
    assert _bearer(raw).get("/api/v1/people/me").json()["id"] == person.pk


def test_management_command_rejects_an_unknown_email() -> None:
    with pytest.raises(CommandError):
        call_command("api_token_create", "--email", "nobody@example.mn", "--name", "x", stdout=StringIO())


def test_token_page_creates_shows_once_and_revokes() -> None:
    person = PersonFactory(preferred_language="en")
    client = session_client(person)
    url = reverse("api:tokens")

    created = client.post(url, {"name": "my script", "lifetime": "90"}, follow=True)

    token = ApiToken.objects.get(person=person)
    assert created.redirect_chain == [(url, 302)]  # a reload of the page does not post again
    raw = created.context["new_token"]
    assert raw in created.content.decode()
    assert raw not in client.get(url).content.decode()
    assert ApiToken.objects.filter(person=person).count() == 1
    assert token.prefix in client.get(url).content.decode()

    revoked = client.post(reverse("api:token-revoke", args=[token.pk]))

    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _bearer(raw).get("/api/v1/people/me").status_code == 401


def test_token_page_cannot_revoke_someone_elses_token() -> None:
    token, _raw = api_token_create(person=PersonFactory(), name="theirs")

    response = session_client(PersonFactory()).post(reverse("api:token-revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_page_needs_sign_in() -> None:
    response = Client().get(reverse("api:tokens"))

    assert response.status_code == 302
