from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from erdem.assessments.models import Attempt, Quiz
from erdem.assessments.selectors import attempt_page, attempt_readable, quiz_page
from erdem.assessments.services import GRACE, AttemptRefused, Submission, attempt_start, attempt_submit
from erdem.core.i18n import active_language

GRACE_SECONDS = int(GRACE.total_seconds())


@login_required
@require_http_methods(["GET", "POST"])
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The quiz's instructions and the person's attempts; POST starts (or resumes) an attempt."""
    page = quiz_page(person=request.user, quiz_id=pk, language=active_language())
    if page is None:
        raise Http404
    if request.method == "POST":
        try:
            attempt = attempt_start(person=request.user, quiz=page.quiz)
        except AttemptRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("assessments:quiz", pk=pk)
        return redirect("assessments:attempt", pk=attempt.pk)
    return render(
        request, "assessments/quiz_detail.html", {"page": page, "header": page.header, "grace": GRACE_SECONDS}
    )


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The attempt's form while it is open, its result once submitted; POST submits it."""
    language = active_language()
    if request.method == "POST":
        if not attempt_readable(person=request.user, attempt_id=pk):
            raise Http404
        try:
            outcome = attempt_submit(
                person=request.user,
                attempt_id=pk,
                form_data=request.POST,
                confirm_empty=request.POST.get("confirm_empty") == "1",
            )
        except Attempt.DoesNotExist as missing:
            raise Http404 from missing
        if outcome.status == Submission.EMPTY:
            return _attempt_render(request, pk, language, confirm_empty=True)
        if outcome.status == Submission.GRADED and outcome.attempt.passed:
            _course_completion_update(request.user, outcome.attempt)
        if outcome.status == Submission.ALREADY_SUBMITTED:
            messages.warning(request, _("This attempt was already submitted; your answers were not changed."))
        elif outcome.status == Submission.EXPIRED:
            messages.error(
                request,
                _("The time for this attempt ran out before you submitted it, so it was closed with a score of 0."),
            )
        return redirect("assessments:attempt", pk=pk)
    return _attempt_render(request, pk, language)


def _attempt_render(request: HttpRequest, pk: int, language: str, *, confirm_empty: bool = False) -> HttpResponse:
    """The attempt page; `confirm_empty` when a form without any answer came back unconfirmed."""
    page = attempt_page(person=request.user, attempt_id=pk, language=language)
    if page is None:
        raise Http404
    context = {
        "page": page,
        "header": page.header,
        "grace": GRACE_SECONDS,
        "feedback": Quiz.Feedback,
        "confirm_empty": confirm_empty and page.attempt.is_open,
        "course_completed": not page.attempt.is_open and _course_completed(request.user, page.header.course),
    }
    return render(request, "assessments/attempt_detail.html", context)


def _course_completed(person: Any, course: Any) -> bool:
    """Whether `person` has completed `course`, for offering the course survey after the result."""
    from erdem.learning.models import Enrolment  # imported here for the reason given below

    return Enrolment.objects.filter(person_id=person.pk, course=course, completed_at__isnull=False).exists()


def _course_completion_update(person: Any, attempt: Attempt) -> None:
    """A passed quiz may complete the course: re-check the person's enrolment in it, if any."""
    # Imported here: learning depends on assessments (its completion rule asks about quizzes), so a
    # module-level import of learning would make the two apps import each other.
    from erdem.learning.models import Enrolment
    from erdem.learning.services import enrolment_completion_update

    enrolment = Enrolment.objects.filter(
        person_id=person.pk, course__modules__lessons__quizzes=attempt.quiz_id, completed_at__isnull=True
    ).first()
    if enrolment is not None:
        enrolment_completion_update(enrolment=enrolment)
