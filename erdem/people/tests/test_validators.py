"""Password rules and name scripts, and the Mongolian of the account pages around them."""

import re
from typing import cast

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from erdem.organisations.models import Institution
from erdem.people import validators
from erdem.people.forms import ProfileForm, RegistrationForm
from erdem.people.models import Person
from erdem.people.services import _person_link
from erdem.people.tests.factories import make_person
from erdem.people.tests.test_accounts import registration

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"\S+@\S+")


def visible_text(html: str) -> str:
    """The text of the page's <main>, as a reader sees it (tags dropped, whitespace collapsed)."""
    match = re.search(r"(?s)<main\b.*?</main>", html)
    assert match, html
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def latin_words(text: str) -> list[str]:
    """Words in Latin letters: on a Mongolian page only the language's own name and e-mail examples may be."""
    return [word for word in re.findall(r"[A-Za-z]{2,}", EMAIL.sub(" ", text)) if word != "English"]


def errors_of(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [message for message in error.value.messages]


# The validators -----------------------------------------------------------------------------------------------


def test_settings_use_our_validators() -> None:
    names = {type(validator).__module__ for validator in password_validation.get_default_password_validators()}
    assert names == {"erdem.people.validators"}


@pytest.mark.parametrize(
    ("password", "code", "mongolian"),
    [
        ("abc-12", "password_too_short", "Нууц үг хэтэрхий богино байна. Хамгийн багадаа 10 тэмдэгттэй байх ёстой."),
        ("1234567890123", "password_entirely_numeric", "Нууц үг зөвхөн цифрээс бүрдсэн байна."),
        ("password123", "password_too_common", "Энэ нууц үг хэт түгээмэл"),
        ("saraa.bold@num", "password_too_similar", "Нууц үг таны мэдээлэлтэй хэт төстэй байна (и-мэйл хаяг)."),
    ],
)
def test_password_errors_in_mongolian(password: str, code: str, mongolian: str) -> None:
    person = Person(email="saraa.bold@num.edu.mn", family_name="Болд", given_name="Сараа")
    with translation.override("mn"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, person)
    assert code in [error.code for error in caught.value.error_list]
    assert any(message.startswith(mongolian) for message in errors_of(caught)), errors_of(caught)


def test_password_similar_to_a_name_is_refused() -> None:
    person = Person(email="x@num.edu.mn", family_name="Болд", given_name="Сараа", given_name_latin="Saraantsetseg")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password("saraantsetseg1", person)
    assert errors_of(caught) == ["The password is too similar to your given name (Latin)."]


def test_password_rules_in_mongolian() -> None:
    with translation.override("mn"):
        rules = password_validation.password_validators_help_texts()
    assert rules == [
        "Нууц үг таны нэр, и-мэйл хаягтай төстэй байж болохгүй.",
        "Нууц үг хамгийн багадаа 10 тэмдэгттэй байх ёстой.",
        "Олон хүний хэрэглэдэг түгээмэл нууц үг байж болохгүй.",
        "Нууц үг зөвхөн цифрээс бүрдэж болохгүй.",
    ]


# The account pages in Mongolian --------------------------------------------------------------------------------


def assert_only_mongolian(html: str) -> str:
    text = visible_text(html)
    assert not latin_words(text), latin_words(text)
    assert "Нууц үг :" not in text and " :" not in text
    return text


def test_register_page_errors_in_mongolian(client: Client, institution: Institution) -> None:
    page = client.get(reverse("people:register")).content.decode()
    text = assert_only_mongolian(page)
    assert "Нууц үг:" in text and "Нууц үг хамгийн багадаа 10 тэмдэгттэй байх ёстой." in text
    assert "Тэнхим (заавал биш):" in text and "Мэргэжлийн салбар (заавал биш):" in text
    assert "Албан тушаал (заавал биш):" in text

    for changes in (
        {"email": "not-an-address", "password1": "123", "password2": "1234", "family_name": ""},
        {"password1": "1234567890123", "password2": "1234567890123"},
        {"password1": "password123", "password2": "password123"},
    ):
        response = client.post(
            reverse("people:register"), registration(institution, preferred_language="mn", **changes)
        )
        assert_only_mongolian(response.content.decode())
    text = visible_text(
        client.post(
            reverse("people:register"),
            registration(institution, email="bad", password1="123", password2="1234", family_name=""),
        ).content.decode()
    )
    assert "Зөв и-мэйл хаяг оруулна уу, жишээ нь: name@example.mn." in text
    assert "Хоёр нууц үг таарахгүй байна." in text
    assert "Энэ талбарыг бөглөх шаардлагатай." in text
    assert not Person.objects.exists()


def test_invitee_set_password_page_in_mongolian(client: Client) -> None:
    invitee = make_person(email_confirmed_at=None, consent_at=None, password="")
    invitee.password = make_password(None)
    invitee.save(update_fields=["password"])
    link = _person_link(invitee, "people:password_reset_confirm", default_token_generator.make_token(invitee))
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    url = form_page.redirect_chain[-1][0]
    text = assert_only_mongolian(form_page.content.decode())
    assert "Шинэ нууц үгээ дахин оруулах:" in text
    for data in (
        {"new_password1": "steppe-horse-42", "new_password2": "steppe-horse-43"},
        {"new_password1": "", "new_password2": ""},
        {"new_password1": "12345", "new_password2": "12345"},
    ):
        assert_only_mongolian(client.post(url, data).content.decode())
    text = visible_text(client.post(url, {"new_password1": "a", "new_password2": "b"}).content.decode())
    assert "Хоёр нууц үг таарахгүй байна." in text


def test_password_change_page_in_mongolian(client: Client) -> None:
    person = make_person(preferred_language="mn")
    client.force_login(person)
    assert_only_mongolian(client.get(reverse("people:password_change")).content.decode())
    response = client.post(
        reverse("people:password_change"),
        {"old_password": "wrong", "new_password1": "1234567890123", "new_password2": "1234567890124"},
    )
    text = assert_only_mongolian(response.content.decode())
    assert "Одоогийн нууц үг буруу байна." in text and "Хоёр нууц үг таарахгүй байна." in text
    response = client.post(
        reverse("people:password_change"),
        {"old_password": "correct-horse-battery", "new_password1": "1234567890123", "new_password2": "1234567890123"},
    )
    assert "Нууц үг зөвхөн цифрээс бүрдсэн байна." in assert_only_mongolian(response.content.decode())


def test_password_reset_and_login_pages_in_mongolian(client: Client) -> None:
    text = assert_only_mongolian(client.post(reverse("people:password_reset"), {"email": "bad"}).content.decode())
    assert "И-мэйл хаяг:" in text and "Имэйл" not in text
    text = assert_only_mongolian(
        client.post(reverse("people:login"), {"username": "", "password": ""}).content.decode()
    )
    assert "Нууц үг:" in text


# Names in the script their field asks for ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("family_name", "Өлзийбат", True),
        ("given_name", "Анна-Мария", True),
        ("given_name", "Д. Үүрцайх", True),
        ("family_name", "Ёндон", True),
        ("given_name", "Әсел", True),  # Kazakh names in Bayan-Ölgii
        ("family_name", "Қайратұлы", True),
        ("family_name", "Bold", False),
        ("given_name", "Сараа2", False),
        ("given_name", "Cараа", False),  # a Latin C among Cyrillic letters
        ("given_name", "--", False),
        ("family_name_latin", "O'Neil-Bat", True),
        ("given_name_latin", "Saraa", True),
        ("given_name_latin", "Сараа", False),
        ("given_name_latin", "Ölziibat", False),
        ("name_traditional", "ᠰᠠᠷᠠ", True),
        ("name_traditional", "ᠪᠣᠯᠣᠳ\u202fᠤᠨ ᠰᠠᠷᠠ", True),
        ("name_traditional", "Сараа", False),
        ("name_traditional", "Saraa", False),
    ],
)
def test_name_scripts(field: str, value: str, valid: bool) -> None:
    assert validators.name_in_script(field, value) is valid


