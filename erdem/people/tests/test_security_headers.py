"""The headers every page carries (Content-Security-Policy, framing, sniffing, referrer, opener,
permissions; HSTS only over https), sessions renewed at sign-in, and forms refused without their token."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(settings.BASE_DIR) / "erdem" / "settings.py"


def csp_directives(header: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", reverse("people:login"), reverse("people:register")])
def test_pages_carry_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert csp_directives(response["Content-Security-Policy"]) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response


def test_signed_in_pages_and_errors_carry_the_policy_too(client: Client) -> None:
    client.force_login(make_person())
    assert "frame-ancestors 'none'" in client.get(reverse("people:profile"))["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https_only(client: Client) -> None:
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")


def _settings_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, object]:
    """The settings module as it reads the given environment."""
    for name in ("ERDEM_HTTPS", "ERDEM_HSTS_INCLUDE_SUBDOMAINS", "ERDEM_SESSION_AGE", "ERDEM_REQUIRE_TWO_FACTOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ERDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ERDEM_SECRET_KEY", "for-this-test-only")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_https_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plain = _settings_with(monkeypatch, tmp_path)
    assert "SECURE_HSTS_SECONDS" not in plain and "SESSION_COOKIE_SECURE" not in plain
    assert plain["SESSION_COOKIE_AGE"] == 14 * 24 * 3600
    assert plain["ERDEM_REQUIRE_TWO_FACTOR"] is True
    assert plain["AXES_FAILURE_LIMIT"] == 5
    assert plain["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]

    https = _settings_with(monkeypatch, tmp_path, ERDEM_HTTPS="1", ERDEM_SESSION_AGE="3600")
    assert https["SECURE_HSTS_SECONDS"] == 31536000
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["SESSION_COOKIE_AGE"] == 3600

    subdomains = _settings_with(monkeypatch, tmp_path, ERDEM_HTTPS="1", ERDEM_HSTS_INCLUDE_SUBDOMAINS="1")
    assert subdomains["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_signing_in_gives_a_new_session_key(client: Client) -> None:
    person = make_person(email="a@x.mn")
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    client.post(reverse("people:login"), {"username": "a@x.mn", "password": "correct-horse-battery"})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert client.session["_auth_user_id"] == str(person.pk)


def test_logging_out_needs_a_post(client: Client) -> None:
    client.force_login(make_person())
    assert client.get(reverse("people:logout")).status_code == 405
    assert client.session.get("_auth_user_id")


def test_a_form_sent_without_its_token_gets_the_friendly_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    make_person(email="a@x.mn")
    response = client.post(reverse("people:login"), {"username": "a@x.mn", "password": "correct-horse-battery"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # With the token from the form, it goes through.
    page = client.get(reverse("people:login"))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("people:login"),
        {"username": "a@x.mn", "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
