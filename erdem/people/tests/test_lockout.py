"""Password sign-in throttling: a pair of e-mail address and client address is paused after repeated
failures, with erdem's own page in the visitor's language; other addresses are not affected; a new
password lifts the pause; each lockout is in the audit log."""

from typing import Any

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from erdem.audit.models import AuditAction, AuditEvent
from erdem.people.models import Person
from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.7"
TEACHER = "198.51.100.20"


@pytest.fixture
def teacher() -> Person:
    return make_person(email="saraa@num.edu.mn", preferred_language="en")


def sign_in(client: Client, password: str, *, ip: str, email: str = "saraa@num.edu.mn", **extra: str) -> Any:
    return client.post(reverse("people:login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client: Client, times: int, *, ip: str = ATTACKER, email: str = "saraa@num.edu.mn") -> list[int]:
    return [sign_in(client, f"wrong-{n}", ip=ip, email=email).status_code for n in range(times)]


def test_the_fifth_wrong_password_pauses_signing_in_from_that_address(client: Client, teacher: Person) -> None:
    client.cookies["erdem_language"] = "en"
    assert fail(client, 4) == [200, 200, 200, 200]
    response = sign_in(client, "wrong-5", ip=ATTACKER)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "paused for 15 minutes" in page
    assert reverse("people:password_reset") in page
    assert '<html lang="en">' in page
    # Even the right password is refused while the pause lasts.
    assert sign_in(client, PASSWORD, ip=ATTACKER).status_code == 429
    assert not get_user(client).is_authenticated


def test_the_lockout_page_is_in_mongolian_by_default(client: Client, teacher: Person) -> None:
    fail(client, 4)
    response = sign_in(client, "wrong-5", ip=ATTACKER)
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="mn">' in page
    assert "Нэвтрэх оролдлого хэт олон боллоо" in page
    assert "Too many sign-in attempts" not in page


def test_wrong_passwords_before_the_limit_still_show_the_form_error(client: Client, teacher: Person) -> None:
    client.cookies["erdem_language"] = "en"
    response = sign_in(client, "wrong", ip=ATTACKER)
    assert "The e-mail address or the password is wrong." in response.content.decode()


def test_the_same_address_from_another_connection_still_signs_in(client: Client, teacher: Person) -> None:
    fail(client, 5)
    elsewhere = Client()
    response = sign_in(elsewhere, PASSWORD, ip=TEACHER)
    assert response.status_code == 302
    assert get_user(elsewhere) == teacher


def test_addresses_are_counted_whatever_their_case(client: Client, teacher: Person) -> None:
    fail(client, 4, email="Saraa@NUM.edu.mn ")
    assert sign_in(client, "wrong", ip=ATTACKER).status_code == 429


def test_a_lockout_is_written_to_the_audit_log_once(client: Client, teacher: Person) -> None:
    fail(client, 5)
    fail(client, 3)  # while it lasts: refused, not counted
    events = list(AuditEvent.objects.filter(action=AuditAction.SECURITY))
    assert len(events) == 1
    assert events[0].subject == teacher
    assert events[0].details["event"] == "sign_in_locked"
    assert events[0].details["failures"] == 5
    assert events[0].ip_address == ATTACKER


def test_a_lockout_of_an_unknown_address_names_nobody(client: Client) -> None:
    fail(client, 5, email="nobody@num.edu.mn")
    event = AuditEvent.objects.get(action=AuditAction.SECURITY)
    assert event.subject is None and event.details["known_address"] is False


def test_choosing_a_new_password_lifts_the_lockout(client: Client, teacher: Person) -> None:
    fail(client, 5)
    reset = Client()
    link = reverse(
        "people:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(teacher.pk)), default_token_generator.make_token(teacher)],
    )
    form_page = reset.get(link, follow=True)
    done = reset.post(
        form_page.redirect_chain[-1][0], {"new_password1": "new-steppe-99-red", "new_password2": "new-steppe-99-red"}
    )
    assert done["Location"] == reverse("people:password_reset_complete")
    response = sign_in(client, "new-steppe-99-red", ip=ATTACKER)
    assert response.status_code == 302
    assert get_user(client) == teacher
    assert AuditEvent.objects.filter(details__event="sign_in_unlocked", subject=teacher).count() == 1


def test_a_successful_sign_in_clears_earlier_failures(client: Client, teacher: Person) -> None:
    fail(client, 4)
    assert sign_in(client, PASSWORD, ip=ATTACKER).status_code == 302
    client.post(reverse("people:logout"))
    assert fail(client, 4) == [200, 200, 200, 200]


@override_settings(ERDEM_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_saw_is_counted(client: Client, teacher: Person) -> None:
    """The proxy appends the address it saw; what the client put before it (forged) does not matter."""
    for n in range(5):
        sign_in(client, "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {ATTACKER}")
    assert sign_in(client, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    other = Client()
    assert sign_in(other, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=TEACHER).status_code == 302
