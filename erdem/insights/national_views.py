"""Placeholder: replaced by the module's owner."""

from django.http import Http404, HttpRequest, HttpResponse


def dashboard(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def rankings(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def settings(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def refresh(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
