"""Placeholder: replaced by the module's owner."""

from django.http import Http404, HttpRequest, HttpResponse


def table_export(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def ranking_export(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def staff_export(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def cohorts_export(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
