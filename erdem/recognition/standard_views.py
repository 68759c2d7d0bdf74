"""The national teacher qualification framework's pages: the grid standard x level and my standards map
(everyone signed in), the edit pages and the alignments (Action.STANDARDS_MANAGE on the programme: national
admins; 403 for others).
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.policy import Action, can, require
from erdem.access.selectors import programme_required
from erdem.credentials.models import Achievement
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current
from erdem.recognition.models import QualificationLevel, QualificationStandard, StandardDescriptor
from erdem.recognition.standard_forms import DescriptorForm, FrameworkPartForm
from erdem.recognition.standard_selectors import alignment_rows, framework_grid, standards_map
from erdem.recognition.standard_services import StandardError, descriptor_save, level_save, standard_save

PART_FIELDS = ("code", "name_mn", "name_en", "description_mn", "description_en", "position")


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def programme_shown() -> Programme:
    """The programme whose pathways and standards the pages show: the current one (404 when there is none)."""
    programme = programme_current()
    if programme is None:
        raise Http404
    return programme


@login_required
@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    programme = programme_shown()
    return render(
        request,
        "recognition/standards.html",
        {
            "programme": programme,
            "framework": framework_grid(programme=programme),
            "can_manage": can(_person(request), Action.STANDARDS_MANAGE, programme),
        },
    )


@login_required
@require_GET
def standards_map_mine(request: HttpRequest) -> HttpResponse:
    programme = programme_shown()
    person = _person(request)
    return render(
        request,
        "recognition/standards_map.html",
        {"programme": programme, "map": standards_map(person=person, programme=programme)},
    )


def _part_page(
    request: HttpRequest,
    *,
    programme: Programme,
    instance: Any,
    save: Any,
    title: str,
    saved: str,
) -> HttpResponse:
    initial = {name: getattr(instance, name) for name in PART_FIELDS} if instance is not None else None
    form = FrameworkPartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(programme=programme, instance=instance, values=form.cleaned_data)
        except StandardError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, saved)
            return redirect("recognition:standards")
    return render(request, "recognition/standard_form.html", {"form": form, "title": title, "instance": instance})


def _save_standard(*, programme: Programme, instance: Any, values: dict[str, Any]) -> None:
    standard_save(programme=programme, standard=instance, **values)


def _save_level(*, programme: Programme, instance: Any, values: dict[str, Any]) -> None:
    level_save(programme=programme, level=instance, **values)


@login_required
@require_http_methods(["GET", "POST"])
def standard_new(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.STANDARDS_MANAGE)
    return _part_page(
        request,
        programme=programme,
        instance=None,
        save=_save_standard,
        title=_("New standard"),
        saved=_("The standard is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(QualificationStandard.objects.select_related("programme"), pk=pk)
    require(request.user, Action.STANDARDS_MANAGE, standard.programme)
    return _part_page(
        request,
        programme=standard.programme,
        instance=standard,
        save=_save_standard,
        title=_("Edit the standard"),
        saved=_("The standard is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_new(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.STANDARDS_MANAGE)
    return _part_page(
        request,
        programme=programme,
        instance=None,
        save=_save_level,
        title=_("New level"),
        saved=_("The level is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_edit(request: HttpRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(QualificationLevel.objects.select_related("programme"), pk=pk)
    require(request.user, Action.STANDARDS_MANAGE, level.programme)
    return _part_page(
        request,
        programme=level.programme,
        instance=level,
        save=_save_level,
        title=_("Edit the level"),
        saved=_("The level is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def descriptor_edit(request: HttpRequest, standard: int, level: int) -> HttpResponse:
    """What a standard asks at a level, and the achievements aligned to it (created on first save)."""
    standard_obj = get_object_or_404(QualificationStandard.objects.select_related("programme"), pk=standard)
    require(request.user, Action.STANDARDS_MANAGE, standard_obj.programme)
    level_obj = get_object_or_404(QualificationLevel, pk=level, programme=standard_obj.programme)
    descriptor = StandardDescriptor.objects.filter(standard=standard_obj, level=level_obj).first()
    initial = (
        {
            "text_mn": descriptor.text_mn,
            "text_en": descriptor.text_en,
            "achievements": [achievement.pk for achievement in descriptor.achievements.all()],
        }
        if descriptor is not None
        else None
    )
    achievements = Achievement.objects.filter(programme=standard_obj.programme).order_by("code")
    form = DescriptorForm(request.POST or None, initial=initial, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            descriptor_save(
                standard=standard_obj,
                level=level_obj,
                text_mn=data["text_mn"],
                text_en=data["text_en"],
                achievements=list(data["achievements"]),
            )
        except StandardError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The descriptor is saved."))
            return redirect("recognition:standards")
    return render(
        request,
        "recognition/standard_descriptor_form.html",
        {"form": form, "standard": standard_obj, "level": level_obj, "descriptor": descriptor},
    )


@login_required
@require_GET
def alignments(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.STANDARDS_MANAGE)
    return render(
        request,
        "recognition/alignments.html",
        {
            "programme": programme,
            "rows": alignment_rows(programme=programme),
            "framework": framework_grid(programme=programme),
        },
    )
