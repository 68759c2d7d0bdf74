"""The owner's portfolio pages (my portfolio with the AI CFT grid, entries, settings, the PDF) and the entry
page for those Action.ENTRY_VIEW allows. Another person's entry answers 404, so an id reveals nothing.
Endorsements, the CLR and career reviews have their own views (endorsement_urls.py)."""

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from erdem.access.policy import Action, can, require
from erdem.catalog.rendering import markdown_render
from erdem.core.uploads import KINDS, file_response
from erdem.people.models import Person
from erdem.portfolio.forms import EntryForm, SettingsForm, links_text
from erdem.portfolio.models import Entry, EntryFile
from erdem.portfolio.pdf import portfolio_pdf
from erdem.portfolio.reviews import reviews_of
from erdem.portfolio.selectors import (
    ai_cft_grid,
    endorsements_given,
    entries_listed,
    entry_for_page,
    person_credentials,
)
from erdem.portfolio.services import (
    PortfolioError,
    entry_create,
    entry_delete,
    entry_update,
    portfolio_get_or_create,
    portfolio_public_link_set,
    portfolio_review_consent_set,
    portfolio_update,
)


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _keeper(request: HttpRequest) -> Person:
    person = _person(request)
    require(person, Action.PORTFOLIO_KEEP)
    return person


def _own_entry(request: HttpRequest, public_id: UUID) -> Entry:
    """The requester's own entry; 404 for any other (existence is not revealed)."""
    return get_object_or_404(Entry, public_id=public_id, person=_person(request))


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person = _keeper(request)
    portfolio = portfolio_get_or_create(person=person)
    kind = request.GET.get("kind", "")
    if kind not in Entry.Kind.values:
        kind = ""
    all_entries = Entry.objects.filter(person=person)
    entries = list(entries_listed(all_entries.filter(kind=kind) if kind else all_entries))
    credentials = person_credentials(person)
    grid = ai_cft_grid(person=person, entries=all_entries, credentials=credentials)
    return render(
        request,
        "portfolio/mine.html",
        {
            "portfolio": portfolio,
            "person": person,
            "entries": entries,
            "kind": kind,
            "kinds": Entry.Kind.choices,
            "credentials": credentials,
            "grid": grid,
            "reviews": reviews_of(person),
            "public_entries_hidden": not portfolio.public_token
            and any(entry.visibility == Entry.Visibility.PUBLIC for entry in entries),
        },
    )


@require_safe
@login_required
def grid(request: HttpRequest) -> HttpResponse:
    person = _keeper(request)
    return render(request, "portfolio/grid.html", {"grid": ai_cft_grid(person=person), "person": person})


def _entry_initial(entry: Entry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "title": entry.title,
        "body": entry.body,
        "language": entry.language,
        "course_taught": entry.course_taught,
        "started_on": entry.started_on,
        "ended_on": entry.ended_on,
        "visibility": entry.visibility,
        "competencies": list(entry.competencies.all()),
        "descriptors": list(entry.descriptors.all()),
        "links": links_text(entry.links.all()),
    }


def _entry_values(form: EntryForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        key: data[key]
        for key in (
            "kind",
            "title",
            "body",
            "language",
            "course_taught",
            "started_on",
            "ended_on",
            "visibility",
            "competencies",
            "descriptors",
            "links",
        )
    } | {"files": data["new_files"]}


def _refused(form: EntryForm, error: PortfolioError) -> None:
    field = "new_files" if error.field == "files" else error.field
    form.add_error(field if field in form.fields else None, error.message)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def entry_new(request: HttpRequest) -> HttpResponse:
    person = _keeper(request)
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        initial={"language": person.preferred_language or "mn", "visibility": Entry.Visibility.PRIVATE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = entry_create(person=person, **_entry_values(form))
        except PortfolioError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("portfolio:entry", public_id=entry.public_id)
    return render(request, "portfolio/entry_form.html", {"form": form, "entry": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def entry_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    entry = _own_entry(request, public_id)
    form = EntryForm(request.POST or None, request.FILES or None, entry=entry, initial=_entry_initial(entry))
    if request.method == "POST" and form.is_valid():
        try:
            entry_update(
                entry=entry,
                person=_person(request),
                files_removed=[stored.pk for stored in form.cleaned_data["files_removed"]],
                **_entry_values(form),
            )
        except PortfolioError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("portfolio:entry", public_id=entry.public_id)
    return render(request, "portfolio/entry_form.html", {"form": form, "entry": entry})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def entry_delete_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    entry = _own_entry(request, public_id)
    if request.method == "POST":
        entry_delete(entry=entry, person=_person(request))
        messages.success(request, _("The entry is deleted."))
        return redirect("portfolio:mine")
    return render(request, "portfolio/entry_delete.html", {"entry": entry})


@require_safe
@login_required
def entry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = entry_for_page(public_id)
    person = _person(request)
    if found is None or not can(person, Action.ENTRY_VIEW, found):
        raise Http404
    return render(
        request,
        "portfolio/entry.html",
        {
            "entry": found,
            "body_html": markdown_render(found.body),
            "endorsements": list(endorsements_given(found)),
            "is_owner": found.person_id == person.pk,
            "public_view": False,
        },
    )


def entry_file_serve(request: HttpRequest, stored: EntryFile) -> HttpResponseBase:
    kind = KINDS.get(stored.kind)
    return file_response(
        request, stored.file, filename=stored.name, content_type=kind.mime if kind else "application/octet-stream"
    )


@require_safe
@login_required
def entry_file(request: HttpRequest, public_id: UUID, file_id: int) -> HttpResponseBase:
    stored = EntryFile.objects.filter(pk=file_id, entry__public_id=public_id).select_related("entry").first()
    if stored is None or not can(_person(request), Action.ENTRY_VIEW, stored.entry):
        raise Http404
    return entry_file_serve(request, stored)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def portfolio_settings(request: HttpRequest) -> HttpResponse:
    person = _keeper(request)
    portfolio = portfolio_get_or_create(person=person)
    initial = {
        "headline": portfolio.headline,
        "summary": portfolio.summary,
        "public_link": bool(portfolio.public_token),
        "review_consent": portfolio.review_consent_at is not None,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        portfolio_update(person=person, headline=data["headline"], summary=data["summary"])
        portfolio = portfolio_public_link_set(person=person, enabled=data["public_link"])
        portfolio = portfolio_review_consent_set(person=person, consent=data["review_consent"])
        messages.success(request, _("Your portfolio settings are saved."))
        return redirect("portfolio:settings")
    return render(request, "portfolio/settings.html", {"form": form, "portfolio": portfolio})


@require_POST
@login_required
def public_link_renew(request: HttpRequest) -> HttpResponse:
    """A new public link at once (the old one stops working)."""
    person = _keeper(request)
    portfolio_public_link_set(person=person, enabled=False)
    portfolio_public_link_set(person=person, enabled=True)
    messages.success(request, _("Your portfolio has a new public link; the old one no longer works."))
    return redirect("portfolio:settings")


@require_safe
@login_required
def pdf(request: HttpRequest) -> HttpResponse:
    person = _keeper(request)
    content = portfolio_pdf(person=person)
    response = HttpResponse(content, content_type="application/pdf")
    name = slugify(person.full_name_latin or "portfolio") or "portfolio"
    response["Content-Disposition"] = f'attachment; filename="portfolio-{name}.pdf"'
    return response
