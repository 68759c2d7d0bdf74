"""Two-factor sign-in: required of those who can issue and revoke credentials (national admins, staff),
optional for everyone else; set up with an app and backup codes, asked after the password, throttled,
removable with a current code, and in the audit log."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.audit.models import AuditAction, AuditEvent
from erdem.people.models import Person
from erdem.people.tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on")]

PASSWORD = "correct-horse-battery"
HOME = reverse("web:home")
VERIFY = reverse("people:two_factor_verify")
ENROL = reverse("people:two_factor_enrol")


@pytest.fixture
def two_factor_on() -> object:
    with override_settings(ERDEM_REQUIRE_TWO_FACTOR=True):
        yield


@pytest.fixture
def admin() -> Person:
    return person_with_role(Role.NATIONAL_ADMIN, email="admin@centre.mn", preferred_language="en")


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an app shows for `device`, now or a step ahead (a code already used is refused)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client: Client, email: str, *, next_url: str = "") -> None:
    data = {"username": email, "password": PASSWORD, **({"next": next_url} if next_url else {})}
    response = client.post(reverse("people:login"), data)
    assert response.status_code == 302, response.content.decode()


def enrol(client: Client, person: Person) -> list[str]:
    """Set up an app through the pages; the backup codes shown."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    response = client.post(ENROL, {"code": code_of(device), "next": HOME})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())


def test_a_national_admin_is_sent_to_set_up_an_app_then_gets_in(client: Client, admin: Person) -> None:
    sign_in(client, admin.email, next_url="/insights/")
    assert get_user(client).is_authenticated
    response = client.get("/insights/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Finsights%2F"
    response = client.get(response["Location"])
    assert response["Location"] == f"{ENROL}?next=%2Finsights%2F"

    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert '<svg viewBox="0 0' in page and 'class="two-factor-qr"' in page
    key_match = re.search(r'<code class="two-factor-key">([A-Z2-7 ]+)</code>', page)
    assert key_match
    key = "".join(key_match.group(1).split())
    assert len(key) == 32  # 20 random bytes in base32
    assert "issue and revoke credentials" in page

    response = client.post(ENROL, {"code": "000000" if code_of(device) != "000000" else "111111", "next": "/insights/"})
    assert "This code is wrong or has expired." in response.content.decode()
    assert client.get(HOME).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)  # the wait has passed
    device.save()

    response = client.post(ENROL, {"code": code_of(device), "next": "/insights/"})
    assert response["Location"] == reverse("people:two_factor_backup_codes") + "?next=%2Finsights%2F"
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=admin).count()
    assert 'href="/insights/"' in codes_page
    # Shown once only.
    assert client.get(reverse("people:two_factor_backup_codes"))["Location"] == reverse("people:profile")

    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action=AuditAction.SECURITY, details__event="two_factor_added")
    assert event.actor == admin and event.subject == admin


