"""Sign-in protection that applies to every request: the Permissions-Policy header, and the two-factor step."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from erdem.people.two_factor import two_factor_pending

# No page of erdem uses these. Workshop check-in shows a QR code that participants scan with their
# own phone's camera app, outside erdem's pages, so no page needs the camera either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Pages a person who still owes a two-factor code may open: the code pages themselves, logging out,
# the language switch and the favicon (static files are served before any view).
OPEN_BEFORE_CODE = {
    ("people", "two_factor_verify"),
    ("people", "two_factor_enrol"),
    ("people", "logout"),
    ("web", "language"),
    ("web", "favicon"),
}
# The HTML pages under /api/v1/; every other view there is an API endpoint, answered in JSON.
API_HTML_PAGES = {"openapi-view", "tokens", "token-revoke"}


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class TwoFactorMiddleware:
    """Sends a signed-in person who must still enter a two-factor code to the code page (or, without a
    device yet, to setting one up) before any other page; an API call made with the browser session
    gets a 403 that says why. Callers with a personal API token are judged by the token alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or (match.namespace, match.url_name) in OPEN_BEFORE_CODE:
            return None
        if match.namespace == "api" and request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        if not two_factor_pending(request=request):
            return None
        if match.namespace == "api" and match.url_name not in API_HTML_PAGES:
            detail = _(
                "Enter your two-factor sign-in code on the website first; until then this session cannot use the API."
            )
            return JsonResponse({"detail": detail}, status=403)
        next_path = request.get_full_path() if request.method == "GET" else ""
        url = reverse("people:two_factor_verify")
        return HttpResponseRedirect(f"{url}?{urlencode({'next': next_path})}" if next_path else url)
