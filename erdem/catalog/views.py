from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from erdem.catalog.selectors import course_catalogue, course_page, lesson_page
from erdem.core.i18n import active_language


def course_list(request: HttpRequest) -> HttpResponse:
    courses = course_catalogue(person=request.user, language=active_language())
    return render(request, "catalog/course_list.html", {"courses": courses})


def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = course_page(person=request.user, code=code, language=active_language())
    if page is None:
        raise Http404
    return render(request, "catalog/course_detail.html", {"page": page, "course": page.course})


@login_required
def lesson_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    page = lesson_page(person=request.user, code=code, lesson_id=pk, language=active_language())
    if page is None:
        raise Http404
    return render(request, "catalog/lesson_detail.html", {"page": page, "course": page.course})
