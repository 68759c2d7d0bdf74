from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from erdem.core.i18n import LANGUAGE_CODES


class LanguageMiddleware:
    """Chooses the interface language: the signed-in person's saved language, else the
    language cookie, else Mongolian.

    The browser's Accept-Language is deliberately ignored: most browsers in Mongolia
    ship with English as their language, and the programme's language is Mongolian
    unless the person chooses otherwise. Runs after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            language = getattr(user, "preferred_language", None)
        if language not in LANGUAGE_CODES:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in LANGUAGE_CODES:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
