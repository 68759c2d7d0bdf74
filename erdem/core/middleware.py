from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from erdem.core.i18n import LANGUAGE_CODES


class PersonLanguageMiddleware:
    """A signed-in person's saved language wins over cookie and browser.

    Runs after AuthenticationMiddleware; LocaleMiddleware has already handled
    anonymous visitors (cookie, then Accept-Language, then Mongolian).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", None)
        if user is not None and user.is_authenticated and language in LANGUAGE_CODES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "")
        return response
