"""Peer mentoring pages: a person's mentoring (their mentees, or their mentor), a pair with its sessions
and the mentee's feedback, and assigning a mentor.

Thin: reads in mentoring_selectors, writes in services, decisions in erdem.access.policy. A pair's
page is for the pair, the coordinators of either one's institution and the national admins, who alone
read the session notes; anyone else gets 404, as for a pair that does not exist. Every refusal of a
service is shown next to its field.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.models import Role
from erdem.access.policy import Action, Grants, can, grants_for, require
from erdem.cascade.mentoring_forms import OTHER_MENTOR, AssignForm, FeedbackForm, MenteeFindForm, SessionForm
from erdem.cascade.mentoring_selectors import (
    Suggestion,
    current_pair_of_mentee,
    mentor_appointment,
    mentor_by_pk,
    mentor_suggestions,
    pair_by_pk,
    pair_sessions,
    pairs_of,
    programme_person_by_email,
)
from erdem.cascade.models import MentorAssignment
from erdem.cascade.services import CascadeError, mentor_assign, mentoring_feedback_submit, session_log
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current

ASSIGNING_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _latest_programme(person: Person, programme_ids: set[int]) -> Programme | None:
    """The programme a page is about: the current one for a superuser, else the latest active programme
    among `programme_ids` (those in which the person has a part in mentoring)."""
    if person.is_superuser:
        return programme_current()
    if not programme_ids:
        return None
    return Programme.objects.filter(is_active=True, pk__in=programme_ids).order_by("-starts_on", "-pk").first()


def _assigning_programme_ids(grants: Grants) -> set[int]:
    return {grant.programme_id for grant in grants.grants if grant.role in ASSIGNING_ROLES}


def _may_assign(person: Person, grants: Grants, programme: Programme) -> bool:
    """National admins of the programme and its coordinators assign mentors (the coordinators for the
    staff of their institution: MENTOR_ASSIGN decides for each mentee)."""
    return person.is_superuser or any(grants.has(role, programme_id=programme.pk) for role in ASSIGNING_ROLES)


@login_required
@require_GET
def mentoring(request: HttpRequest) -> HttpResponse:
    """A mentor's mentees, a mentee's mentor, and for coordinators and national admins the way to assign."""
    person = _person(request)
    grants = grants_for(person)
    ids = {grant.programme_id for grant in grants.grants if grant.role == Role.MENTOR} | _assigning_programme_ids(
        grants
    )
    ids |= set(
        MentorAssignment.objects.filter(mentee=person, ended_at__isnull=True).values_list("programme_id", flat=True)
    )
    programme = _latest_programme(person, ids)
    if programme is None:
        raise PermissionDenied
    is_mentor = grants.has(Role.MENTOR, programme_id=programme.pk)
    pairs = pairs_of(person=person, programme=programme)
    appointment = mentor_appointment(programme=programme, person=person) if is_mentor else None
    may_assign = _may_assign(person, grants, programme)
    if not (is_mentor or pairs.as_mentor or pairs.as_mentee or may_assign):
        raise PermissionDenied
    context = {
        "programme": programme,
        "is_mentor": is_mentor or bool(pairs.as_mentor),
        "appointment": appointment,
        "mentees": pairs.as_mentor,
        "own_pairs": pairs.as_mentee,
        "may_assign": may_assign,
    }
    return render(request, "cascade/mentoring.html", context)


def _add_service_error(form: Any, error: CascadeError, *, field: str | None = None) -> None:
    target = field or error.field
    form.add_error(target if target in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair, its sessions with their notes, the form to log a session (the pair, while current) and
    the mentee's feedback (the mentee only; changeable)."""
    person = _person(request)
    found = pair_by_pk(pk=pk)
    if found is None or not can(person, Action.MENTORING_PAIR_VIEW, found):
        raise Http404  # as for an unknown id: the page does not tell that the pair exists
    may_log = can(person, Action.MENTORING_SESSION_LOG, found)
    is_mentee = person.pk == found.mentee_id
    feedback = getattr(found, "feedback", None)
    session_form = SessionForm() if may_log else None
    feedback_form = None
    if is_mentee:
        initial = {"rating": feedback.rating, "comment": feedback.comment} if feedback else None
        feedback_form = FeedbackForm(initial=initial)
    if request.method == "POST":
        if request.POST.get("form") == "feedback":
            if not is_mentee:
                raise PermissionDenied
            feedback_form = FeedbackForm(request.POST)
            if feedback_form.is_valid():
                try:
                    mentoring_feedback_submit(
                        pair=found,
                        by=person,
                        rating=feedback_form.cleaned_data["rating"],
                        comment=feedback_form.cleaned_data["comment"],
                    )
                except CascadeError as error:
                    _add_service_error(feedback_form, error)
                else:
                    messages.success(request, _("Thank you: your feedback is saved."))
                    return redirect(reverse("cascade:pair", args=[found.pk]) + "#feedback")
        else:
            require(person, Action.MENTORING_SESSION_LOG, found)
            session_form = SessionForm(request.POST)
            if session_form.is_valid():
                data = session_form.cleaned_data
                try:
                    session_log(
                        pair=found,
                        by=person,
                        held_on=data["held_on"],
                        mode=data["mode"],
                        minutes=data["minutes"],
                        topics=data["topics"],
                        notes=data["notes"],
                    )
                except CascadeError as error:
                    # The service names the topics' refusal after its generic text check.
                    _add_service_error(session_form, error, field="topics" if error.field == "reason" else None)
                else:
                    messages.success(request, _("The session is logged."))
                    return redirect(reverse("cascade:pair", args=[found.pk]) + "#sessions")
    may_assign = can(person, Action.MENTOR_ASSIGN, found.mentee)
    context = {
        "pair": found,
        "sessions": pair_sessions(found),
        "session_form": session_form,
        "feedback_form": feedback_form,
        "feedback": feedback,
        "is_mentee": is_mentee,
        "may_assign": may_assign,
        "show_feedback": may_assign and feedback is not None,
    }
    return render(request, "cascade/pair.html", context)


