"""How API callers prove who they are: a personal token, or the browser session.

The token is tried first: a request carrying `Authorization: Bearer …` is judged
by its token alone, and a bad token is refused with its reason rather than
falling back to a session cookie. Session callers must pass Django's CSRF check
on unsafe methods, as forms do.

Language follows the site's rule (erdem.core.middleware): the person's saved
language, else the language cookie, else Mongolian. The middleware runs before a
token is read, so a token caller's language is applied here.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from erdem.api.errors import csrf_failed
from erdem.api.services import api_token_authenticate
from erdem.core.i18n import LANGUAGE_CODES

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        person = api_token_authenticate(raw_token=token)
        # Code below the API (policy, selectors) reads request.user like any view does.
        request.user = person
        if person.preferred_language in LANGUAGE_CODES:
            translation.activate(person.preferred_language)
            request.LANGUAGE_CODE = person.preferred_language
        return person


class SessionAuth(APIKeyCookie):
    """Django's session; unlike Ninja's django_auth, an anonymous caller gets 401, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        csrf_exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not csrf_exempt and check_csrf(request) is not None:
            raise csrf_failed()
        return user


def anonymous(request: HttpRequest) -> Any:
    """Lets a caller without credentials through; tried last, so a token or session still identifies the caller."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()
signed_in = [token_auth, session_auth]
# For public endpoints: `@router.get(..., **PUBLIC)`. A token sent to them is still checked (a revoked
# one is refused) and sets the language; OpenAPI's empty requirement `{}` marks the auth optional.
PUBLIC: dict[str, Any] = {
    "auth": [*signed_in, anonymous],
    "openapi_extra": {"security": [{"TokenAuth": []}, {"SessionAuth": []}, {}]},
}


def caller(request: HttpRequest) -> Any:
    """The authenticated person making the request."""
    return request.auth  # type: ignore[attr-defined]
