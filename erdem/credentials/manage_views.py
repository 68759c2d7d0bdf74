"""The national centre's credential pages: achievements and their rules, issuing by hand and in bulk,
each credential's state and history, the signing keys and the audit log.

Every page is for the national admins of the current programme (erdem.access.policy decides); an
achievement or credential of another programme is not found. Thin: reads in selectors, writes in
services, and every refusal of a service is shown next to the field it concerns.
"""

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.policy import Action, require
from erdem.access.selectors import programme_required
from erdem.audit.services import audit_export
from erdem.core.tables import table_response
from erdem.credentials import selectors
from erdem.credentials.forms import (
    AchievementForm,
    AuditFilterForm,
    BulkChooseForm,
    BulkIssueForm,
    CredentialActionForm,
    CredentialFilterForm,
    KeyRotateForm,
    ManualIssueForm,
    RuleForm,
)
from erdem.credentials.identity import issuer_did
from erdem.credentials.keys import key_active, key_rotate
from erdem.credentials.models import Achievement, AchievementRule, Credential
from erdem.credentials.rules import achievement_rules as rules_with_labels
from erdem.credentials.rules import rule_label, rules_evaluate
from erdem.credentials.services import (
    AchievementError,
    IssuanceError,
    achievement_rule_add,
    achievement_rule_remove,
    achievement_update,
    credential_issue,
    credential_reinstate,
    credential_reissue,
    credential_revoke,
    credential_suspend,
    issuance_run_create,
)
from erdem.credentials.services import (
    achievement_create as achievement_create_service,
)
from erdem.credentials.templatetags.credentials_manage import person_name_text
from erdem.people.imports import HEADER_LOOKUP, read_table
from erdem.people.models import Person
from erdem.programmes.models import Programme

CREDENTIALS_PER_PAGE = 50
EVENTS_PER_PAGE = 50
PREVIEW_SHOWN = 100  # people listed per group in the bulk preview; the counts are always complete
BULK_FILE_MAX_BYTES = 2 * 1024 * 1024
BULK_FILE_MAX_ROWS = 5000
_BULK_SESSION_KEY = "credentials-bulk"


def _programme(request: HttpRequest, action: Action) -> Programme:
    """The programme the page is about (as the workshop and cohort pages choose); 403 when the person may not."""
    return programme_required(request.user, action)


def _achievement(request: HttpRequest, action: Action, public_id: Any) -> tuple[Programme, Achievement]:
    """The achievement and its programme, when the person may do `action` in that programme (403 otherwise)."""
    achievement = selectors.achievement_by_public_id(public_id=public_id)
    if achievement is None:
        raise Http404
    require(request.user, action, achievement.programme)
    return achievement.programme, achievement


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _service_error(form: Any, error: AchievementError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


# --- achievements ----------------------------------------------------------------------------------------


@login_required
@require_GET
def achievement_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.ACHIEVEMENT_MANAGE)
    achievements = list(selectors.achievements_with_counts(programme=programme))
    return render(request, "credentials/manage/list.html", {"programme": programme, "achievements": achievements})


def _achievement_form(request: HttpRequest, programme: Programme, instance: Achievement | None) -> AchievementForm:
    posted = request.method == "POST"
    return AchievementForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=instance,
        programme=programme,
        competency_groups=selectors.competencies_grouped(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def achievement_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.ACHIEVEMENT_MANAGE)
    form = _achievement_form(request, programme, None)
    if request.method == "POST" and form.is_valid():
        try:
            achievement = achievement_create_service(
                programme=programme,
                values=form.values(),
                competencies=form.cleaned_data["competencies"],
                image=form.cleaned_data.get("image") or None,
            )
        except AchievementError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The achievement is saved."))
            return redirect("credentials:achievement_detail", public_id=achievement.public_id)
    return render(request, "credentials/manage/form.html", {"form": form, "achievement": None, "issued": 0})


