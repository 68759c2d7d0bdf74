from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erdem.access.policy import Action, can, require
from erdem.catalog.models import Course, Lesson, LessonTranslation, TranslationStatus
from erdem.core.i18n import active_language
from erdem.learning.models import Enrolment
from erdem.learning.selectors import cohort_for_view, cohort_progress, cohorts_trained_by, enrolments_of
from erdem.learning.services import enrolment_create, lesson_complete
from erdem.people.models import Person


@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    rows = enrolments_of(person=cast(Person, request.user), language=active_language())
    cohorts = list(cohorts_trained_by(person=request.user))
    return render(request, "learning/my_courses.html", {"rows": rows, "cohorts": cohorts})


@login_required
@require_POST
def enrol(request: HttpRequest, code: str) -> HttpResponse:
    course = get_object_or_404(Course, code=code)
    if course.status != Course.Status.PUBLISHED and not can(request.user, Action.COURSE_VIEW_UNPUBLISHED, course):
        raise Http404
    require(request.user, Action.COURSE_ENROL, course)
    enrolment_create(person=cast(Person, request.user), course=course)
    messages.success(request, _("You are enrolled. Your progress is saved as you go."))
    return redirect("catalog:course", code=course.code)


@login_required
@require_POST
def lesson_done(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mark a lesson of a course one is enrolled in as done; sending it again changes nothing."""
    published = LessonTranslation.objects.filter(lesson=OuterRef("pk"), status=TranslationStatus.PUBLISHED)
    lesson = get_object_or_404(
        Lesson.objects.select_related("module").filter(Exists(published)), pk=pk, module__course__code=code
    )
    enrolment = get_object_or_404(Enrolment, person_id=request.user.pk, course_id=lesson.module.course_id)
    was_complete = enrolment.completed_at is not None
    enrolment = lesson_complete(enrolment=enrolment, lesson=lesson)
    if enrolment.completed_at is not None and not was_complete:
        messages.success(request, _("Congratulations: you have completed the course."))
    else:
        messages.success(request, _("Lesson marked as done."))
    return HttpResponseRedirect(reverse("catalog:lesson", args=[code, lesson.pk]))


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for_view(cohort_id=pk)
    if cohort is None:
        raise Http404
    require(request.user, Action.COHORT_PROGRESS_VIEW, cohort)
    progress = cohort_progress(cohort=cohort, language=active_language())
    return render(request, "learning/cohort_detail.html", {"progress": progress, "cohort": cohort})