def test_registration_refuses_names_in_the_wrong_script(en_client: Client, institution: Institution) -> None:
    response = en_client.post(
        reverse("people:register"),
        registration(institution, family_name="Bold", given_name_latin="Сараа", name_traditional="Saraa"),
    )
    page = response.content.decode()
    assert "Write the family name in Cyrillic letters." in page
    assert "Write the given name (Latin) in Latin letters A–Z, without diacritics." in page
    assert "Write the name in traditional script in the Mongolian script only." in page
    assert not Person.objects.exists()


def test_profile_refuses_names_in_the_wrong_script() -> None:
    data = {
        "family_name": "Дорж",
        "given_name": "Bold",
        "family_name_latin": "Dorj",
        "given_name_latin": "Bold",
        "preferred_language": "mn",
    }
    with translation.override("mn"):
        form = ProfileForm(data)
        assert not form.is_valid()
        assert form.errors["given_name"] == [
            "Нэрийг кирилл үсгээр бичнэ үү. Үсгээс гадна зөвхөн зай, зураас, апостроф, цэг ашиглаж болно."
        ]
    assert set(form.errors) == {"given_name"}


def test_registration_form_accepts_mongolian_letters(institution: Institution) -> None:
    data = registration(institution, family_name="Өлзий", given_name="Үүрцайх", given_name_latin="Uurtsaikh")
    form = RegistrationForm(data)
    assert form.is_valid(), form.errors
    assert cast(dict[str, object], form.cleaned_data)["family_name"] == "Өлзий"