@login_required
@require_http_methods(["GET", "POST"])
def achievement_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    programme, achievement = _achievement(request, Action.ACHIEVEMENT_MANAGE, public_id)
    form = _achievement_form(request, programme, achievement)
    if request.method == "POST" and form.is_valid():
        try:
            achievement_update(
                achievement=achievement,
                values=form.values(),
                competencies=form.cleaned_data["competencies"],
                image=form.cleaned_data.get("image") or None,
                image_remove=form.cleaned_data.get("image_remove", False),
            )
        except AchievementError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The achievement is saved."))
            return redirect("credentials:achievement_detail", public_id=achievement.public_id)
    issued = selectors.achievement_credential_count(achievement=achievement)
    # What the page shows of the saved achievement must not reflect what the form changed in memory.
    saved = selectors.achievement_by_public_id(public_id=public_id)
    return render(request, "credentials/manage/form.html", {"form": form, "achievement": saved, "issued": issued})


@login_required
@require_GET
def achievement_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    achievement = _achievement(request, Action.ACHIEVEMENT_MANAGE, public_id)[1]
    filters = CredentialFilterForm(request.GET or None)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"]
    credentials = selectors.achievement_credentials(achievement=achievement, status=status, search=search)
    page = Paginator(credentials, CREDENTIALS_PER_PAGE).get_page(request.GET.get("page"))
    rules = rules_with_labels(achievement)
    context = {
        "achievement": achievement,
        "rules": [(rule, rule_label(rule)) for rule in rules],
        "filters": filters,
        "page": page,
        "outcomes_mn": [line for line in achievement.outcomes_mn.splitlines() if line.strip()],
        "outcomes_en": [line for line in achievement.outcomes_en.splitlines() if line.strip()],
    }
    return render(request, "credentials/manage/detail.html", context)


# --- rules -----------------------------------------------------------------------------------------------


