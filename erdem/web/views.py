import datetime as dt
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from erdem.core.i18n import LANGUAGE_CODES
from erdem.people.models import Person
from erdem.people.services import person_update_preferences
from erdem.programmes.selectors import programme_current
from erdem.web.selectors import home_sections_for, landing_figures

FAVICON = (Path(__file__).resolve().parent / "static" / "erdem" / "favicon.svg").read_bytes()


@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; answer with the icon itself."""
    return HttpResponse(FAVICON, content_type="image/svg+xml")


@require_safe
@cache_control(max_age=24 * 3600, public=True)
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability (ERDEM_SECURITY_CONTACT); not found until it is set."""
    contacts = settings.ERDEM_SECURITY_CONTACT
    if not contacts:
        raise Http404
    expires = (timezone.now() + dt.timedelta(days=365)).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [f"Contact: {contact}" for contact in contacts]
    lines += [
        f"Expires: {expires.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: mn, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def landing(request: HttpRequest) -> HttpResponse:
    """The programme in a few figures, and the way in."""
    programme = programme_current()
    figures = landing_figures(programme=programme) if programme else None
    return render(request, "web/landing.html", {"programme": programme, "figures": figures})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in person comes to do: one section per role they hold."""
    person = cast(Person, request.user)
    sections = home_sections_for(person=person)
    return render(request, "web/home.html", {"sections": sections, "greeting_name": greeting_name(person)})


def greeting_name(person: Person) -> str:
    """The given name to greet with: in Latin letters on English pages when the person has
    one, in Cyrillic otherwise."""
    if translation.get_language() == "en" and person.given_name_latin:
        return person.given_name_latin
    return person.given_name or person.given_name_latin


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent with a missing or expired security token.

    Usually the page stayed open too long or the cookie was cleared; going back and
    sending the form again works. Offers the previous page when it is on this site."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return render(request, "web/csrf_failure.html", {"back": back}, status=403)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and, when signed in, on the person."""
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        return HttpResponseBadRequest(
            _("Unknown language “%(code)s”. Choose Mongolian (mn) or English (en).") % {"code": language[:20]},
            content_type="text/plain; charset=utf-8",
        )
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated:
        person_update_preferences(person=request.user, preferred_language=language)
    translation.activate(language)
    response = HttpResponseRedirect(urlsplit(next_url)._replace(scheme="", netloc="").geturl() or "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
