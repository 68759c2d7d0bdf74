import re
from typing import cast

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from erdem.access.models import Role, RoleAssignment
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.people.services import email_confirmation_token
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

PASSWORD = "steppe-horse-42-blue"


def registration(chosen: Institution, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "email": "Saraa.Bold@NUM.edu.mn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "family_name": "Болд",
        "given_name": "Сараа",
        "family_name_latin": "Bold",
        "given_name_latin": "Saraa",
        "name_traditional": "ᠰᠠᠷᠠ",
        "institution": chosen.pk,
        "department": "Математик",
        "discipline": "education",
        "academic_position": "senior_teacher",
        "gender": "",
        "preferred_language": "en",
        "low_bandwidth": "on",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def link_in(body: str) -> str:
    match = re.search(r"http://\S+", body)
    assert match, body
    return match.group(0).removeprefix(settings.SITE_URL)


def test_registration_page_lists_active_institutions_sorted(en_client: Client, institution: Institution) -> None:
    Institution.objects.create(
        code="closed",
        name_mn="Хаагдсан",
        name_en="A closed college",
        short_name_mn="Х",
        short_name_en="C",
        kind="college",
        ownership="private",
        region=institution.region,
        is_active=False,
    )
    Institution.objects.create(
        code="arts",
        name_mn="Урлагийн их сургууль",
        name_en="Arts University",
        short_name_mn="У",
        short_name_en="AU",
        kind="university",
        ownership="state",
        region=institution.region,
    )
    page = en_client.get(reverse("people:register")).content.decode()
    assert "A closed college" not in page
    assert page.index("Arts University") < page.index("National University of Mongolia")
    assert settings.ERDEM_CONSENT_VERSION in page


def test_register_confirm_and_log_in(
    en_client: Client, institution: Institution, django_capture_on_commit_callbacks
) -> None:
    older = cast(Programme, ProgrammeFactory(starts_on="2023-09-01"))
    programme = cast(Programme, ProgrammeFactory(starts_on="2025-09-01"))
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(reverse("people:register"), registration(institution))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:register_done")

    person = Person.objects.get()
    assert person.email == "saraa.bold@num.edu.mn"
    assert person.email_confirmed_at is None
    assert person.consent_version == settings.ERDEM_CONSENT_VERSION and person.consent_at is not None
    assert person.low_bandwidth and person.name_traditional == "ᠰᠠᠷᠠ"
    assert list(RoleAssignment.objects.values_list("person", "role", "programme")) == [
        (person.pk, Role.EDUCATOR, programme.pk)
    ]
    assert older.pk != programme.pk

    assert len(mail.outbox) == 1
    message = cast(EmailMultiAlternatives, mail.outbox[0])
    assert message.to == ["saraa.bold@num.edu.mn"]
    assert message.subject == "Confirm your e-mail address for erdem"
    assert message.alternatives[0][1] == "text/html"

    refused = en_client.post(reverse("people:login"), {"username": "saraa.bold@num.edu.mn", "password": PASSWORD})
    assert refused.status_code == 200
    assert "You have not confirmed your e-mail address yet." in refused.content.decode()
    assert reverse("people:resend_confirmation") in refused.content.decode()
    assert not get_user(en_client).is_authenticated

    confirmed = en_client.get(link_in(message.body))
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("people:login")
    person.refresh_from_db()
    assert person.email_confirmed_at is not None

    logged_in = en_client.post(reverse("people:login"), {"username": "Saraa.Bold@num.edu.mn", "password": PASSWORD})
    assert logged_in.status_code == 302
    assert get_user(en_client).pk == person.pk


def test_confirmation_email_is_in_the_persons_language(
    en_client: Client, institution: Institution, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:register"), registration(institution, preferred_language="mn"))
    assert mail.outbox[0].subject == "Эрдэм систем дэх и-мэйл хаягаа баталгаажуулна уу"


def test_registration_without_programme_gives_no_role(
    en_client: Client, institution: Institution, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:register"), registration(institution))
    assert Person.objects.count() == 1
    assert not RoleAssignment.objects.exists()


def test_taken_email_answers_as_a_new_registration_and_tells_the_holder(
    en_client: Client, institution: Institution, django_capture_on_commit_callbacks
) -> None:
    holder = make_person(email="saraa.bold@num.edu.mn", preferred_language="en", given_name="Saraa")
    before = Person.objects.values().get(pk=holder.pk)
    with django_capture_on_commit_callbacks(execute=True):
        taken = en_client.post(reverse("people:register"), registration(institution))
    assert taken.status_code == 302 and taken["Location"] == reverse("people:register_done")
    assert Person.objects.count() == 1 and not RoleAssignment.objects.exists()
    assert Person.objects.values().get(pk=holder.pk) == before
    done = en_client.get(reverse("people:register_done")).content.decode()
    assert "saraa.bold@num.edu.mn" in done

    (message,) = mail.outbox
    assert message.to == ["saraa.bold@num.edu.mn"]
    assert message.subject == "Someone tried to register with your e-mail address on erdem"
    assert "Hello Saraa," in message.body and "nothing was created or changed" in message.body
    assert f"{settings.SITE_URL}{reverse('people:login')}" in message.body
    assert f"{settings.SITE_URL}{reverse('people:password_reset')}" in message.body
    html = cast(EmailMultiAlternatives, message).alternatives[0][0]
    assert f'href="{settings.SITE_URL}{reverse("people:password_reset")}"' in str(html)


def test_taken_and_new_email_get_the_same_answer(en_client: Client, institution: Institution) -> None:
    make_person(email="taken@num.edu.mn")
    taken = en_client.post(reverse("people:register"), registration(institution, email="Taken@num.edu.mn"))
    fresh = en_client.post(reverse("people:register"), registration(institution, email="fresh@num.edu.mn"))
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert en_client.session["registered_email"] == "fresh@num.edu.mn"


def test_taken_email_with_other_errors_shows_only_those(en_client: Client, institution: Institution) -> None:
    make_person(email="saraa.bold@num.edu.mn")
    response = en_client.post(reverse("people:register"), registration(institution, password2="something-else-7"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"password2"}
    assert not mail.outbox


def test_an_address_too_long_to_store_is_refused_next_to_its_field(en_client: Client, institution: Institution) -> None:
    email = f"saraa.bold@{'a' * 60}.{'b' * 60}.{'c' * 60}.{'d' * 60}.mn"
    assert len(email) > 254
    response = en_client.post(reverse("people:register"), registration(institution, email=email))
    assert response.status_code == 200 and set(response.context["form"].errors) == {"email"}
    assert not Person.objects.exists()


def test_already_registered_email_is_in_the_holders_language(
    en_client: Client, institution: Institution, django_capture_on_commit_callbacks
) -> None:
    make_person(email="saraa.bold@num.edu.mn", preferred_language="mn", given_name="Сараа")
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("people:register"), registration(institution))
    assert mail.outbox[0].body.startswith("Сайн байна уу, Сараа,")


def test_registration_without_consent_writes_nothing(
    en_client: Client, institution: Institution, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(reverse("people:register"), registration(institution, consent=None))
    assert response.status_code == 200
    assert "You need to agree to the terms to register." in response.content.decode()
    assert not Person.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password2": "something-else-99"}, "The two passwords differ."),
        ({"password1": "12345", "password2": "12345"}, "This password is too short."),
        ({"family_name": ""}, "This field is required."),
        ({"institution": ""}, "This field is required."),
    ],
)
def test_registration_form_errors(
    en_client: Client, institution: Institution, changes: dict[str, object], message: str
) -> None:
    response = en_client.post(reverse("people:register"), registration(institution, **changes))
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert not Person.objects.exists()


def test_confirmation_link_expired_or_wrong(en_client: Client) -> None:
    person = make_person(email_confirmed_at=None)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    response = en_client.get(reverse("people:confirm_email", args=[uid, "bad-token"]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    response = en_client.get(reverse("people:confirm_email", args=["nonsense", "bad-token"]))
    assert response.status_code == 400
    token = email_confirmation_token.make_token(person)
    assert en_client.get(reverse("people:confirm_email", args=[uid, token])).status_code == 302
    person.refresh_from_db()
    assert person.email_confirmed_at is not None


def test_resend_confirmation(en_client: Client, django_capture_on_commit_callbacks) -> None:
    person = make_person(email="late@x.mn", email_confirmed_at=None, preferred_language="en")
    make_person(email="done@x.mn")
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("LATE@x.mn", "done@x.mn", "nobody@x.mn"):
            response = en_client.post(reverse("people:resend_confirmation"), {"email": email})
            assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[person.email]]
    followed = en_client.get(reverse("people:login"))
    assert "we have sent it a new link" in followed.content.decode()


def test_wrong_password_is_refused(en_client: Client) -> None:
    make_person(email="a@x.mn")
    response = en_client.post(reverse("people:login"), {"username": "a@x.mn", "password": "wrong"})
    assert "The e-mail address or the password is wrong." in response.content.decode()


def test_logout_is_post_only(en_client: Client) -> None:
    person = make_person()
    en_client.force_login(person)
    assert en_client.get(reverse("people:logout")).status_code == 405
    assert en_client.post(reverse("people:logout")).status_code == 302
    assert not get_user(en_client).is_authenticated


def test_password_reset_in_the_persons_language(en_client: Client) -> None:
    person = make_person(email="a@x.mn", preferred_language="mn")
    response = en_client.post(reverse("people:password_reset"), {"email": "A@x.mn"})
    assert response["Location"] == reverse("people:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Эрдэм системд шинэ нууц үг сонгох"
    link = link_in(mail.outbox[0].body.replace("http://testserver", settings.SITE_URL))
    form_page = en_client.get(link, follow=True)
    assert "new_password1" in form_page.content.decode()
    done = en_client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "new-steppe-99-red", "new_password2": "new-steppe-99-red"}
    )
    assert done["Location"] == reverse("people:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password("new-steppe-99-red")


def test_password_reset_unknown_address_sends_nothing(en_client: Client) -> None:
    response = en_client.post(reverse("people:password_reset"), {"email": "nobody@x.mn"})
    assert response.status_code == 302
    assert not mail.outbox


def test_password_change(en_client: Client) -> None:
    person = make_person()
    en_client.force_login(person)
    response = en_client.post(
        reverse("people:password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "new-steppe-99-red",
            "new_password2": "new-steppe-99-red",
        },
    )
    assert response["Location"] == reverse("people:password_change_done")
    person.refresh_from_db()
    assert person.check_password("new-steppe-99-red")


def test_profile_requires_login(client: Client) -> None:
    response = client.get(reverse("people:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


def test_profile_shows_roles_and_saves_changes(en_client: Client, programme: Programme) -> None:
    person = make_person(preferred_language="en", department="Old")
    RoleAssignment.objects.create(person=person, role=Role.MENTOR, programme=programme)
    en_client.force_login(person)
    page = en_client.get(reverse("people:profile")).content.decode()
    assert f"mentor in {programme.name_en}" in page

    response = en_client.post(
        reverse("people:profile"),
        {
            "family_name": "Дорж",
            "given_name": "Болд",
            "family_name_latin": "Dorj",
            "given_name_latin": "Bold",
            "department": "Физик",
            "discipline": "natural_sciences",
            "academic_position": "professor",
            "gender": "male",
            "preferred_language": "mn",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "mn"
    person.refresh_from_db()
    assert (person.family_name, person.department, person.academic_position) == ("Дорж", "Физик", "professor")
    assert person.preferred_language == "mn" and person.low_bandwidth is False

    # The very next page speaks Mongolian, whatever the browser asked for.
    after = en_client.get(reverse("people:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert after["Content-Language"] == "mn"
    assert "Таны профайл" in after.content.decode()


def test_profile_errors_keep_the_saved_values(en_client: Client) -> None:
    person = make_person(preferred_language="en")
    en_client.force_login(person)
    response = en_client.post(reverse("people:profile"), {"family_name": "", "preferred_language": "en"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.family_name == "Батболд"


@pytest.mark.parametrize(
    ("language", "heading", "unconfirmed"),
    [
        ("en", "Please correct the errors below.", "You have not confirmed your e-mail address yet."),
        ("mn", "Доорх алдааг засна уу.", "Та и-мэйл хаягаа хараахан баталгаажуулаагүй байна."),
    ],
)
def test_unconfirmed_login_has_nothing_to_correct(
    client: Client, language: str, heading: str, unconfirmed: str
) -> None:
    """A refusal about the form as a whole is not a list of fields to correct."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    make_person(email="late@x.mn", email_confirmed_at=None)
    page = client.post(
        reverse("people:login"), {"username": "late@x.mn", "password": "correct-horse-battery"}
    ).content.decode()
    assert unconfirmed in page
    assert heading not in page

    page = client.post(reverse("people:login"), {"username": "", "password": ""}).content.decode()
    assert heading in page


@pytest.mark.parametrize(
    ("language", "low_bandwidth", "consent", "email"),
    [
        (
            "en",
            "I have a slow or expensive connection",
            "I agree to the processing of my personal data as described above.",
            "E-mail address:",
        ),
        (
            "mn",
            "Миний интернэт удаан эсвэл үнэтэй",
            "Дээр дурдсаны дагуу миний хувийн мэдээллийг боловсруулахыг зөвшөөрч байна.",
            "И-мэйл хаяг:",
        ),
    ],
)
def test_checkbox_labels_have_no_colon(
    client: Client, language: str, low_bandwidth: str, consent: str, email: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("people:register")).content.decode()
    assert f'<label for="id_low_bandwidth">{low_bandwidth}</label>' in page
    assert f'<label for="id_consent">{consent}</label>' in page
    assert f"{low_bandwidth}:" not in page and f"{consent}:" not in page
    # Other fields keep their label suffix.
    assert f'<label for="id_email">{email}</label>' in page
