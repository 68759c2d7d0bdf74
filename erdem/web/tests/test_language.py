from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def switch(client: Client, language: str, next_url: str = "/home/") -> Any:
    return client.post(reverse("web:language"), {"language": language, "next": next_url})


def test_switching_sets_the_cookie_and_returns_to_the_page(client: Client) -> None:
    response = switch(client, "en")

    assert response.status_code == 302
    assert response["Location"] == "/home/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax"


def test_the_next_page_is_shown_in_the_chosen_language(client: Client) -> None:
    switch(client, "en")
    assert 'lang="en"' in client.get(reverse("web:landing")).content.decode()

    switch(client, "mn")
    assert 'lang="mn"' in client.get(reverse("web:landing")).content.decode()


def test_switching_saves_the_language_of_a_signed_in_person(client: Client) -> None:
    person = cast(Person, PersonFactory(preferred_language="mn"))
    client.force_login(person)

    switch(client, "en")

    person.refresh_from_db()
    assert person.preferred_language == "en"
    assert 'lang="en"' in client.get(reverse("web:home")).content.decode()


def test_an_unknown_language_is_refused_with_a_clear_message(client: Client) -> None:
    person = cast(Person, PersonFactory(preferred_language="mn"))
    client.force_login(person)

    response = switch(client, "fr")

    assert response.status_code == 400
    assert "fr" in response.content.decode()
    assert "(mn)" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    person.refresh_from_db()
    assert person.preferred_language == "mn"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/steal", "//evil.example/steal", "http://evil.example", "javascript:alert(1)"]
)
def test_an_off_site_next_is_refused(client: Client, next_url: str) -> None:
    response = switch(client, "en", next_url)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_next_with_a_query_string_is_kept(client: Client) -> None:
    response = switch(client, "en", "/home/?tab=2")

    assert response["Location"] == "/home/?tab=2"


def test_switching_needs_a_post(client: Client) -> None:
    assert client.get(reverse("web:language"), {"language": "en"}).status_code == 405
