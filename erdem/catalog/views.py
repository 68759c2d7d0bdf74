from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from erdem.catalog.selectors import course_catalogue, course_page, lesson_page
from erdem.core.i18n import active_language
from erdem.people.models import Person


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
    # Reading a lesson is where learning is recorded; the learning app builds on the
    # catalogue, so it is imported here rather than at module level.
    from erdem.learning.services import enrolment_visit

    enrolment_visit(person=cast(Person, request.user), lesson=page.lesson, course_id=page.course.course.pk)
    return render(request, "catalog/lesson_detail.html", {"page": page, "course": page.course})
