import contextlib
import functools
import json
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from erdem.api.api import api
from erdem.api.forms import ApiTokenForm
from erdem.api.selectors import api_tokens_of
from erdem.api.services import api_token_create, api_token_revoke

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _endpoints_by_tag(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI document's operations grouped by tag, in document order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, operations in schema["paths"].items():
        for method in HTTP_METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or [""])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "public": not operation.get("security") or {} in operation["security"],
                    "parameters": [
                        {"name": p["name"], "location": p["in"], "required": p.get("required", False)}
                        for p in operation.get("parameters", [])
                    ],
                    "has_body": "requestBody" in operation,
                    "statuses": sorted(operation.get("responses", {})),
                }
            )
    return [{"tag": tag, "endpoints": endpoints} for tag, endpoints in groups.items()]


def api_docs(request: HttpRequest) -> HttpResponse:
    """A light, script-free page listing the endpoints from the OpenAPI document."""
    schema = api.get_openapi_schema()
    return render(
        request,
        "api/docs.html",
        {"info": schema["info"], "groups": _endpoints_by_tag(schema), "openapi_url": reverse("api:openapi-json")},
    )


NEW_TOKEN_SESSION_KEY = "erdem_api_new_token"  # noqa: S105 - a session key name, not a secret


@never_cache  # the response may carry a new plain token
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """Your API tokens. Creating one redirects back here (so a reload creates nothing),
    and the plain token is shown once, taken out of the session as it is displayed."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, raw_token = api_token_create(
            person=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
        request.session[NEW_TOKEN_SESSION_KEY] = raw_token
        return HttpResponseRedirect(reverse("api:tokens"))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": api_tokens_of(person=request.user),
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_tokens_of(person=request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return HttpResponseRedirect(reverse("api:tokens"))


def api_not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Paths under /api/v1/ that name no endpoint: the same JSON 404 as the endpoints give."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


def with_json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with a plain-text 405; give it the API's JSON shape."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != HTTPStatus.METHOD_NOT_ALLOWED or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        detail = _("The method %(method)s is not allowed here. Allowed: %(allowed)s.") % {
            "method": request.method,
            "allowed": response.get("Allow", ""),
        }
        return JsonResponse(
            {"detail": detail}, status=HTTPStatus.METHOD_NOT_ALLOWED, headers={"Allow": response["Allow"]}
        )

    return wrapped


NUL = "\x00"


def _nul_paths(value: Any, location: list[str | int]) -> Iterator[list[str | int]]:
    """Where NUL characters hide in a JSON value: in strings, and in the keys of objects."""
    if isinstance(value, str):
        if NUL in value:
            yield location
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, [*location, index])
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield [*location, key]
            yield from _nul_paths(item, [*location, key])


def _nul_locations(request: HttpRequest) -> list[list[str | int]]:
    locations: list[list[str | int]] = [
        ["query", name] for name, values in request.GET.lists() if NUL in name or any(NUL in v for v in values)
    ]
    try:
        body = request.body
    except RequestDataTooBig:
        return locations  # the endpoint refuses it with its own reason
    if b"\x00" in body or b"\\u0000" in body:
        # A body that is not JSON, or nested too deep, is left to the endpoint to refuse with its own reason.
        with contextlib.suppress(ValueError, RecursionError):
            locations += _nul_paths(json.loads(body), ["body"])
    return locations


def rejecting_nul_characters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse text holding the NUL character (U+0000) before an endpoint sees it: in the path, 404 (it names
    nothing, as `/people/x` does not); in the query or the JSON body, 422 with where it is.

    No field of the API has a use for it, and PostgreSQL can neither store it nor compare it with what is stored:
    left to the endpoints, it would fail inside the database.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if any(isinstance(value, str) and NUL in value for value in kwargs.values()):
            return api_not_found(request)
        locations = _nul_locations(request)
        if not locations:
            return view(request, *args, **kwargs)
        detail = _("Text may not contain the NUL character (U+0000).")
        errors = [{"loc": location, "msg": detail, "type": "nul_character"} for location in locations]
        return JsonResponse({"detail": detail, "errors": errors}, status=HTTPStatus.UNPROCESSABLE_ENTITY)

    return wrapped
