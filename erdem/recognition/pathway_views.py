"""Stackable pathway pages: the list and a pathway with my progress (everyone signed in; drafts only for
those who manage pathways), and the definition pages (Action.PATHWAY_MANAGE on the programme, 403 otherwise).
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.policy import Action, can, require
from erdem.access.selectors import programme_required
from erdem.people.models import Person
from erdem.recognition.pathway_forms import PathwayForm, pathway_initial
from erdem.recognition.pathway_selectors import (
    pathway_achievement_choices,
    pathway_progress,
    pathway_visible,
    pathways_progress,
    pathways_visible,
)
from erdem.recognition.pathway_services import PathwayError, pathway_publish, pathway_save
from erdem.recognition.standard_views import programme_shown


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


@login_required
@require_GET
def pathways(request: HttpRequest) -> HttpResponse:
    programme = programme_shown()
    person = _person(request)
    shown = pathways_visible(person=person, programme=programme)
    return render(
        request,
        "recognition/pathways.html",
        {
            "programme": programme,
            "progress_list": pathways_progress(pathways=shown, person=person),
            "can_manage": can(person, Action.PATHWAY_MANAGE, programme),
        },
    )


@login_required
@require_GET
def pathway(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    shown = pathway_visible(person=person, pk=pk)
    if shown is None:
        raise Http404
    return render(
        request,
        "recognition/pathway.html",
        {
            "pathway": shown,
            "progress": pathway_progress(pathway=shown, person=person),
            "can_manage": can(person, Action.PATHWAY_MANAGE, shown.programme),
        },
    )


def _form_page(request: HttpRequest, form: PathwayForm, pathway_shown: object = None) -> HttpResponse:
    return render(request, "recognition/pathway_form.html", {"form": form, "pathway": pathway_shown})


@login_required
@require_http_methods(["GET", "POST"])
def pathway_new(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.PATHWAY_MANAGE)
    achievements = pathway_achievement_choices(programme=programme)
    form = PathwayForm(request.POST or None, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        try:
            created = pathway_save(programme=programme, actor=_person(request), definition=form.definition())
        except PathwayError as error:
            form.add_error(form.service_error_field(error.field), error.message)
        else:
            messages.success(request, _("The pathway is saved as a draft."))
            return redirect("recognition:pathway", pk=created.pk)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def pathway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    edited = pathway_visible(person=person, pk=pk)
    if edited is None:
        raise Http404
    require(person, Action.PATHWAY_MANAGE, edited.programme)
    if request.method == "POST" and "publish" in request.POST:
        try:
            pathway_publish(pathway=edited, actor=person, published=request.POST["publish"] == "1")
        except PathwayError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The pathway is published.") if edited.is_published else _("The pathway is back to a draft."),
            )
        return redirect("recognition:pathway", pk=edited.pk)
    achievements = pathway_achievement_choices(programme=edited.programme, pathway=edited)
    form = PathwayForm(request.POST or None, achievements=achievements, initial=pathway_initial(edited))
    if request.method == "POST" and form.is_valid():
        try:
            pathway_save(programme=edited.programme, actor=person, definition=form.definition(), pathway=edited)
        except PathwayError as error:
            form.add_error(form.service_error_field(error.field), error.message)
        else:
            messages.success(request, _("The pathway is saved."))
            return redirect("recognition:pathway", pk=edited.pk)
    return _form_page(request, form, edited)