def _mentor_choices(suggestions: list[Suggestion]) -> list[tuple[str, str]]:
    """(person id, label): the mentor's name, institution and the reasons they are suggested."""
    choices: list[tuple[str, str]] = []
    for suggestion in suggestions:
        mentor = suggestion.mentor
        where = f", {mentor.institution.short_name}" if mentor.institution else ""
        reasons = "; ".join(suggestion.reasons)
        label = format_html(
            '<span><strong>{}</strong>{}<br><span class="muted">{}</span></span>', mentor.full_name, where, reasons
        )
        choices.append((str(mentor.pk), label))
    return choices


def _mentee_for(person: Person, programme: Programme, email: str) -> Person | None:
    """The mentee named by `email`, if the person may assign them a mentor; None otherwise (the page
    does not tell a coordinator whether someone outside their institution exists)."""
    mentee = programme_person_by_email(programme=programme, email=email)
    if mentee is None or not can(person, Action.MENTOR_ASSIGN, mentee):
        return None
    return mentee


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """Find a mentee by e-mail address, see their mentor and the suggestions with reasons, and assign one
    of them or another mentor with a reason."""
    person = _person(request)
    grants = grants_for(person)
    programme = _latest_programme(person, _assigning_programme_ids(grants))
    if programme is None or not _may_assign(person, grants, programme):
        raise PermissionDenied
    not_found = _("Nobody with this e-mail address is among the people you can assign a mentor to.")
    mentee: Person | None = None
    assign_form: AssignForm | None = None
    if request.method == "POST":
        email = request.POST.get("mentee", "")
        find_form = MenteeFindForm({"mentee": email})
        mentee = _mentee_for(person, programme, email) if find_form.is_valid() else None
        if mentee is None and not find_form.errors:
            find_form.add_error("mentee", not_found)
        if mentee is not None:
            suggestions = mentor_suggestions(programme=programme, mentee=mentee)
            chosen = request.POST.get("mentor", "")
            if chosen.isdigit() and all(str(s.mentor.pk) != chosen for s in suggestions):
                # Suggested when the page was shown, full or gone since: the service says why it refuses.
                earlier = mentor_by_pk(programme=programme, pk=int(chosen))
                if earlier is not None:
                    suggestions.append(Suggestion(mentor=earlier, capacity_left=0))
            assign_form = AssignForm(request.POST, mentors=_mentor_choices(suggestions))
            if assign_form.is_valid():
                done = _assign_chosen(request, programme, mentee, assign_form, suggestions)
                if done is not None:
                    messages.success(
                        request,
                        _("%(mentor)s now mentors %(mentee)s.")
                        % {"mentor": done.mentor.full_name, "mentee": mentee.full_name},
                    )
                    return redirect("cascade:pair", pk=done.pk)
    else:
        find_form = MenteeFindForm(request.GET if "mentee" in request.GET else None)
        if find_form.is_valid():
            mentee = _mentee_for(person, programme, find_form.cleaned_data["mentee"])
            if mentee is None:
                find_form.add_error("mentee", not_found)
            else:
                suggestions = mentor_suggestions(programme=programme, mentee=mentee)
                assign_form = AssignForm(initial={"mentee": mentee.email}, mentors=_mentor_choices(suggestions))
    context = {
        "programme": programme,
        "find_form": find_form,
        "mentee": mentee,
        "current": current_pair_of_mentee(programme=programme, mentee=mentee) if mentee else None,
        "assign_form": assign_form,
    }
    return render(request, "cascade/mentoring_assign.html", context)


def _assign_chosen(
    request: HttpRequest, programme: Programme, mentee: Person, form: AssignForm, suggestions: list[Suggestion]
) -> MentorAssignment | None:
    """Assign the mentor chosen in `form`; a refusal goes next to the field it concerns (None returned)."""
    data = form.cleaned_data
    override = data["mentor"] == OTHER_MENTOR
    if override:
        mentor = programme_person_by_email(programme=programme, email=data["other_email"])
        if mentor is None:
            form.add_error("other_email", _("Nobody with this e-mail address takes part in the programme."))
            return None
    else:
        mentor = next(s.mentor for s in suggestions if str(s.mentor.pk) == data["mentor"])
    try:
        return mentor_assign(
            programme=programme, mentor=mentor, mentee=mentee, actor=_person(request), reason=data["reason"]
        )
    except CascadeError as error:
        field = ("other_email" if override else "mentor") if error.field == "mentor" else "reason"
        _add_service_error(form, error, field=field)
        return None
