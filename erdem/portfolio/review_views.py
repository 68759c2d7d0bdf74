"""Career review pages: a coordinator's list of the staff who consent to a review, and the review page (the
whole portfolio read-only, the reviews recorded so far at the coordinator's institution, the form to record
one). Action.PORTFOLIO_REVIEW decides: a coordinator of the owner's institution while the owner consents."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from erdem.access.models import Role
from erdem.access.policy import Action, can, grants_for
from erdem.catalog.rendering import markdown_render
from erdem.people.models import Person
from erdem.portfolio.endorsement_forms import CareerReviewForm
from erdem.portfolio.models import Endorsement, Entry
from erdem.portfolio.reviews import ReviewError, career_review_record, reviews_of, staff_for_review
from erdem.portfolio.selectors import ai_cft_grid, person_credentials


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


@login_required
@require_safe
def reviews(request: HttpRequest) -> HttpResponse:
    """The staff of the coordinator's institutions who allow a career review."""
    person = _person(request)
    if not grants_for(person).institution_ids(Role.COORDINATOR):
        raise PermissionDenied
    return render(request, "portfolio/review_list.html", {"staff": list(staff_for_review(person))})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    owner = get_object_or_404(Person.objects.select_related("institution", "portfolio"), pk=pk, is_active=True)
    portfolio = getattr(owner, "portfolio", None)
    # One answer for "no portfolio", "no consent" (which binds administrators too) and "not yours to
    # review", so that the page does not tell who keeps a portfolio or who consents.
    if portfolio is None or portfolio.review_consent_at is None or not can(person, Action.PORTFOLIO_REVIEW, owner):
        raise Http404
    form = CareerReviewForm()
    if request.method == "POST":
        form = CareerReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                career_review_record(
                    person=owner,
                    reviewer=person,
                    recommendation=data["recommendation"],
                    summary=data["summary"],
                    position_sought=data["position_sought"],
                )
            except ReviewError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect("portfolio:review", pk=owner.pk)
    entries = list(Entry.objects.filter(person=owner).prefetch_related("competencies", "endorsements__endorser"))
    for entry in entries:
        entry.body_html = markdown_render(entry.body)  # type: ignore[attr-defined]
        entry.given = [  # type: ignore[attr-defined]
            item for item in entry.endorsements.all() if item.status == Endorsement.Status.GIVEN
        ]
    credentials = person_credentials(owner)
    institution_ids = grants_for(person).institution_ids(Role.COORDINATOR)
    past = [item for item in reviews_of(owner) if person.is_superuser or item.institution_id in institution_ids]
    context = {
        "owner": owner,
        "portfolio": portfolio,
        "entries": entries,
        "credentials": credentials,
        "grid": ai_cft_grid(person=owner, entries=entries, credentials=credentials),
        "past": past,
        "form": form,
    }
    return render(request, "portfolio/review_detail.html", context)
