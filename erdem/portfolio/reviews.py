"""Career reviews: with the owner's consent (Portfolio.review_consent_at), a coordinator of the owner's
institution reads the whole portfolio and records a review for promotion. A review keeps the consent it
was made under; withdrawing the consent hides the portfolio again but leaves past reviews on record."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.access.models import Role
from erdem.access.policy import grants_for
from erdem.people.models import Person
from erdem.portfolio.models import CareerReview, Portfolio

SUMMARY_MAX_LENGTH = 5000
POSITION_MAX_LENGTH = 100


class ReviewError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def career_review_record(
    *,
    person: Person,
    reviewer: Person,
    recommendation: str,
    summary: str,
    position_sought: str = "",
    at: dt.datetime | None = None,
) -> CareerReview:
    """Record a review of `person`'s portfolio; refused without the person's consent (checked under a lock,
    so a consent withdrawn at the same moment wins)."""
    if recommendation not in CareerReview.Recommendation.values:
        raise ReviewError(_("Choose a recommendation."), field="recommendation")
    summary = summary.strip()
    if not summary:
        raise ReviewError(_("Write the review."), field="summary")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ReviewError(_("Please keep it to %(limit)s characters.") % {"limit": SUMMARY_MAX_LENGTH}, field="summary")
    position_sought = position_sought.strip()
    if len(position_sought) > POSITION_MAX_LENGTH:
        raise ReviewError(
            _("Please keep it to %(limit)s characters.") % {"limit": POSITION_MAX_LENGTH}, field="position_sought"
        )
    if reviewer.pk == person.pk:
        raise ReviewError(_("You cannot review your own portfolio."))
    if person.institution_id is None:
        raise ReviewError(_("This person belongs to no institution, so no coordinator can review them."))
    with transaction.atomic():
        portfolio = Portfolio.objects.select_for_update().filter(person=person).first()
        if portfolio is None or portfolio.review_consent_at is None:
            raise ReviewError(_("This person does not allow a career review of their portfolio at the moment."))
        return CareerReview.objects.create(
            person=person,
            reviewer=reviewer,
            institution_id=person.institution_id,
            consent_at=portfolio.review_consent_at,
            recommendation=recommendation,
            position_sought=position_sought,
            summary=summary,
            created_at=at or timezone.now(),
        )


def reviews_of(person: Person) -> list[CareerReview]:
    """Every review recorded about `person`, newest first, with reviewer and institution: for the owner's
    portfolio and the reviewing coordinators. One query."""
    return list(CareerReview.objects.filter(person=person).select_related("reviewer", "institution"))


def staff_for_review(coordinator: Person) -> QuerySet[Person]:
    """The staff of the coordinator's institutions who currently consent to a review, with their number of
    entries and the date of their latest review."""
    institution_ids = grants_for(coordinator).institution_ids(Role.COORDINATOR)
    return (
        Person.objects.filter(
            institution_id__in=institution_ids,
            is_active=True,
            portfolio__review_consent_at__isnull=False,
        )
        .exclude(pk=coordinator.pk)
        .select_related("portfolio", "institution")
        .annotate(
            entries_count=Count("portfolio_entries", distinct=True),
            last_review_at=Max(
                "career_reviews__created_at", filter=Q(career_reviews__institution_id__in=institution_ids)
            ),
        )
        .order_by("family_name", "given_name", "pk")
    )
