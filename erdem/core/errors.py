"""The server error page, and a 503 instead when the database is unavailable.

While the database restarts (maintenance, a fail-over) every page fails at its first query. That
is not a bug to report but a moment to wait: the answer is 503 with Retry-After and a page that
says so, in the language of the visitor's cookie (the person's saved language needs the database).
The next request reconnects by itself (CONN_HEALTH_CHECKS); no process needs restarting.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults

from erdem.core.i18n import LANGUAGE_CODES

RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the request's exception is being handled, so it can look at it."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    response: HttpResponseServerError = defaults.server_error(request)
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        # No request in the context: its processors would query the database.
        html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response
