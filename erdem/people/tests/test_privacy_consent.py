"""Consent history, the question of a newer version of the terms at sign-in, and the privacy page."""

import pytest
from django.urls import reverse

from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import ConsentKind, ConsentRecord
from erdem.people.privacy_services import consent_outdated
from erdem.people.services import person_register
from erdem.people.tests.factories import make_person
from erdem.portfolio.services import portfolio_review_consent_set

pytestmark = pytest.mark.django_db


def test_registering_records_the_consent_with_its_version(settings):
    person = person_register(
        email="new@example.mn",
        password="a-long-enough-password",
        family_name="Бат",
        given_name="Сувд",
        institution=InstitutionFactory(),
        consent=True,
    )
    record = ConsentRecord.objects.get(person=person)
    assert (record.kind, record.version, record.withdrawn_at) == (
        ConsentKind.TERMS,
        settings.ERDEM_CONSENT_VERSION,
        None,
    )


def test_a_newer_version_is_asked_for_before_anything_else(client, settings, django_assert_num_queries):
    person = make_person(preferred_language="en", consent_version="2026-01")
    settings.ERDEM_CONSENT_VERSION = "2027-01"
    with django_assert_num_queries(0):
        assert consent_outdated(person)
    client.force_login(person)

    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('privacy:consent')}?next=%2Fhome%2F"
    # The privacy page stays open: one may download one's data or ask for deletion instead.
    assert client.get(reverse("privacy:page")).status_code == 200

    page = client.get(response["Location"])
    assert "The terms have changed since you accepted version 2026-01" in page.content.decode()
    refused = client.post(reverse("privacy:consent"), {"next": "/home/"})
    assert refused.status_code == 200
    accepted = client.post(reverse("privacy:consent"), {"accept": "on", "next": "/home/"})
    assert accepted["Location"] == "/home/"
    person.refresh_from_db()
    assert person.consent_version == "2027-01"
    assert ConsentRecord.objects.filter(person=person, version="2027-01").exists()
    assert client.get(reverse("web:home")).status_code == 200


def test_an_outside_next_address_is_ignored(client, settings):
    person = make_person(consent_version="2026-01")
    settings.ERDEM_CONSENT_VERSION = "2027-01"
    client.force_login(person)
    response = client.post(reverse("privacy:consent"), {"accept": "on", "next": "https://elsewhere.example/"})
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_a_person_without_consent_on_record_is_not_stopped(client, settings):
    client.force_login(make_person(consent_version="", consent_at=None))
    assert client.get(reverse("web:home")).status_code == 200


def test_the_career_review_consent_has_a_history_shown_on_the_privacy_page(client):
    person = make_person(preferred_language="en")
    portfolio_review_consent_set(person=person, consent=True)
    portfolio_review_consent_set(person=person, consent=False)
    portfolio_review_consent_set(person=person, consent=True)
    records = ConsentRecord.objects.filter(person=person, kind=ConsentKind.CAREER_REVIEW).order_by("pk")
    assert [record.withdrawn_at is None for record in records] == [False, True]

    client.force_login(person)
    page = client.get(reverse("privacy:page")).content.decode()
    assert "Career review of the portfolio" in page
    assert "you allow your institution" in page
    assert reverse("privacy:export") in page and reverse("privacy:delete") in page
    assert reverse("privacy:page") in client.get(reverse("people:profile")).content.decode()
