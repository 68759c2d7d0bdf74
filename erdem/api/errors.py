"""Every error the API returns: a 4xx status and a JSON body with a translated `detail`.

A 422 also carries `errors`, the list of fields that need fixing (empty when the request is refused as a whole),
so that every 422 has one shape whichever check refused it.

Endpoints raise the exceptions below (or Http404 / PermissionDenied); the handlers
registered on the NinjaAPI turn them, and Ninja's own errors, into responses in
the request's language. Messages are looked up when the error is raised, inside
the request, so the active language applies.
"""

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

# ValidationError codes raised by services that mean "conflicts with what is already there".
CONFLICT_CODES = {"duplicate", "already_ended"}


class ApiProblem(HttpError):
    """An error whose message is already a sentence for the caller."""


class NotFound(ApiProblem):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(404, message or _("Not found."))


class Forbidden(ApiProblem):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(403, message or _("You are not allowed to do this."))


class Conflict(ApiProblem):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


class Invalid(ApiProblem):
    def __init__(self, message: str) -> None:
        super().__init__(422, message)


class ApiTokenRefused(AuthenticationError):
    """A Bearer token was sent but cannot be used; the reason tells the caller what to do."""

    class Reason(StrEnum):
        INVALID = "invalid"
        REVOKED = "revoked"
        EXPIRED = "expired"

    def __init__(self, reason: "ApiTokenRefused.Reason") -> None:
        messages = {
            self.Reason.INVALID: _("This API token is not valid."),
            self.Reason.REVOKED: _("This API token has been revoked. Create a new one."),
            self.Reason.EXPIRED: _("This API token has expired. Create a new one."),
        }
        self.reason = reason
        super().__init__(401, messages[reason])


def _unknown(message: str, *, in_body: bool) -> ApiProblem:
    """404 for an object named in the path; 422 for one named in the request body."""
    return Invalid(message) if in_body else NotFound(message)


def region_not_found(iso_code: str, *, in_body: bool = False) -> ApiProblem:
    return _unknown(_("No region has the code “%(code)s”.") % {"code": iso_code[:20]}, in_body=in_body)


def institution_not_found(code: str, *, in_body: bool = False) -> ApiProblem:
    return _unknown(_("No institution has the code “%(code)s”.") % {"code": code[:40]}, in_body=in_body)


def programme_not_found(slug: str, *, in_body: bool = False) -> ApiProblem:
    return _unknown(_("No programme has the code “%(code)s”.") % {"code": slug[:40]}, in_body=in_body)


def person_not_found(person_id: int) -> ApiProblem:
    return Invalid(_("No person has the id %(id)s.") % {"id": person_id})


def from_validation_error(exc: DjangoValidationError) -> ApiProblem:
    """A service's ValidationError as a response: conflicts with the current state are 409, the rest 422."""
    message = " ".join(exc.messages)
    return Conflict(message) if exc.code in CONFLICT_CODES else Invalid(message)


def csrf_failed() -> Forbidden:
    return Forbidden(
        _(
            "The CSRF check failed. With session authentication, send the CSRF token in the "
            "X-CSRFToken header; or authenticate with a personal API token instead."
        )
    )


def _generic_message(status: int) -> str:
    messages = {
        400: _("The request could not be read. Send a JSON body."),
        401: _("Sign in, or send a personal API token as “Authorization: Bearer <token>”."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        409: _("The request conflicts with the current state."),
        422: _("The request is not valid."),
    }
    return messages.get(status, _("The request could not be handled."))


def _respond(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace Ninja's default handlers with ones that answer in the request's language."""

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = exc.message if isinstance(exc, ApiProblem | ApiTokenRefused) else _generic_message(exc.status_code)
        extra: dict[str, Any] = {"errors": []} if exc.status_code == 422 else {}
        response = _respond(api, request, exc.status_code, detail, **extra)
        if exc.status_code == 401:  # RFC 9110: say which scheme to use
            response["WWW-Authenticate"] = 'Bearer realm="erdem"'
        return response

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(
            api,
            request,
            422,
            _("The request is not valid. The “errors” list names each field that needs fixing."),
            errors=exc.errors,
        )

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 404, _generic_message(404))

    def permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 403, _generic_message(403))

    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, permission_denied)
