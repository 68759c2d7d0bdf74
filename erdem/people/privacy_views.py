"""The privacy page (what we hold, a copy, deletion, consents) and the national admins' deletion queue."""

from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erdem.access.policy import Action, require
from erdem.core.uploads import file_response
from erdem.people import privacy, privacy_services
from erdem.people.models import DeletionRequest, Person
from erdem.people.privacy_forms import ConsentForm, DeletionRequestForm

QUEUE_PER_PAGE = 50


def _signed_in(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _privacy_context(person: Person) -> dict[str, object]:
    from erdem.portfolio.models import Portfolio

    return {
        "exports": list(privacy.data_exports_of(person)[:5]),
        "pending": privacy.deletion_request_pending(person),
        "consents": privacy.consent_history(person),
        "career_review_consent_at": Portfolio.objects.filter(person=person)
        .values_list("review_consent_at", flat=True)
        .first(),
        "export_days": settings.ERDEM_DATA_EXPORT_DAYS,
        "cooling_off_days": settings.ERDEM_DELETION_COOLING_OFF_DAYS,
        "consent_version": settings.ERDEM_CONSENT_VERSION,
    }


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    return render(request, "people/privacy/page.html", _privacy_context(_signed_in(request)))


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    try:
        export = privacy_services.data_export_request(person=_signed_in(request))
    except privacy_services.PrivacyError as error:
        messages.info(request, error.message)
        return redirect("privacy:page")
    return redirect("jobs:detail", pk=export.job_id)


@login_required
def export_download(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """The person's own copy only: anyone else, administrators included, finds nothing (404)."""
    export = privacy.data_export_downloadable(person=_signed_in(request), export_id=pk)
    if export is None:
        raise Http404
    filename = f"erdem-data-{export.created_at:%Y-%m-%d}.zip"
    response = file_response(request, export.file, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def deletion_request(request: HttpRequest) -> HttpResponse:
    person = _signed_in(request)
    pending = privacy.deletion_request_pending(person)
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            privacy_services.deletion_request_create(
                person=person, password=form.cleaned_data["password"], reason=form.cleaned_data["reason"]
            )
        except privacy_services.PrivacyError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your request is recorded. You can cancel it until the date shown."))
            return redirect("privacy:page")
    context = {
        "form": form,
        "pending": pending,
        "cooling_off_days": settings.ERDEM_DELETION_COOLING_OFF_DAYS,
        "deadline_days": settings.ERDEM_DELETION_DEADLINE_DAYS,
    }
    return render(request, "people/privacy/delete.html", context)


@login_required
@require_POST
def deletion_cancel(request: HttpRequest) -> HttpResponse:
    try:
        privacy_services.deletion_request_cancel(person=_signed_in(request))
    except privacy_services.PrivacyError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("Your deletion request is cancelled. Your account stays as it was."))
    return redirect("privacy:page")


@login_required
def consent(request: HttpRequest) -> HttpResponse:
    person = _signed_in(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy_services.consent_accept(person=person)
        messages.success(request, _("Thank you. Your consent to the current terms is recorded."))
        return redirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))
    context = {
        "form": form,
        "next": next_url,
        "outdated": privacy_services.consent_outdated(person),
        "accepted_version": person.consent_version,
        "consent_version": settings.ERDEM_CONSENT_VERSION,
        "privacy_url": reverse("privacy:page"),
    }
    return render(request, "people/privacy/consent.html", context)


@login_required
def deletion_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.PERSON_ERASE)
    page = Paginator(privacy.deletion_queue(), QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "done": privacy.deletions_done(),
        "deadline_days": settings.ERDEM_DELETION_DEADLINE_DAYS,
        "now": timezone.now(),
    }
    return render(request, "people/privacy/queue.html", context)


@login_required
@require_POST
def deletion_process(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.PERSON_ERASE)
    pending = get_object_or_404(DeletionRequest, pk=pk)
    try:
        privacy_services.deletion_request_process(deletion_request=pending, by=_signed_in(request))
    except privacy_services.PrivacyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account and its personal data are deleted."))
    return redirect("privacy:deletion_queue")
