"""Career reviews: a coordinator of the owner's institution reads the whole portfolio and records a review,
only while the owner consents; past reviews stay on record after the consent is withdrawn."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.portfolio.models import CareerReview, Entry, Portfolio
from erdem.portfolio.reviews import ReviewError, career_review_record, reviews_of, staff_for_review
from erdem.portfolio.tests.factories import PortfolioFactory, make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def institution():
    return InstitutionFactory()


@pytest.fixture
def coordinator(programme, institution):
    return person_with_role(Role.COORDINATOR, programme=programme, institution=institution, preferred_language="en")


@pytest.fixture
def staff(programme, institution):
    """A member of staff who consents to a review, with a private and a public entry."""
    person = person_with_role(Role.EDUCATOR, programme=programme, institution=institution)
    PortfolioFactory(person=person, review_consent_at=timezone.now())
    make_entry(person=person, title="Private reflection", body="<script>x()</script>**bold**")
    make_entry(person=person, title="Public talk", visibility=Entry.Visibility.PUBLIC)
    return person


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def record(person, reviewer, **values):
    fields = {
        "recommendation": "recommended",
        "summary": "A strong portfolio.",
        "position_sought": "Associate professor",
    }
    fields.update(values)
    return career_review_record(person=person, reviewer=reviewer, **fields)


def withdraw_consent(person):
    Portfolio.objects.filter(person=person).update(review_consent_at=None)
    person.refresh_from_db()


def test_a_review_keeps_the_consent_it_was_made_under(staff, coordinator):
    review = record(staff, coordinator)
    assert review.consent_at == staff.portfolio.review_consent_at
    assert review.institution == staff.institution and review.reviewer == coordinator
    assert reviews_of(staff) == [review]


def test_no_review_without_consent_or_with_bad_input(staff, coordinator, programme, institution):
    with pytest.raises(ReviewError, match="Write the review"):
        record(staff, coordinator, summary="  ")
    with pytest.raises(ReviewError, match="Choose a recommendation"):
        record(staff, coordinator, recommendation="maybe")
    with pytest.raises(ReviewError, match="own portfolio"):
        record(coordinator, coordinator)
    without = person_with_role(Role.EDUCATOR, programme=programme, institution=institution)
    with pytest.raises(ReviewError, match="does not allow"):
        record(without, coordinator)
    withdraw_consent(staff)
    with pytest.raises(ReviewError, match="does not allow"):
        record(staff, coordinator)
    assert not CareerReview.objects.exists()


def test_the_list_shows_consenting_staff_of_the_coordinators_institution(
    client, staff, coordinator, programme, institution, django_assert_max_num_queries
):
    person_with_role(Role.EDUCATOR, programme=programme, institution=institution)  # no consent
    elsewhere = person_with_role(Role.EDUCATOR, programme=programme)
    PortfolioFactory(person=elsewhere, review_consent_at=timezone.now())
    for _number in range(3):
        colleague = person_with_role(Role.EDUCATOR, programme=programme, institution=institution)
        PortfolioFactory(person=colleague, review_consent_at=timezone.now())
    assert list(staff_for_review(coordinator)).count(staff) == 1
    url = reverse("portfolio:reviews")
    assert client.get(url).status_code == 302
    assert client_for(staff).get(url).status_code == 403  # not a coordinator
    reader = client_for(coordinator)
    with django_assert_max_num_queries(8):
        page = reader.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert staff.full_name in text and elsewhere.full_name not in text
    assert len(re.findall('href="' + re.escape(url) + r'\d+/"', text)) == 4


def test_the_review_page(client, staff, coordinator, programme, django_assert_max_num_queries):
    url = reverse("portfolio:review", args=[staff.pk])
    assert client.get(url).status_code == 302
    # Not found rather than refused, so that the page does not tell who keeps a portfolio or consents.
    assert client_for(staff).get(url).status_code == 404  # the owner has their own pages
    other_coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(other_coordinator).post(url, {"recommendation": "recommended", "summary": "x"}).status_code == 404
    reader = client_for(coordinator)
    with django_assert_max_num_queries(20):
        page = reader.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Private reflection" in text and "Public talk" in text  # the whole portfolio
    assert "<script>x()</script>" not in text and "<strong>bold</strong>" in text
    assert "Lesson plan · only me" in text and ">lesson plan" not in text  # kinds capitalised


def test_recording_on_the_page_and_withdrawing_the_consent(staff, coordinator):
    url = reverse("portfolio:review", args=[staff.pk])
    reader = client_for(coordinator)
    empty = reader.post(url, {"recommendation": "recommended", "summary": ""})
    assert empty.status_code == 200 and "Write the review." in empty.content.decode()
    saved = reader.post(url, {"recommendation": "not_yet", "summary": "Add evidence of <b>assessment</b>."})
    assert saved.status_code == 302
    review = CareerReview.objects.get()
    assert review.recommendation == "not_yet"
    assert "Add evidence of &lt;b&gt;assessment&lt;/b&gt;." in reader.get(url).content.decode()
    withdraw_consent(staff)
    assert reader.get(url).status_code == 404
    assert reader.post(url, {"recommendation": "recommended", "summary": "Again."}).status_code == 404
    assert reviews_of(staff) == [review]  # kept for the record


def test_consent_binds_administrators_too_and_no_portfolio_is_not_found(client, staff, programme):
    administrator = person_with_role(Role.EDUCATOR, programme=programme)
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    client.force_login(administrator)
    url = reverse("portfolio:review", args=[staff.pk])
    assert client.get(url).status_code == 200  # while the owner consents
    Portfolio.objects.filter(person=staff).update(review_consent_at=None)
    assert client.get(url).status_code == 404
    assert client.post(url, {"recommendation": "recommended", "summary": "x"}).status_code == 404
    assert not CareerReview.objects.exists()
    stranger = person_with_role(Role.EDUCATOR, programme=programme)
    assert client.get(reverse("portfolio:review", args=[stranger.pk])).status_code == 404
