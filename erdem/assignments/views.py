from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.policy import Action, require
from erdem.assignments.models import Review, Submission
from erdem.assignments.selectors import (
    assignment_page,
    review_page,
    review_queue,
    submission_file_visible,
    submission_for_review,
)
from erdem.assignments.services import (
    Outcome,
    ReviewConflict,
    ReviewRefused,
    SubmissionRefused,
    review_submit,
    submission_create,
)
from erdem.core.i18n import active_language
from erdem.core.uploads import KINDS, file_response
from erdem.people.models import Person


def _number(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@login_required
@require_http_methods(["GET", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The task, its rubric and the learner's submissions with feedback; POST hands in a submission."""
    page = assignment_page(person=request.user, assignment_id=pk, language=active_language())
    if page is None:
        raise Http404
    if request.method == "POST":
        try:
            outcome = submission_create(
                person=cast(Person, request.user),
                assignment=page.assignment,
                text=request.POST.get("text", ""),
                files=request.FILES.getlist("files"),
                number=_number(request.POST.get("number")),
            )
        except SubmissionRefused as refusal:
            for message in refusal.messages:
                messages.error(request, message)
            if page.can_submit:
                # Keep what was written: the page shows the form again with the text (files must be chosen again).
                return render(
                    request,
                    "assignments/assignment_detail.html",
                    {"page": page, "header": page.header, "text": request.POST.get("text", "")},
                    status=400,
                )
            return redirect("assignments:detail", pk=pk)
        if outcome.outcome == Outcome.DUPLICATE:
            messages.info(request, _("This submission had already reached us; it was not sent twice."))
        else:
            messages.success(request, _("Your submission was handed in. A reviewer will look at it."))
        return redirect("assignments:detail", pk=pk)
    return render(request, "assignments/assignment_detail.html", {"page": page, "header": page.header})


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The submissions waiting for the reviewer, oldest first, by course or cohort."""
    require(request.user, Action.SUBMISSION_QUEUE_VIEW)
    course_code = request.GET.get("course", "")[:40]
    cohort = request.GET.get("cohort", "")
    cohort_id = int(cohort) if cohort.isdigit() else None
    result = review_queue(person=request.user, language=active_language(), course_code=course_code, cohort_id=cohort_id)
    context = {"queue": result, "course": course_code, "cohort": str(cohort_id or "")}
    return render(request, "assignments/queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission for its reviewer: text, files, the rubric as a grid and the decision."""
    submission = submission_for_review(person=request.user, submission_id=pk)
    if submission is None:
        raise Http404
    require(request.user, Action.SUBMISSION_REVIEW, submission)
    language = active_language()
    if request.method == "POST":
        levels = {
            _number(key.removeprefix("criterion-")): _number(request.POST.get(key))
            for key in request.POST
            if key.startswith("criterion-")
        }
        try:
            review_submit(
                reviewer=cast(Person, request.user),
                submission_id=submission.pk,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
                levels=levels,
            )
        except ReviewConflict as conflict:
            messages.warning(request, str(conflict))
            return redirect("assignments:review", pk=pk)
        except ReviewRefused as refusal:
            messages.error(request, str(refusal))
            page = review_page(person=request.user, submission_id=pk, language=language)
            if page is None:
                raise Http404 from refusal
            context = {"page": page, "header": page.header, "posted": request.POST, "chosen": levels,
                       "decisions": Review.Decision, "statuses": Submission.Status}  # fmt: skip
            return render(request, "assignments/review.html", context, status=400)
        messages.success(request, _("Your review was saved; the learner has been told by e-mail."))
        return redirect("assignments:queue")
    page = review_page(person=request.user, submission_id=pk, language=language)
    if page is None:
        raise Http404
    context = {"page": page, "header": page.header, "chosen": {}, "decisions": Review.Decision,
               "statuses": Submission.Status}  # fmt: skip
    return render(request, "assignments/review.html", context)


@login_required
@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A submitted file, always as a download, for the learner and the submission's reviewers."""
    stored = submission_file_visible(person=request.user, file_id=pk)
    if stored is None:
        raise Http404
    require(request.user, Action.SUBMISSION_VIEW, stored.submission)
    kind = KINDS.get(stored.kind)
    content_type = kind.mime if kind else "application/octet-stream"
    return file_response(request, stored.file, filename=stored.original_name, content_type=content_type)
