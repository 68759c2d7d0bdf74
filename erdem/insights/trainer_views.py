"""Placeholder: replaced by the module's owner."""

from django.http import Http404, HttpRequest, HttpResponse


def dashboard(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
