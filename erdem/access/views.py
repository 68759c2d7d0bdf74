"""Role management pages for national admins: who holds which role, granting and ending roles."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from erdem.access import services
from erdem.access.forms import RoleAssignForm, RoleFilterForm
from erdem.access.models import Role
from erdem.access.policy import Action, require
from erdem.access.selectors import programmes_administered_by, role_assignment_administered_by, role_holders
from erdem.programmes.models import Programme

ROLE_HOLDERS_PER_PAGE = 50


def _administered_programmes(request: HttpRequest) -> tuple[QuerySet[Programme], list[Programme]]:
    """The programmes whose roles the signed-in person manages, as a queryset and a list
    (most recent active first); 403 for anybody who manages none."""
    programmes = programmes_administered_by(request.user)
    listed = list(programmes)
    if not listed:
        raise PermissionDenied(Action.ROLES_ASSIGN.value)
    return programmes, listed


def _list_url(programme: Programme, *, choose_programme: bool) -> str:
    url = reverse("access:list")
    return f"{url}?programme={programme.pk}" if choose_programme else url


def _back_url(request: HttpRequest) -> str:
    """Where to return after ending a role: the filtered list the admin came from."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed_hosts = {request.get_host()}
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts=allowed_hosts, require_https=request.is_secure()):
        return candidate
    return reverse("access:list")


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    programmes, listed = _administered_programmes(request)
    choose_programme = len(listed) > 1
    form = RoleFilterForm(request.GET, programmes=programmes, choose_programme=choose_programme)
    filters = form.filters()
    programme = filters.pop("programme") or listed[0]
    require(request.user, Action.ROLES_ASSIGN, programme)
    page = Paginator(role_holders(programme=programme, **filters), ROLE_HOLDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "programme": programme,
        "choose_programme": choose_programme,
        "form": form,
        "filtered": any(filters.values()),
        "page": page,
    }
    return render(request, "access/role_list.html", context)


@login_required
def role_assign(request: HttpRequest) -> HttpResponse:
    programmes, listed = _administered_programmes(request)
    choose_programme = len(listed) > 1
    requested = next((p for p in listed if str(p.pk) == request.GET.get("programme")), listed[0])
    form = RoleAssignForm(
        request.POST or None,
        programmes=programmes,
        choose_programme=choose_programme,
        initial={"programme": requested.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = data.get("programme") or listed[0]
        require(request.user, Action.ROLES_ASSIGN, programme)
        try:
            assignment = services.role_assign(
                person=data["email"],
                role=data["role"],
                programme=programme,
                institution=data["institution"],
                region=data["region"],
                granted_by=request.user,
            )
        except ValidationError as error:
            form.add_error("institution" if error.code == "institution_required" else None, error)
        else:
            messages.success(
                request,
                _("%(person)s now holds the role “%(role)s”.")
                % {"person": assignment.person.full_name, "role": assignment.get_role_display()},
            )
            return redirect(_list_url(programme, choose_programme=choose_programme))
    context = {"form": form, "programme": requested, "choose_programme": choose_programme}
    return render(request, "access/role_assign.html", context)


@login_required
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    _administered_programmes(request)
    assignment = role_assignment_administered_by(request.user, pk)
    if assignment is None:
        raise Http404
    require(request.user, Action.ROLES_ASSIGN, assignment.programme)
    back = _back_url(request)
    if request.method == "POST":
        names: dict[str, Any] = {"person": assignment.person.full_name, "role": assignment.get_role_display()}
        try:
            services.role_end(assignment=assignment, ended_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(person)s no longer holds the role “%(role)s”.") % names)
        return redirect(back)
    context = {
        "assignment": assignment,
        "back": back,
        "ends_own_admin_role": assignment.person_id == request.user.pk and assignment.role == Role.NATIONAL_ADMIN,
    }
    return render(request, "access/role_end.html", context)
