"""The demo's portfolio step: portfolios with entries tagged to the AI CFT and the standards, signed
endorsements, public pages, career reviews, and the demo educator's rich portfolio."""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from erdem.credentials.verification import credential_verify
from erdem.demo.services import demo_load
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.models import Person
from erdem.portfolio.demo import demo_portfolios_target
from erdem.portfolio.endorsements import entry_url
from erdem.portfolio.models import CareerReview, Endorsement, Entry, Portfolio

pytestmark = pytest.mark.django_db

SMALL = {"educators": 60, "institutions": 5}


@pytest.fixture
def loaded() -> None:
    demo_load(**SMALL)


def test_portfolios_have_tagged_entries_and_signed_endorsements(loaded):
    assert Portfolio.objects.count() >= demo_portfolios_target(SMALL["educators"])
    per_person = Counter(Entry.objects.values_list("person_id", flat=True))
    assert set(per_person) == set(Portfolio.objects.values_list("person_id", flat=True))
    assert all(1 <= count <= 6 for count in per_person.values())
    entries = Entry.objects.prefetch_related("competencies__framework", "descriptors")
    assert {entry.language for entry in entries} == {"mn", "en"}
    assert len({entry.kind for entry in entries}) >= 6
    assert len({entry.visibility for entry in entries}) == 3
    for entry in entries:
        assert entry.title and entry.body
        assert entry.competencies.all() and {c.framework.code for c in entry.competencies.all()} == {UNESCO_AI_CFT}
        assert entry.descriptors.all()
        assert entry.started_on is not None
        assert entry.ended_on is None or entry.ended_on >= entry.started_on

    # Given endorsements, by mentors and peers, are signed and verify.
    given = Endorsement.objects.filter(status=Endorsement.Status.GIVEN).select_related("entry")
    assert given.exists()
    assert set(given.values_list("relation", flat=True)) == {"mentor", "peer"}
    for endorsement in given:
        assert endorsement.entry.person_id != endorsement.endorser_id
        assert endorsement.answered_at is not None and endorsement.answered_at >= endorsement.requested_at
        document = endorsement.document
        assert document is not None
        assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
        assert document["credentialSubject"]["id"] == entry_url(endorsement.entry)
        assert credential_verify(document).verdict == "valid"
        assert credential_verify(endorsement.jwt).verdict == "valid"


def test_the_demo_educator_has_a_rich_public_portfolio(loaded, client: Client):
    educator = Person.objects.get(email="educator@demo.erdem.mn")
    portfolio = Portfolio.objects.get(person=educator)
    entries = Entry.objects.filter(person=educator)

    assert entries.count() == 6
    assert len(set(entries.values_list("kind", flat=True))) == 6
    endorsements = Counter(Endorsement.objects.filter(entry__person=educator).values_list("status", flat=True))
    assert endorsements[Endorsement.Status.GIVEN] >= 2
    assert endorsements[Endorsement.Status.REQUESTED] == 1
    assert Endorsement.objects.filter(endorser=educator, status=Endorsement.Status.REQUESTED).exists()
    assert educator.recognition_requests.count() == 3
    assert portfolio.public_token
    page = client.get(reverse("portfolio:public", args=[portfolio.public_token]))
    assert page.status_code == 200
    public = entries.filter(visibility=Entry.Visibility.PUBLIC)
    assert public.count() >= 3
    for entry in public:
        assert entry.title in page.content.decode()
    assert entries.get(visibility=Entry.Visibility.PRIVATE).title not in page.content.decode()

    # Two career reviews were recorded with the staff member's consent, by the coordinator of their institution.
    reviews = CareerReview.objects.select_related("reviewer", "person")

    assert reviews.count() == 2
    for review in reviews:
        assert review.person.portfolio.review_consent_at == review.consent_at <= review.created_at
        assert review.reviewer.role_assignments.filter(role="coordinator", institution=review.institution).exists()
    assert Portfolio.objects.exclude(review_consent_at=None).count() >= 2