def test_with_an_app_the_admin_is_asked_for_a_code_at_every_sign_in(admin: Person) -> None:
    first = Client()
    sign_in(first, admin.email)
    enrol(first, admin)
    device = TOTPDevice.objects.get(user=admin, confirmed=True)

    second = Client()
    sign_in(second, admin.email)
    assert second.get(HOME)["Location"] == f"{VERIFY}?next=%2Fhome%2F"
    # It cannot set up another app to get round the code.
    assert second.get(ENROL)["Location"].startswith(VERIFY)
    page = second.get(VERIFY).content.decode()
    assert 'autocomplete="one-time-code"' in page

    response = second.post(VERIFY, {"code": "12345x", "next": HOME})
    assert "This code is wrong or has expired." in response.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)  # the wait has passed
    device.save()
    response = second.post(VERIFY, {"code": code_of(device, steps_ahead=1), "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert second.get(HOME).status_code == 200


def test_a_wrong_code_makes_the_next_one_wait(client: Client, admin: Person) -> None:
    sign_in(client, admin.email)
    enrol(client, admin)
    other = Client()
    sign_in(other, admin.email)
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    wrong = "000000" if code_of(device, steps_ahead=1) != "000000" else "111111"
    other.post(VERIFY, {"code": wrong})
    device.refresh_from_db()
    device.throttling_failure_count = 9  # the wait is now 256 seconds
    device.save()
    response = other.post(VERIFY, {"code": code_of(device, steps_ahead=1)})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert other.get(HOME).status_code == 302


def test_every_fifth_wrong_code_in_a_row_is_in_the_audit_log(client: Client, admin: Person) -> None:
    sign_in(client, admin.email)
    enrol(client, admin)
    other = Client()
    sign_in(other, admin.email)
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    wrong = "000000" if code_of(device, steps_ahead=1) != "000000" else "111111"
    for _ in range(5):
        device.refresh_from_db()
        device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
        device.save()
        other.post(VERIFY, {"code": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 5
    event = AuditEvent.objects.get(details__event="two_factor_throttled")
    assert event.subject == admin and event.details["failures"] == 5


def test_a_backup_code_works_once(admin: Person) -> None:
    first = Client()
    sign_in(first, admin.email)
    codes = enrol(first, admin)
    assert len(codes) == 10

    second = Client()
    sign_in(second, admin.email)
    assert second.post(VERIFY, {"code": codes[0].upper(), "next": HOME})["Location"] == HOME
    assert second.get(HOME).status_code == 200
    assert StaticToken.objects.filter(device__user=admin).count() == 9

    third = Client()
    third.cookies["erdem_language"] = "en"
    sign_in(third, admin.email)
    response = third.post(VERIFY, {"code": codes[0], "next": HOME})
    assert response.status_code == 200
    assert "This code is wrong or has expired." in response.content.decode()
    assert third.get(HOME).status_code == 302


def test_people_without_a_credential_role_are_not_asked(client: Client) -> None:
    educator = person_with_role(Role.EDUCATOR, email="teacher@num.edu.mn")
    sign_in(client, educator.email)
    assert client.get(HOME).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_staff_are_asked_too(client: Client) -> None:
    staff = make_person(email="staff@centre.mn", is_staff=True)
    sign_in(client, staff.email)
    assert client.get(HOME)["Location"].startswith(VERIFY)


@override_settings(ERDEM_REQUIRE_TWO_FACTOR=False)
def test_the_requirement_can_be_turned_off(client: Client, admin: Person) -> None:
    sign_in(client, admin.email)
    assert client.get(HOME).status_code == 200


def test_an_educator_may_turn_it_on_and_is_then_asked(admin: Person) -> None:
    educator = person_with_role(Role.EDUCATOR, email="teacher@num.edu.mn", preferred_language="en")
    first = Client()
    sign_in(first, educator.email)
    profile = first.get(reverse("people:profile")).content.decode()
    assert "Turn two-factor sign-in on" in profile and ENROL in profile
    codes = enrol(first, educator)
    assert len(codes) == 10
    assert "Turn two-factor sign-in off" in first.get(reverse("people:profile")).content.decode()

    second = Client()
    sign_in(second, educator.email)
    assert second.get(HOME)["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=educator)
    second.post(VERIFY, {"code": code_of(device, steps_ahead=1)})
    assert second.get(HOME).status_code == 200


def test_removing_the_app_needs_a_current_code(client: Client) -> None:
    educator = person_with_role(Role.EDUCATOR, email="teacher@num.edu.mn", preferred_language="en")
    sign_in(client, educator.email)
    enrol(client, educator)
    device = TOTPDevice.objects.get(user=educator)
    remove = reverse("people:two_factor_remove")
    response = client.post(remove, {"code": "abc"})
    assert "This code is wrong or has expired." in response.content.decode()
    assert TOTPDevice.objects.filter(user=educator).exists()
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
    device.save()
    # "abc" went to the backup codes; the app's own throttle is untouched.
    response = client.post(remove, {"code": code_of(device, steps_ahead=1)})
    assert response["Location"] == reverse("people:profile")
    assert not TOTPDevice.objects.filter(user=educator).exists()
    assert not StaticDevice.objects.filter(user=educator).exists()
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(details__event="two_factor_removed", subject=educator).count() == 1

    again = Client()
    sign_in(again, educator.email)
    assert again.get(HOME).status_code == 200


def test_an_admin_who_removes_the_app_must_set_up_another(client: Client, admin: Person) -> None:
    sign_in(client, admin.email)
    enrol(client, admin)
    device = TOTPDevice.objects.get(user=admin)
    client.post(reverse("people:two_factor_remove"), {"code": code_of(device, steps_ahead=1)})
    response = client.get(HOME)
    assert response["Location"].startswith(VERIFY)
    assert client.get(response["Location"])["Location"].startswith(ENROL)


def test_pages_open_before_the_code(client: Client, admin: Person) -> None:
    sign_in(client, admin.email)
    assert client.post(reverse("web:language"), {"language": "mn", "next": "/"}).status_code == 302
    assert client.get(ENROL).status_code == 200
    assert client.post(reverse("people:logout")).status_code == 302
    assert not get_user(client).is_authenticated


def test_the_api_refuses_a_session_that_owes_a_code(client: Client, admin: Person) -> None:
    admin.preferred_language = "en"
    admin.save(update_fields=["preferred_language"])
    sign_in(client, admin.email)
    response = client.get("/api/v1/programmes/")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Enter your two-factor sign-in code on the website first")
    # The token pages are web pages: they send the person to the code page.
    assert client.get(reverse("api:tokens"))["Location"].startswith(VERIFY)


def test_the_django_admin_signs_in_through_erdem_and_asks_for_the_code(client: Client) -> None:
    superuser = make_person(email="root@centre.mn", is_staff=True, is_superuser=True)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response["Location"] == f"{reverse('people:login')}?next=%2Fadmin%2F"
    sign_in(client, superuser.email, next_url="/admin/")
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    enrol(client, superuser)
    assert client.get("/admin/").status_code == 200


def test_the_admin_refuses_a_signed_in_person_without_staff_status(client: Client) -> None:
    educator = person_with_role(Role.EDUCATOR, email="teacher@num.edu.mn")
    sign_in(client, educator.email)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_codes_are_throttled_by_django_otp() -> None:
    from django.conf import settings

    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0 and settings.OTP_STATIC_THROTTLE_FACTOR > 0


def test_the_code_comes_before_accepting_newer_terms(client: Client) -> None:
    admin = person_with_role(Role.NATIONAL_ADMIN, email="admin@centre.mn", consent_version="2000-01")
    sign_in(client, admin.email)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)
    enrol(client, admin)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("privacy:consent"))
    assert response.status_code == 200


def test_each_session_sets_up_its_own_secret(admin: Person) -> None:
    """Someone signed in elsewhere with the password cannot copy the secret the owner is about to scan."""
    owner, intruder = Client(), Client()
    sign_in(owner, admin.email)
    sign_in(intruder, admin.email)
    owner_page = owner.get(ENROL).content.decode()
    intruder_page = intruder.get(ENROL).content.decode()
    keys = [
        re.search(r'<code class="two-factor-key">([A-Z2-7 ]+)</code>', page) for page in (owner_page, intruder_page)
    ]
    assert keys[0] and keys[1] and keys[0].group(1) != keys[1].group(1)
    again = re.search(r'<code class="two-factor-key">([A-Z2-7 ]+)</code>', owner.get(ENROL).content.decode())
    assert again and again.group(1) == keys[0].group(1)  # the same secret again for the same session
    owner_device, intruder_device = TOTPDevice.objects.filter(user=admin, confirmed=False).order_by("pk")
    assert owner.post(ENROL, {"code": code_of(owner_device), "next": HOME}).status_code == 302
    # The intruder's unconfirmed secret is gone, and so is their sign-in.
    assert list(TOTPDevice.objects.filter(user=admin)) == [owner_device]
    assert not get_user(intruder).is_authenticated
    assert get_user(owner).is_authenticated
    sign_in(intruder, admin.email)
    response = intruder.post(VERIFY, {"code": code_of(intruder_device), "next": HOME})
    assert response.status_code == 200 and "This code is wrong or has expired." in response.content.decode()
    assert intruder.get(HOME).status_code == 302
