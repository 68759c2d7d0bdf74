import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse

from erdem.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_settings_name_the_friendly_csrf_failure_view() -> None:
    assert settings.CSRF_FAILURE_VIEW == "erdem.web.views.csrf_failure"


@pytest.mark.parametrize(
    ("language", "title", "home"),
    [
        ("mn", "Ийм хуудас байхгүй байна", "Нүүр хуудас руу очих"),
        ("en", "This page does not exist", "Go to the home page"),
    ],
)
def test_404_page_is_branded_and_translated(client: Client, language: str, title: str, home: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert f'lang="{language}"' in html
    assert title in html
    assert home in html
    assert 'class="brand"' in html
    assert f'href="{reverse("web:landing")}"' in html


@pytest.mark.parametrize(
    ("language", "title"),
    [("mn", "Танд энэ хуудсыг үзэх эрх байхгүй"), ("en", "You do not have access to this page")],
)
def test_403_page_is_branded_and_translated(client: Client, language: str, title: str) -> None:
    client.force_login(PersonFactory(preferred_language=language))

    response = client.get(reverse("access:list"))  # national admins only

    html = response.content.decode()
    assert response.status_code == 403
    assert f'lang="{language}"' in html
    assert title in html
    assert f'href="{reverse("web:home")}"' in html


def test_500_page_renders_without_a_request_or_a_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()

    assert "Уучлаарай, манай талд алдаа гарлаа" in html
    assert "Sorry, something went wrong on our side" in html
    assert 'lang="en"' in html
    assert f'href="{settings.STATIC_URL}erdem/site.css"' in html
    assert 'href="/"' in html
    assert 'rel="icon"' in html


def test_server_error_handler_serves_the_bilingual_page(rf) -> None:
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title", "retry"),
    [
        ("mn", "Маягтын хугацаа дууссан байна", "Буцаад дахин оролдох"),
        ("en", "The form has expired", "Go back and try again"),
    ],
)
def test_csrf_failure_explains_and_offers_to_go_back(language: str, title: str, retry: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.post(
        reverse("people:login"),
        {"username": "a@example.mn", "password": "x"},
        HTTP_REFERER=f"http://testserver{reverse('people:login')}",
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert f'lang="{language}"' in html
    assert title in html
    assert retry in html
    assert f'href="http://testserver{reverse("people:login")}"' in html
    assert f'href="{reverse("web:landing")}"' in html


def test_csrf_failure_does_not_send_people_back_to_another_site() -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("people:login"), {}, HTTP_REFERER="https://evil.example/phish")

    html = response.content.decode()
    assert response.status_code == 403
    assert "evil.example" not in html
    assert "Go back and try again" not in html
    assert "The form has expired" in html


def test_every_page_declares_the_favicon_and_favicon_ico_answers(client: Client) -> None:
    html = client.get(reverse("web:landing")).content.decode()

    assert '<link rel="icon" type="image/svg+xml" href="/static/erdem/favicon.svg">' in html
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert icon.content.startswith(b"<svg")
