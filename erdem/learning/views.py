from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from erdem.access.models import Role
from erdem.access.policy import Action, can, grants_for, require
from erdem.access.selectors import programme_for_action
from erdem.catalog.models import Course, Lesson, LessonTranslation, TranslationStatus
from erdem.core.i18n import active_language
from erdem.learning.forms import CohortEnrolForm, CohortForm, FeedbackForm
from erdem.learning.models import Cohort, CourseFeedback, Enrolment
from erdem.learning.selectors import (
    cohort_course_choices,
    cohort_for_view,
    cohort_members_candidates,
    cohort_progress,
    cohort_trainer_candidates,
    cohorts_listed_for,
    cohorts_trained_by,
    course_title,
    educators_by_email,
    enrolments_of,
)
from erdem.learning.services import (
    FEEDBACK_EDITABLE_FOR,
    cohort_create,
    cohort_enrol,
    cohort_update,
    enrolment_create,
    feedback_editable,
    feedback_submit,
    lesson_complete,
)
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme


@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    rows = enrolments_of(person=cast(Person, request.user), language=active_language())
    cohorts = list(cohorts_trained_by(person=request.user))
    context = {"rows": rows, "cohorts": cohorts, "may_list_cohorts": can(request.user, Action.COHORT_LIST_VIEW)}
    return render(request, "learning/my_courses.html", context)


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
        return redirect("learning:feedback", code=code)
    messages.success(request, _("Lesson marked as done."))
    return HttpResponseRedirect(reverse("catalog:lesson", args=[code, lesson.pk]))


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The cohorts the person follows (national admins: their programme's; coordinators: their
    institution's; trainers: those they train), and the way to create one."""
    require(request.user, Action.COHORT_LIST_VIEW)
    rows = cohorts_listed_for(person=request.user, language=active_language())
    programme = _programme_for_cohorts(request.user)
    return render(request, "learning/cohort_list.html", {"rows": rows, "may_create": programme is not None})


def _programme_for_cohorts(person: Any) -> Programme | None:
    """The programme a new cohort belongs to: the current one, else the latest active programme in
    which `person` may create cohorts; None when they may create none."""
    programme = programme_for_action(person, Action.COHORT_MANAGE)
    return programme if can(person, Action.COHORT_MANAGE, programme) else None


def _cohort_form(request: HttpRequest, programme: Programme, cohort: Cohort | None) -> CohortForm:
    """The cohort form narrowed to what the person may choose: a coordinator's own institution (in the
    programme), any active institution for a national admin."""
    grants = grants_for(request.user)
    language = active_language()
    courses, titles = cohort_course_choices(programme_id=programme.pk, language=language)
    institutions = Institution.objects.filter(is_active=True).order_by("name_mn" if language == "mn" else "name_en")
    national = request.user.is_superuser or grants.has(Role.NATIONAL_ADMIN, programme_id=programme.pk)
    own = {
        g.institution_id
        for g in grants.grants
        if g.role == Role.COORDINATOR and g.programme_id == programme.pk and g.institution_id is not None
    }
    if not national:
        institutions = institutions.filter(pk__in=own)
    # The trainers working at the cohort's institution (a coordinator's own) are listed first.
    first = {cohort.institution_id} if cohort is not None and cohort.institution_id else set()
    if not national:
        first |= own
    if cohort is not None and cohort.enrolments.exists():
        courses = courses.filter(pk=cohort.course_id)  # its members' enrolments belong to that course
    initial = None
    if cohort is not None:
        trainer_ids = [str(trainer.pk) for trainer in cohort.trainers.all()]
        initial = {"name": cohort.name, "course": cohort.course_id, "institution": cohort.institution_id,
                   "trainers": trainer_ids}  # fmt: skip
    elif institutions.count() == 1 and not national:
        initial = {"institution": institutions.first()}
    return CohortForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        courses=courses,
        course_titles=titles,
        institutions=institutions,
        institution_required=not national,
        trainer_groups=cohort_trainer_candidates(programme_id=programme.pk, first_institution_ids=first),
    )


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    programme = _programme_for_cohorts(request.user)
    require(request.user, Action.COHORT_MANAGE, programme)
    if programme is None:  # `require` refuses without a programme; this tells the type checker
        raise Http404
    form = _cohort_form(request, programme, None)
    if request.method == "POST" and form.is_valid():
        cohort = cohort_create(programme=programme, **form.cleaned_data)
        messages.success(request, _("The cohort is created. Now enrol its members."))
        return redirect("learning:cohort_enrol", pk=cohort.pk)
    return render(request, "learning/cohort_form.html", {"form": form, "cohort": None})


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for_view(cohort_id=pk)
    if cohort is None:
        raise Http404
    require(request.user, Action.COHORT_MANAGE, cohort)
    form = _cohort_form(request, cohort.programme, cohort)
    if request.method == "POST" and form.is_valid():
        try:
            cohort_update(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("course", error)
        else:
            messages.success(request, _("The cohort is saved."))
            return redirect("learning:cohort", pk=cohort.pk)
    return render(request, "learning/cohort_form.html", {"form": form, "cohort": cohort})


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for_view(cohort_id=pk)
    if cohort is None:
        raise Http404
    require(request.user, Action.COHORT_PROGRESS_VIEW, cohort)
    progress = cohort_progress(cohort=cohort, language=active_language())
    context = {"progress": progress, "cohort": cohort, "may_manage": can(request.user, Action.COHORT_MANAGE, cohort)}
    return render(request, "learning/cohort_detail.html", context)


@login_required
def feedback(request: HttpRequest, code: str) -> HttpResponse:
    """The survey offered once a course is complete: optional, in the learner's language, and open to
    changes for FEEDBACK_EDITABLE_FOR after the first answer. Only one's own completed enrolment."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course").filter(completed_at__isnull=False),
        person_id=request.user.pk,
        course__code=code,
    )
    existing = CourseFeedback.objects.filter(enrolment=enrolment).first()
    editable = existing is None or feedback_editable(existing)
    initial = None
    if existing is not None:
        initial = {"rating": existing.rating, "usefulness": existing.usefulness, "comment": existing.comment}
    form = FeedbackForm(request.POST if request.method == "POST" and editable else None, initial=initial)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Your feedback on this course can no longer be changed."))
            return redirect("learning:feedback", code=code)
        if form.is_valid():
            try:
                _feedback, created = feedback_submit(
                    enrolment=enrolment,
                    rating=form.cleaned_data["rating"],
                    usefulness=form.cleaned_data["usefulness"],
                    comment=form.cleaned_data["comment"],
                    language_code=active_language(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Thank you for your feedback.") if created else _("Your feedback has been updated.")
                )
                return redirect("catalog:course", code=code)
    title = course_title(course=enrolment.course, language=active_language())
    return render(
        request,
        "learning/feedback.html",
        {
            "form": form,
            "enrolment": enrolment,
            "course_title": title,
            "existing": existing,
            "editable": editable,
            "editable_days": FEEDBACK_EDITABLE_FOR.days,
        },
    )


@login_required
def cohort_enrol_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol people into a cohort: pick from the institution's educators, or give e-mail addresses
    (pasted or uploaded). Addresses that belong to no educator of the programme, and entries that are
    not e-mail addresses, are listed, not enrolled."""
    cohort = cohort_for_view(cohort_id=pk)
    if cohort is None:
        raise Http404
    require(request.user, Action.COHORT_ENROL, cohort)
    candidates = cohort_members_candidates(cohort=cohort)
    form = CohortEnrolForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        candidates=candidates,
    )
    unknown: list[str] = []
    invalid: list[str] = []
    if request.method == "POST" and form.is_valid():
        invalid = form.cleaned_data["invalid_entries"]
        found, unknown = educators_by_email(cohort=cohort, emails=form.cleaned_data["email_list"])
        people = [*form.cleaned_data["people"], *found]
        added = cohort_enrol(cohort=cohort, people=people) if people else 0
        if people:
            messages.success(
                request,
                ngettext(
                    "%(count)s person joined the cohort.",
                    "%(count)s people joined the cohort.",
                    added,
                )
                % {"count": added},
            )
        if not unknown and not invalid:
            return redirect("learning:cohort", pk=cohort.pk)
        candidates = cohort_members_candidates(cohort=cohort)
        form = CohortEnrolForm(candidates=candidates, initial={"emails": "\n".join([*invalid, *unknown])})
    return render(
        request,
        "learning/cohort_enrol.html",
        {"cohort": cohort, "form": form, "candidates": candidates, "unknown": unknown, "invalid": invalid},
    )
