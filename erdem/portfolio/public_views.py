"""The public portfolio page, reached by its unguessable link (anonymous visitors welcome): the person's name
and institution, the credentials they show by name, the AI CFT grid of public evidence and the entries they
made public. A link turned off or mistyped answers 404; private and institution entries never appear.

The page is public by its owner's choice, not published: it is kept out of search engines (a teacher shares
the link, nobody should find it by their name) and revalidated on every visit, since the owner may turn the
link off at any time."""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from erdem.catalog.rendering import markdown_render
from erdem.portfolio.models import Entry, EntryFile, Portfolio
from erdem.portfolio.selectors import (
    ai_cft_grid,
    endorsements_given,
    entries_listed,
    entry_for_page,
    person_credentials,
    portfolio_by_token,
    public_entries,
)
from erdem.portfolio.views import entry_file_serve


def _unlisted(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    # A signed-in visitor's page also holds their own menu: no shared cache keeps it.
    response["Cache-Control"] = "private, no-cache" if request.user.is_authenticated else "no-cache"
    return response


def _portfolio(token: str) -> Portfolio:
    portfolio = portfolio_by_token(token)
    if portfolio is None:
        raise Http404
    return portfolio


def _public_entry(portfolio: Portfolio, public_id: UUID) -> Entry:
    entry = entry_for_page(public_id)
    if entry is None or entry.person_id != portfolio.person_id or entry.visibility != Entry.Visibility.PUBLIC:
        raise Http404
    return entry


@require_safe
def public(request: HttpRequest, token: str) -> HttpResponse:
    portfolio = _portfolio(token)
    person = portfolio.person
    entries = public_entries(person)
    credentials = person_credentials(person, public_only=True)
    page = render(
        request,
        "portfolio/public.html",
        {
            "portfolio": portfolio,
            "person": person,
            "entries": list(entries_listed(entries)),
            "credentials": credentials,
            "grid": ai_cft_grid(person=person, entries=entries, credentials=credentials),
        },
    )
    return _unlisted(request, page)


@require_safe
def public_entry(request: HttpRequest, token: str, public_id: UUID) -> HttpResponse:
    portfolio = _portfolio(token)
    entry = _public_entry(portfolio, public_id)
    page = render(
        request,
        "portfolio/entry.html",
        {
            "entry": entry,
            "body_html": markdown_render(entry.body),
            "endorsements": list(endorsements_given(entry)),
            "is_owner": False,
            "public_view": True,
            "token": token,
            "portfolio": portfolio,
        },
    )
    return _unlisted(request, page)


@require_safe
def public_entry_file(request: HttpRequest, token: str, public_id: UUID, file_id: int) -> HttpResponseBase:
    portfolio = _portfolio(token)
    entry = _public_entry(portfolio, public_id)
    stored = EntryFile.objects.filter(pk=file_id, entry=entry).first()
    if stored is None:
        raise Http404
    response = entry_file_serve(request, stored)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
