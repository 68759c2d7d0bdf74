"""Asks a signed-in person to accept a newer version of the terms before going on (docs/privacy.md)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from erdem.people.privacy_services import consent_outdated

# Reachable without accepting: the consent page itself, signing out, and the privacy page (one may
# download one's data or ask for deletion instead of accepting), the jobs page (the copy's progress),
# the API (a token cannot accept) and static files; and the two-factor pages, which come first
# (erdem.people.middleware sends a person who owes a code there, this page included).
_OPEN_PREFIXES = (
    "/accounts/privacy/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/jobs/",
    "/api/",
    "/static/",
    "/language/",
)


class ConsentMiddleware:
    """One comparison of two strings on `request.user`, loaded anyway: no query of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and consent_outdated(user)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            target = reverse("privacy:consent")
            next_url = request.get_full_path() if request.method == "GET" else ""
            if next_url:
                target = f"{target}?{urlencode({'next': next_url})}"
            return redirect(target)
        return self.get_response(request)
