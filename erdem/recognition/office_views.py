"""The programme office's pages: degree programmes with their modules, rules and office; the queue of credit
requests and the decision; the institution's recognition register as CSV / XLSX."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erdem.access.models import Role
from erdem.access.policy import Action, can, grants_for, require
from erdem.audit.services import audit_export
from erdem.core.i18n import localized
from erdem.core.tables import FORMATS, table_response
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.recognition.forms import DecisionForm, DegreeForm, ModuleForm, OfficeAddForm, RuleForm
from erdem.recognition.models import DegreeModule, DegreeProgramme, RecognitionRequest, RecognitionRule
from erdem.recognition.selectors import (
    degree_detail,
    degrees_for_office,
    degrees_manageable_by,
    module_credits,
    office_queue,
    register_header,
    register_rows,
    request_for,
    rule_names_module,
    rule_needs,
)
from erdem.recognition.services import (
    RecognitionError,
    degree_create,
    degree_office_add,
    degree_office_remove,
    degree_update,
    module_save,
    request_decide,
    rule_save,
    rule_snapshot,
)
from erdem.recognition.views import form_error, request_detail_context, snapshot_names

QUEUE_PER_PAGE = 50


def institutions_for_new_degrees(person: Any) -> QuerySet[Institution]:
    """Where `person` may set up a degree programme: any institution for a national admin, else the institutions
    they coordinate."""
    grants = grants_for(person)
    if person.is_superuser or grants.is_national_admin:
        return Institution.objects.order_by("code")
    return Institution.objects.filter(pk__in=grants.institution_ids(Role.COORDINATOR)).order_by("code")


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _degree_managed(request: HttpRequest, pk: int) -> DegreeProgramme:
    degree = degree_detail(pk)
    if degree is None:
        raise Http404
    require(request.user, Action.DEGREE_MANAGE, degree)
    return degree


@login_required
@require_http_methods(["GET", "POST"])
def degrees(request: HttpRequest) -> HttpResponse:
    institutions = institutions_for_new_degrees(request.user)
    listed = list(degrees_manageable_by(request.user).order_by("institution__code", "code"))
    can_create = institutions.exists()
    if not listed and not can_create:
        raise PermissionDenied(Action.DEGREE_CREATE.value)
    form = None
    if can_create:
        form = DegreeForm(request.POST or None, institutions=institutions)
        if request.method == "POST" and form.is_valid():
            institution = form.cleaned_data["institution"]
            require(request.user, Action.DEGREE_CREATE, institution)
            try:
                created = degree_create(institution=institution, actor=_person(request), **form.values())
            except RecognitionError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The degree programme was created. Add its modules and rules."))
                return redirect("recognition:degree", pk=created.pk)
    elif request.method == "POST":
        raise PermissionDenied(Action.DEGREE_CREATE.value)
    return render(request, "recognition/degrees.html", {"degrees": listed, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def degree(request: HttpRequest, pk: int) -> HttpResponse:
    found = _degree_managed(request, pk)
    office_form = OfficeAddForm(request.POST if request.POST.get("action") == "office_add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "office_remove":
            person = get_object_or_404(Person, pk=request.POST.get("person", "0") or 0)
            degree_office_remove(degree=found, actor=_person(request), person=person)
            messages.success(request, _("%(name)s is no longer in the programme office.") % {"name": person.full_name})
            return redirect("recognition:degree", pk=found.pk)
        if office_form.is_valid():
            try:
                added = degree_office_add(degree=found, actor=_person(request), email=office_form.cleaned_data["email"])
            except RecognitionError as error:
                form_error(office_form, error)
            else:
                messages.success(request, _("%(name)s is now in the programme office.") % {"name": added.full_name})
                return redirect("recognition:degree", pk=found.pk)
    rules = [
        {
            "rule": rule,
            "needs": rule_needs(rule_snapshot(rule)),
            "names_module": rule_names_module(localized(rule, "name"), localized(rule.module, "name")),
        }
        for rule in found.rules.all()
    ]
    context = {
        "degree": found,
        "modules": list(found.modules.all()),
        "credits": module_credits(found),
        "rules": rules,
        "office": list(found.office.all()),
        "office_form": office_form,
        "is_office": can(request.user, Action.DEGREE_OFFICE, found),
    }
    return render(request, "recognition/degree.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def degree_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _degree_managed(request, pk)
    form = DegreeForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            degree_update(degree=DegreeProgramme.objects.get(pk=found.pk), actor=_person(request), **form.values())
        except RecognitionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The degree programme was saved."))
            return redirect("recognition:degree", pk=found.pk)
    return render(request, "recognition/degree_form.html", {"degree": found, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def module_edit(request: HttpRequest, pk: int, module_pk: int | None = None) -> HttpResponse:
    found = _degree_managed(request, pk)
    module = get_object_or_404(DegreeModule, pk=module_pk, degree=found) if module_pk else None
    form = ModuleForm(request.POST or None, instance=DegreeModule.objects.get(pk=module.pk) if module else None)
    if request.method == "POST" and form.is_valid():
        try:
            module_save(degree=found, actor=_person(request), module=module, **form.values())
        except RecognitionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The module was saved."))
            return redirect("recognition:degree", pk=found.pk)
    return render(request, "recognition/module_form.html", {"degree": found, "module": module, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int, rule_pk: int | None = None) -> HttpResponse:
    found = _degree_managed(request, pk)
    rule = (
        get_object_or_404(RecognitionRule.objects.select_related("approved_by"), pk=rule_pk, degree=found)
        if rule_pk
        else None
    )
    initial = {} if rule else {"approved_by_email": _person(request).email}
    form = RuleForm(request.POST or None, instance=rule, degree=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            rule_save(degree=found, actor=_person(request), rule=rule, **values)
        except RecognitionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("recognition:degree", pk=found.pk)
    if rule is not None:
        rule.refresh_from_db()
    return render(request, "recognition/rule_form.html", {"degree": found, "rule": rule, "form": form})


@login_required
@require_GET
def office(request: HttpRequest) -> HttpResponse:
    offices = list(degrees_for_office(request.user).order_by("institution__code", "code"))
    if not offices:
        raise PermissionDenied(Action.DEGREE_OFFICE.value)
    status = request.GET.get("status", RecognitionRequest.Status.SUBMITTED)
    if status not in RecognitionRequest.Status.values and status != "all":
        status = RecognitionRequest.Status.SUBMITTED
    chosen = None
    if request.GET.get("degree", "").isdigit():
        chosen = next((d for d in offices if d.pk == int(request.GET["degree"])), None)
        if chosen is None:
            raise Http404
    queue = office_queue(request.user, status="" if status == "all" else status, degree=chosen)
    page = Paginator(queue, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = snapshot_names(list(page.object_list))
    context = {
        "page": page,
        "offices": offices,
        "chosen": chosen,
        "status": status,
        "statuses": RecognitionRequest.Status.choices,
    }
    return render(request, "recognition/office.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = request_for(request.user, public_id)
    if found is None:
        raise Http404
    require(request.user, Action.DEGREE_OFFICE, found.degree)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            request_decide(
                request=found,
                actor=_person(request),
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except RecognitionError as error:
            found.refresh_from_db()
            if found.status != RecognitionRequest.Status.SUBMITTED:
                # decided meanwhile (another tab, a colleague): show the decision made, not the form again
                messages.error(request, error.message)
                context = request_detail_context(request, found)
                return render(request, "recognition/request_detail.html", context, status=400)
            form_error(form, error)
        else:
            messages.success(request, _("The decision was recorded and the learner told."))
            return redirect("recognition:request", public_id=found.public_id)
    context = request_detail_context(request, found)
    context["decision_form"] = form
    return render(request, "recognition/request_detail.html", context, status=400)


@login_required
@require_GET
def register_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    found = get_object_or_404(DegreeProgramme.objects.select_related("institution"), pk=pk)
    require(request.user, Action.DEGREE_OFFICE, found)
    if fmt not in FORMATS:
        raise Http404
    audit_export(request=request, table="recognition register", rows=found.requests.count(), fmt=fmt, target=found)
    return table_response(
        header=register_header(),
        rows=register_rows(found),
        fmt=fmt,
        filename=f"recognition-register-{found.code}",
        sheet_title=_("Recognition register"),
    )
