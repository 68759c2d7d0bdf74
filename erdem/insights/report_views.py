"""Placeholder: replaced by the module's owner."""

from django.http import Http404, HttpRequest, HttpResponse


def reports(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def download(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
