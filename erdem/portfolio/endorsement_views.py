"""Endorsement pages: asking for an endorsement of an entry, the endorser's inbox, answering (endorse with a
comment, decline) or withdrawing, the signed EndorsementCredential, and the person's signed CLR.

Thin: writes in endorsements.py, the record in clr.py, decisions in erdem.access.policy. An endorsement's
page exists only for its endorser and the entry's author (404 for anyone else); answering is the asked
endorser's (Action.ENDORSEMENT_ANSWER, 403 otherwise).
"""

import json
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from erdem.access.policy import Action, can, require
from erdem.catalog.rendering import markdown_render
from erdem.core.uploads import content_disposition
from erdem.people.models import Person
from erdem.portfolio.clr import ClrError, clr_secured
from erdem.portfolio.endorsement_forms import EndorsementAnswerForm, EndorsementRequestForm
from erdem.portfolio.endorsements import (
    EndorsementError,
    endorsement_decline,
    endorsement_give,
    endorsement_withdraw,
    mentor_suggested,
)
from erdem.portfolio.endorsements import (
    endorsement_request as endorsement_request_service,
)
from erdem.portfolio.models import Endorsement, Entry
from erdem.portfolio.selectors import entry_for_page


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _add_error(form: Any, error: EndorsementError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _signed_download(body: dict[str, Any] | str, *, name: str) -> HttpResponse:
    if isinstance(body, str):
        response = HttpResponse(body, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{name}.jwt", inline=False)
    else:
        text = json.dumps(body, ensure_ascii=False, indent=2)
        response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{name}.json", inline=False)
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def endorsement_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The entry's author asks a mentor or a peer (their current mentor suggested first)."""
    person = _person(request)
    entry = entry_for_page(public_id)
    if entry is None or entry.person_id != person.pk:
        raise Http404
    mentor = mentor_suggested(owner=person)
    if request.method == "POST":
        form = EndorsementRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                endorsement = endorsement_request_service(
                    entry=entry,
                    owner=person,
                    endorser_email=data["email"],
                    relation=data["relation"],
                    note=data["note"],
                )
            except EndorsementError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s is asked to endorse your entry and has been sent an e-mail.")
                    % {"person": endorsement.endorser.full_name},
                )
                return redirect("portfolio:endorsement_request", public_id=entry.public_id)
    else:
        initial = {"email": mentor.email, "relation": Endorsement.Relation.MENTOR} if mentor is not None else None
        form = EndorsementRequestForm(initial=initial)
    asked = list(entry.endorsements.select_related("endorser__institution").order_by("-requested_at", "-id"))
    context = {"entry": entry, "form": form, "mentor": mentor, "asked": asked}
    return render(request, "portfolio/endorse_request.html", context)


@login_required
@require_safe
def endorsements(request: HttpRequest) -> HttpResponse:
    """The endorser's inbox (asked of me, answered) and the requests the person sent."""
    person = _person(request)
    received = list(
        Endorsement.objects.filter(endorser=person)
        .exclude(status=Endorsement.Status.WITHDRAWN, answered_at__isnull=True)
        .select_related("entry__person__institution")
    )
    sent = list(Endorsement.objects.filter(entry__person=person).select_related("entry", "endorser__institution"))
    context = {
        "waiting": [item for item in received if item.status == Endorsement.Status.REQUESTED],
        "answered": [item for item in received if item.status != Endorsement.Status.REQUESTED],
        "sent": sent,
    }
    return render(request, "portfolio/endorse_inbox.html", context)


def _endorsement_for(person: Person, public_id: UUID) -> Endorsement:
    """The endorsement if the person is its endorser or the entry's author (or a superuser); 404 otherwise."""
    found = (
        Endorsement.objects.filter(public_id=public_id)
        .select_related("entry__person__institution", "endorser__institution")
        .first()
    )
    if found is None or not (person.is_superuser or person.pk in (found.endorser_id, found.entry.person_id)):
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def endorsement(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The request with the entry, and the endorser's answer: endorse with a comment, or decline; the author
    or the endorser withdraws."""
    person = _person(request)
    found = _endorsement_for(person, public_id)
    form = EndorsementAnswerForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "withdraw":
                endorsement_withdraw(endorsement=found, person=person)
                messages.success(request, _("The endorsement is withdrawn."))
                return redirect("portfolio:endorsement", public_id=found.public_id)
            require(person, Action.ENDORSEMENT_ANSWER, found)
            if action == "decline":
                endorsement_decline(endorsement=found, endorser=person)
                messages.success(request, _("You declined. The author is told."))
                return redirect("portfolio:endorsements")
            form = EndorsementAnswerForm(request.POST)
            if form.is_valid():
                endorsement_give(endorsement=found, endorser=person, comment=form.cleaned_data["comment"])
                messages.success(request, _("Thank you: your endorsement is signed and shown with the entry."))
                return redirect("portfolio:endorsement", public_id=found.public_id)
        except EndorsementError as error:
            if action in ("withdraw", "decline"):
                messages.error(request, error.message)
                return redirect("portfolio:endorsement", public_id=found.public_id)
            _add_error(form, error)
    entry: Entry = found.entry
    may_read = can(person, Action.ENTRY_VIEW, entry)
    context = {
        "endorsement": found,
        "entry": entry,
        "entry_body": markdown_render(entry.body) if may_read else "",
        "may_read": may_read,
        "may_answer": found.endorser_id == person.pk and can(person, Action.ENDORSEMENT_ANSWER, found),
        "may_withdraw": found.status == Endorsement.Status.GIVEN
        or (found.status == Endorsement.Status.REQUESTED and person.pk == entry.person_id),
        "is_author": person.pk == entry.person_id,
        "form": form,
    }
    return render(request, "portfolio/endorse_detail.html", context)


@require_safe
def endorsement_credential(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The signed EndorsementCredential (`?format=jwt`: the VC-JWT): for anyone when the entry is public,
    else for its author, the endorser and those who may read the entry; 404 for everyone else."""
    found = (
        Endorsement.objects.filter(public_id=public_id, status=Endorsement.Status.GIVEN)
        .select_related("entry__person")
        .first()
    )
    if found is None or found.document is None:
        raise Http404
    viewer = request.user
    if found.entry.visibility != Entry.Visibility.PUBLIC:
        allowed = viewer.is_authenticated and (
            viewer.pk in (found.endorser_id, found.entry.person_id) or can(viewer, Action.ENTRY_VIEW, found.entry)
        )
        if not allowed:
            raise Http404
    name = f"endorsement-{found.public_id}"
    if request.GET.get("format") == "jwt":
        return _signed_download(found.jwt, name=name)
    return _signed_download(found.document, name=name)


@login_required
@require_safe
def clr(request: HttpRequest) -> HttpResponse:
    """The person's signed CLR 2.0 record (`?format=jwt`: the VC-JWT), signed as it is downloaded."""
    person = _person(request)
    require(person, Action.PORTFOLIO_KEEP)
    try:
        document, token = clr_secured(person=person)
    except ClrError as error:
        messages.error(request, error.message)
        return redirect("portfolio:mine")
    if request.GET.get("format") == "jwt":
        return _signed_download(token, name="learning-record")
    return _signed_download(document, name="learning-record")
