"""The password rules (erdem.people.validators, at least 10 characters) hold wherever a password is chosen:
registration, changing it, and choosing a new one from an e-mailed link."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.people.tests.test_accounts import registration

pytestmark = pytest.mark.django_db

TOO_SHORT = "Steppe-42"  # nine characters
TOO_SHORT_MESSAGE = "This password is too short. It must contain at least 10 characters."


def test_registration_refuses_a_short_password(en_client: Client, institution: Institution) -> None:
    response = en_client.post(
        reverse("people:register"), registration(institution, password1=TOO_SHORT, password2=TOO_SHORT)
    )
    assert response.status_code == 200
    assert TOO_SHORT_MESSAGE in response.content.decode()
    assert not Person.objects.exists()


def test_changing_the_password_refuses_a_short_one(en_client: Client) -> None:
    person = make_person(preferred_language="en")
    en_client.force_login(person)
    response = en_client.post(
        reverse("people:password_change"),
        {"old_password": "correct-horse-battery", "new_password1": TOO_SHORT, "new_password2": TOO_SHORT},
    )
    assert TOO_SHORT_MESSAGE in response.content.decode()
    person.refresh_from_db()
    assert person.check_password("correct-horse-battery")


def test_a_reset_link_refuses_a_short_password(en_client: Client) -> None:
    person = make_person(preferred_language="en")
    link = reverse(
        "people:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(person.pk)), default_token_generator.make_token(person)],
    )
    form_url = en_client.get(link, follow=True).redirect_chain[-1][0]
    response = en_client.post(form_url, {"new_password1": TOO_SHORT, "new_password2": TOO_SHORT})
    assert TOO_SHORT_MESSAGE in response.content.decode()
    person.refresh_from_db()
    assert person.check_password("correct-horse-battery")
    response = en_client.post(form_url, {"new_password1": "Steppe-42-a", "new_password2": "Steppe-42-a"})
    assert response["Location"] == reverse("people:password_reset_complete")
