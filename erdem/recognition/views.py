"""The educator's credit recognition pages: my requests and credits, a new request, a request's page (shared
with the programme office) and withdrawing a request."""

import datetime as dt
import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erdem.access.policy import Action, can, require
from erdem.credentials.verification import verify_input
from erdem.people.models import Person
from erdem.recognition.forms import DecisionForm, RequestForm
from erdem.recognition.selectors import (
    credentials_offerable,
    credit_record,
    request_for,
    requests_of,
    rule_changed_since,
    rule_needs,
    rules_open_to,
    snapshot_text,
    verdict_label,
)
from erdem.recognition.services import (
    RecognitionError,
    request_submit,
    split_external,
)
from erdem.recognition.services import (
    request_withdraw as withdraw_request,
)


def snapshot_names(requests: Any) -> Any:
    """Give each request `rule_name` and `module_name` from its rule as it was at submission."""
    for item in requests:
        item.rule_name = snapshot_text(item.rule_snapshot, "name")
        item.module_name = snapshot_text(item.rule_snapshot.get("module", {}), "name")
        item.module_code = item.rule_snapshot.get("module", {}).get("code", "")
    return requests


def form_error(form: Any, error: RecognitionError) -> None:
    """The service's refusal next to the form field it concerns (a form may name a field differently)."""
    field = getattr(form, "service_fields", {}).get(error.field, error.field)
    field = field if field in form.fields else None
    form.add_error(field, error.message)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    record = credit_record(request.user)
    for entry in record:
        snapshot_names(entry.requests)
    context = {
        "requests": snapshot_names(list(requests_of(request.user))),
        "record": record,
        "in_an_office": cast(Person, request.user).degree_offices.exists(),
    }
    return render(request, "recognition/mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    rules = rules_open_to(request.user)
    credentials = credentials_offerable(request.user)
    initial = {}
    if request.GET.get("rule", "").isdigit():
        initial["rule"] = int(request.GET["rule"])
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, rules=rules, credentials=credentials)
        if form.is_valid():
            rule = form.cleaned_data["rule"]
            require(request.user, Action.RECOGNITION_REQUEST, rule.degree)
            texts = split_external(form.cleaned_data["external"])
            if form.cleaned_data["external_file"]:
                texts.append(form.cleaned_data["external_file"])
            try:
                created = request_submit(
                    person=cast(Person, request.user),
                    degree=rule.degree,
                    rule=rule,
                    credentials=list(form.cleaned_data["credentials"]),
                    external=texts,
                    message=form.cleaned_data["message"],
                )
            except RecognitionError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Your request was sent to the programme office."))
                return redirect("recognition:request", public_id=created.public_id)
    else:
        form = RequestForm(initial=initial, rules=rules, credentials=credentials)
    return render(request, "recognition/request_form.html", {"form": form, "rules": rules})


def _rechecked(item: Any) -> Any:
    text = json.dumps(item.external_document) if item.external_document is not None else item.external_jwt
    return verify_input(text, pointers=False)


def request_detail_context(request: HttpRequest, found: Any) -> dict[str, Any]:
    is_office = can(request.user, Action.DEGREE_OFFICE, found.degree)
    recheck = is_office and request.GET.get("recheck") == "1"
    rows = []
    for item in found.credentials.all():
        now = _rechecked(item) if recheck and item.credential_id is None else None
        rows.append(
            {
                "item": item,
                "verdict": verdict_label(item.verdict),
                "now": now,
                "now_verdict": verdict_label(now.verdict) if now else "",
                "now_checks": [
                    {"status": c.status, "title": str(c.title), "message": str(c.message)} for c in now.checks
                ]
                if now
                else [],
            }
        )
    snapshot_names([found])
    achievements = [snapshot_text(a, "name") for a in found.rule_snapshot.get("achievements", [])]
    valid_to = found.rule_snapshot.get("valid_to")
    return {
        "req": found,
        "achievements": achievements,
        "rows": rows,
        "snapshot": found.rule_snapshot,
        "needs": rule_needs(found.rule_snapshot),
        "rule_changed": rule_changed_since(found),
        "is_office": is_office,
        "is_owner": found.person_id == request.user.pk,
        "recheck": recheck,
        "has_external": any(row["item"].credential_id is None for row in rows),
        "valid_from": dt.date.fromisoformat(found.rule_snapshot["valid_from"]),
        "valid_to": dt.date.fromisoformat(valid_to) if valid_to else None,
        "decision_form": DecisionForm() if is_office and found.status == found.Status.SUBMITTED else None,
    }


@login_required
@require_GET
def request_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = request_for(request.user, public_id)
    if found is None:
        raise Http404
    return render(request, "recognition/request_detail.html", request_detail_context(request, found))


@login_required
@require_POST
def request_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = request_for(request.user, public_id)
    if found is None or found.person_id != request.user.pk:
        raise Http404
    try:
        withdraw_request(request=found, person=cast(Person, request.user))
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("recognition:request", public_id=found.public_id)
