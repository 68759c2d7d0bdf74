"""Placeholder: replaced by the module's owner."""

from django.http import Http404, HttpRequest, HttpResponse


def surveys(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def survey_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def survey_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def question_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def question_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def results(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def send(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def answer(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