def _rule_form(request: HttpRequest, programme: Programme, achievement: Achievement) -> RuleForm:
    from erdem.assessments.models import Quiz
    from erdem.assignments.models import Assignment
    from erdem.catalog.models import Course

    targets = selectors.rule_targets(programme=programme, achievement=achievement)
    return RuleForm(
        request.POST if request.method == "POST" else None,
        querysets={
            "course": Course.objects.filter(programme=programme),
            "quiz": Quiz.objects.filter(lesson__module__course__programme=programme).select_related(
                "lesson__module__course"
            ),
            "assignment": Assignment.objects.filter(lesson__module__course__programme=programme).select_related(
                "lesson__module__course"
            ),
            "required_achievement": Achievement.objects.filter(programme=programme).exclude(pk=achievement.pk),
        },
        labels={
            "course": dict(targets.courses),
            "quiz": dict(targets.quizzes),
            "assignment": dict(targets.assignments),
            "required_achievement": dict(targets.achievements),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def achievement_rules(request: HttpRequest, public_id: Any) -> HttpResponse:
    programme, achievement = _achievement(request, Action.ACHIEVEMENT_MANAGE, public_id)
    if request.method == "POST" and "remove" in request.POST:
        rule_id = _int(request.POST.get("remove"))
        rule = AchievementRule.objects.filter(achievement=achievement, pk=rule_id).first() if rule_id else None
        if rule is None:
            messages.error(request, _("This rule was already removed."))
        else:
            achievement_rule_remove(rule=rule)
            messages.success(request, _("The rule is removed."))
        return redirect("credentials:achievement_rules", public_id=achievement.public_id)
    form = _rule_form(request, programme, achievement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            achievement_rule_add(
                achievement=achievement,
                kind=data["kind"],
                course=data.get("course"),
                quiz=data.get("quiz"),
                assignment=data.get("assignment"),
                required_achievement=data.get("required_achievement"),
                threshold=data.get("threshold"),
            )
        except AchievementError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The rule is added."))
            return redirect("credentials:achievement_rules", public_id=achievement.public_id)
    rules = [(rule, rule_label(rule)) for rule in rules_with_labels(achievement)]
    return render(request, "credentials/manage/rules.html", {"achievement": achievement, "rules": rules, "form": form})


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- issuing by hand ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def issue_manual(request: HttpRequest, public_id: Any) -> HttpResponse:
    programme, achievement = _achievement(request, Action.CREDENTIAL_ISSUE, public_id)
    issuing = request.method == "POST" and request.POST.get("step") == "issue"
    form = ManualIssueForm(request.POST if request.method == "POST" else None, programme=programme, issuing=issuing)
    outcomes: list[Any] = []
    holding = revoked = None
    if request.method == "POST" and form.is_valid():
        person = form.person
        if issuing:
            try:
                credential = credential_issue(
                    achievement=achievement,
                    person=person,
                    method=Credential.Method.MANUAL,
                    actor=_person(request),
                    reason=form.cleaned_data["reason"],
                )
            except IssuanceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("The credential is issued. Holder: %(person)s.") % {"person": person_name_text(person)}
                )
                return redirect("credentials:credential_manage", public_id=credential.public_id)
    if form.person is not None:
        outcomes = rules_evaluate(achievement, [form.person.pk])[form.person.pk].outcomes
        holding = selectors.credential_held(achievement=achievement, person=form.person)
        if holding is None:
            revoked = selectors.credential_revoked(achievement=achievement, person=form.person)
    context = {
        "achievement": achievement,
        "form": form,
        "person": form.person,
        "outcomes": outcomes,
        "all_met": bool(outcomes) and all(outcome.met for outcome in outcomes),
        "holding": holding,
        "revoked": revoked,
    }
    return render(request, "credentials/manage/issue_manual.html", context)


# --- issuing in bulk ---------------------------------------------------------------------------------------


def _emails_from_table(data: bytes, name: str) -> tuple[list[tuple[int, str]], list[str]]:
    """The (line, address) pairs of an uploaded list, and problems with the file as a whole."""
    table = read_table(data=data, max_rows=BULK_FILE_MAX_ROWS, max_bytes=BULK_FILE_MAX_BYTES, name=name)
    keys = ["".join(ch for ch in header.casefold() if ch.isalnum()) for header in table.headers]
    column = next((i for i, key in enumerate(keys) if HEADER_LOOKUP.get(key) == "email"), None)
    if column is None:
        return [], [
            _("The file has no column named “email”. Name the column of addresses “email” and upload it again.")
        ]
    return [(line, cells[column].strip() if column < len(cells) else "") for line, cells in table.rows], []


def _bulk_people_from_file(programme: Programme, upload: Any) -> tuple[list[int], list[dict[str, Any]], list[str]]:
    """The ids of the programme's people listed in `upload`, a report on each row that was not used,
    and problems with the file as a whole."""
    from django.core.validators import validate_email

    upload.seek(0)
    data = upload.read()
    try:
        rows, problems = _emails_from_table(data, str(getattr(upload, "name", "") or ""))
    except ValidationError as error:
        return [], [], list(error.messages)
    if problems:
        return [], [], problems
    found = selectors.programme_people_by_emails(programme=programme, emails=[email for _line, email in rows])
    ids: list[int] = []
    report: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, email in rows:
        lowered = email.lower()
        if not email:
            report.append({"line": line, "email": "", "problem": _("The e-mail address is missing.")})
            continue
        try:
            validate_email(email)
        except ValidationError:
            report.append({"line": line, "email": email, "problem": _("This is not a valid e-mail address.")})
            continue
        if lowered in seen:
            report.append(
                {
                    "line": line,
                    "email": email,
                    "problem": _("Listed already on line %(line)s.") % {"line": seen[lowered]},
                }
            )
            continue
        seen[lowered] = line
        person = found.get(lowered)
        if person is None:
            report.append(
                {"line": line, "email": email, "problem": _("Nobody taking part in the programme has this address.")}
            )
            continue
        ids.append(person.pk)
    return ids, report, []


def _bulk_session(request: HttpRequest, achievement: Achievement) -> dict[str, Any] | None:
    stored = request.session.get(_BULK_SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("achievement") != str(achievement.public_id):
        return None
    return stored


def _preview_context(preview: selectors.BulkPreview) -> dict[str, Any]:
    return {
        "qualifies": preview.qualifies[:PREVIEW_SHOWN],
        "holds": preview.holds[:PREVIEW_SHOWN],
        "revoked": preview.revoked[:PREVIEW_SHOWN],
        "revoked_count": len(preview.revoked),
        "missing": preview.missing[:PREVIEW_SHOWN],
        "qualifies_count": len(preview.qualifies),
        "holds_count": len(preview.holds),
        "missing_count": len(preview.missing),
        "shown": PREVIEW_SHOWN,
    }


@login_required
@require_http_methods(["GET", "POST"])
def issue_bulk(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Step 1: choose a cohort or upload a list. Step 2: the preview. Step 3: issue, as a background job.

    The people chosen stay on the server (the session), never in the page; on issuing they are
    checked again against the programme and the rules."""
    programme, achievement = _achievement(request, Action.CREDENTIAL_ISSUE, public_id)
    cohorts = selectors.programme_cohorts(programme=programme)
    step = request.POST.get("step") if request.method == "POST" else None
    context: dict[str, Any] = {"achievement": achievement}

    if step == "issue":
        stored = _bulk_session(request, achievement)
        if stored is None or not secrets.compare_digest(
            str(stored.get("token", "")), str(request.POST.get("token", ""))
        ):
            messages.error(request, _("This preview has expired. Choose the people again."))
            return redirect("credentials:issue_bulk", public_id=achievement.public_id)
        issue_form = BulkIssueForm(request.POST)
        person_ids = selectors.programme_person_ids_in_scope(programme=programme, person_ids=stored["person_ids"])
        cohort = cohorts.filter(pk=stored["cohort"]).first() if stored.get("cohort") else None
        preview = selectors.bulk_preview(achievement=achievement, person_ids=person_ids)
        if issue_form.is_valid():
            if not preview.qualifying_ids:
                messages.error(request, _("Nobody among the people chosen qualifies now; nothing was issued."))
                return redirect("credentials:issue_bulk", public_id=achievement.public_id)
            try:
                run = issuance_run_create(
                    achievement=achievement,
                    person_ids=preview.qualifying_ids,
                    actor=_person(request),
                    reason=issue_form.cleaned_data["reason"],
                    cohort=cohort,
                )
            except IssuanceError as error:
                issue_form.add_error(None, str(error))
            else:
                request.session.pop(_BULK_SESSION_KEY, None)
                count = len(preview.qualifying_ids)
                messages.success(
                    request,
                    ngettext(
                        "Issuing %(count)s credential has started.", "Issuing %(count)s credentials has started.", count
                    )
                    % {"count": count},
                )
                if run.job is None:  # the service always queues a job; this keeps the type checker informed
                    raise Http404
                return redirect("jobs:detail", pk=run.job.pk)
        context.update(_preview_context(preview))
        context.update(
            {
                "issue_form": issue_form,
                "cohort": cohort,
                "report": stored.get("report", []),
                "report_count": stored.get("report_count", 0),
                "step": "preview",
            }
        )
        return render(request, "credentials/manage/bulk.html", context)

    choose = BulkChooseForm(
        request.POST if step == "preview" else None, request.FILES if step == "preview" else None, cohorts=cohorts
    )
    if step == "preview" and choose.is_valid():
        cohort = choose.cleaned_data["cohort"]
        report: list[dict[str, Any]] = []
        if cohort is not None:
            person_ids = selectors.cohort_person_ids(cohort=cohort)
        else:
            person_ids, report, problems = _bulk_people_from_file(programme, choose.cleaned_data["file"])
            for problem in problems:
                choose.add_error("file", problem)
        if not choose.errors:
            preview = selectors.bulk_preview(achievement=achievement, person_ids=person_ids)
            token = secrets.token_urlsafe(16)
            request.session[_BULK_SESSION_KEY] = {
                "achievement": str(achievement.public_id),
                "cohort": cohort.pk if cohort is not None else None,
                "person_ids": person_ids,
                "token": token,
                "report": report[:PREVIEW_SHOWN],
                "report_count": len(report),
            }
            context.update(_preview_context(preview))
            context.update(
                {
                    "issue_form": BulkIssueForm(initial={"token": token}),
                    "cohort": cohort,
                    "report": report[:PREVIEW_SHOWN],
                    "report_count": len(report),
                    "step": "preview",
                }
            )
            return render(request, "credentials/manage/bulk.html", context)
    context.update({"choose": choose, "step": "choose", "has_cohorts": cohorts.exists()})
    return render(request, "credentials/manage/bulk.html", context)


# --- one credential ---------------------------------------------------------------------------------------

_ACTIONS = {
    "suspend": (credential_suspend, Action.CREDENTIAL_REVOKE),
    "reinstate": (credential_reinstate, Action.CREDENTIAL_REVOKE),
    "revoke": (credential_revoke, Action.CREDENTIAL_REVOKE),
    "reissue": (credential_reissue, Action.CREDENTIAL_ISSUE),
}
_DONE = {
    "suspend": gettext_lazy("The credential is suspended."),
    "reinstate": gettext_lazy("The credential is reinstated."),
    "revoke": gettext_lazy("The credential is revoked."),
    "reissue": gettext_lazy("The credential is reissued; this is the new one."),
}


def _available_actions(credential: Credential) -> list[str]:
    status = Credential.Status
    if credential.status == status.ACTIVE:
        return ["reissue", "suspend", "revoke"]
    if credential.status == status.SUSPENDED:
        return ["reinstate", "revoke"]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def credential_manage(request: HttpRequest, public_id: Any) -> HttpResponse:
    credential = selectors.credential_by_public_id(public_id=public_id)
    if credential is None:
        raise Http404
    programme = credential.achievement.programme
    require(request.user, Action.CREDENTIAL_REVOKE, programme)
    available = _available_actions(credential)
    posted = request.POST.get("action") if request.method == "POST" else None
    if posted is not None and posted not in _ACTIONS:
        posted = None
    forms = {
        action: CredentialActionForm(request.POST if action == posted else None, action=action) for action in available
    }
    if posted is not None:
        service, permission = _ACTIONS[posted]
        require(request.user, permission, programme)
        form = forms.get(posted)
        if form is None:
            messages.error(
                request,
                _("This credential is %(status)s, so it cannot be changed that way.")
                % {"status": credential.get_status_display()},
            )
            return redirect("credentials:credential_manage", public_id=credential.public_id)
        if form.is_valid():
            try:
                changed = service(credential=credential, actor=_person(request), reason=form.cleaned_data["reason"])
            except IssuanceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _DONE[posted])
                return redirect("credentials:credential_manage", public_id=changed.public_id)
    context = {
        "credential": credential,
        "achievement": credential.achievement,
        "history": selectors.credential_history(credential=credential),
        "successor": selectors.credential_successor(credential=credential),
        "forms": forms,
        "posted": posted,
    }
    return render(request, "credentials/manage/credential.html", context)


# --- the signing keys -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.ISSUER_KEYS_MANAGE)
    form = KeyRotateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key_rotate()
        messages.success(
            request,
            _("A new signing key is in use. The previous key stays published, so its credentials still verify."),
        )
        return redirect("credentials:keys")
    key_active()  # a fresh installation shows the key it will sign with
    context = {
        "programme": programme,
        "did": issuer_did(),
        "did_url": "/.well-known/did.json",
        "jwks_url": "/.well-known/jwks.json",
        "keys": list(selectors.issuer_keys()),
        "form": form,
    }
    return render(request, "credentials/manage/keys.html", context)


# --- the audit log ------------------------------------------------------------------------------------------


def _log_header() -> list[str]:
    return [
        _("When (UTC)"),
        _("Action"),
        _("Achievement"),
        _("Holder"),
        _("Holder's e-mail"),
        _("Credential"),
        _("By"),
        _("Reason"),
    ]


def _log_rows(events: Any) -> Iterator[list[str]]:
    """The log's rows, read in chunks (in the reader's language: `core.tables` writes them in it)."""
    for event in events.iterator(chunk_size=1000):
        credential = event.credential
        yield [
            event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            event.get_action_display(),
            credential.achievement.code,
            person_name_text(credential.person),
            credential.person.email,
            str(credential.public_id),
            event.actor.email if event.actor else "",
            event.reason,
        ]


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponseBase:
    programme = _programme(request, Action.CREDENTIAL_REVOKE)
    achievements = Achievement.objects.filter(programme=programme).order_by("code")
    filters = AuditFilterForm(request.GET or None, achievements=achievements)
    criteria: dict[str, Any] = {}
    if filters.is_valid():
        data = filters.cleaned_data
        criteria = {
            "action": data["action"],
            "achievement": data["achievement"],
            "actor_email": data["actor"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = selectors.credential_events(programme=programme, **criteria)
    if request.GET.get("format") == "csv" and not filters.errors:
        audit_export(request=request, table="credential log", rows=events.count(), fmt="csv")
        return table_response(
            header=_log_header(),
            rows=_log_rows(events),
            fmt="csv",
            filename=f"credential-log-{timezone.now():%Y%m%d-%H%M}",
            sheet_title=_("Audit log of credentials"),
        )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    csv_query = request.GET.copy()
    csv_query.pop("page", None)
    csv_query["format"] = "csv"
    context = {
        "filters": filters,
        "page": page,
        "csv_url": f"{reverse('credentials:audit_log')}?{csv_query.urlencode()}",
    }
    return render(request, "credentials/manage/log.html", context)
