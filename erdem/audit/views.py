"""The audit log page (`/audit/`) and its export, for national admins and superusers."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from erdem.access.policy import Action, can, require
from erdem.access.selectors import programme_for_action
from erdem.audit.forms import AuditFilterForm
from erdem.audit.models import AuditEvent
from erdem.audit.selectors import audit_events, detail_items, log_time, person_of
from erdem.audit.services import audit_export
from erdem.core.tables import FORMATS, table_response
from erdem.credentials.templatetags.credentials_manage import person_name_text

EVENTS_PER_PAGE = 50


def _viewer_check(request: HttpRequest) -> None:
    """403 unless the person administers the programme (national admins) or is a superuser."""
    require(request.user, Action.AUDIT_VIEW, programme_for_action(request.user, Action.AUDIT_VIEW))


@dataclass(frozen=True)
class PersonCell:
    """Who a row names: the person (None when deleted), the id kept by the row, a link for the viewer."""

    person: Any
    person_id: int | None
    url: str

    @property
    def name(self) -> str:
        return person_name_text(self.person)


def _person_cell(viewer: Any, event: AuditEvent, role: str) -> PersonCell:
    person, person_id = person_of(event, role)
    url = ""
    if person is not None and can(viewer, Action.PERSON_VIEW, person):
        url = f"{reverse('audit:list')}?{urlencode({'subject': person.email})}"
    return PersonCell(person, person_id, url)


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    at: Any
    action: str
    actor: PersonCell
    subject: PersonCell
    details: list[tuple[str, str]]


def _rows(viewer: Any, events: list[AuditEvent]) -> list[Row]:
    return [
        Row(
            event=event,
            at=log_time(event),
            action=capfirst(event.get_action_display()),
            actor=_person_cell(viewer, event, "actor"),
            subject=_person_cell(viewer, event, "subject"),
            details=detail_items(event),
        )
        for event in events
    ]


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    _viewer_check(request)
    filters = AuditFilterForm(request.GET or None)
    events = audit_events(**filters.criteria())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = _query_without(request, "page")
    context = {
        "filters": filters,
        "page": page,
        "rows": _rows(request.user, list(page.object_list)),
        "export_urls": [
            (fmt, f"{reverse('audit:export', args=[fmt])}{'?' + query if query else ''}") for fmt in FORMATS
        ],
    }
    return render(request, "audit/list.html", context, status=400 if filters.errors else 200)


def _export_header() -> list[str]:
    return [
        _("Time (Ulaanbaatar)"),
        _("Action"),
        _("By (id)"),
        _("By"),
        _("By (e-mail)"),
        _("About (id)"),
        _("About"),
        _("About (e-mail)"),
        _("Object"),
        _("Summary"),
        _("Details"),
        _("IP address"),
    ]


def _deleted(person_id: int | None) -> str:
    return _("deleted person #%(id)s") % {"id": person_id} if person_id is not None else ""


def _export_rows(events: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The log's rows read in chunks, in the reader's language (`core.tables` writes them in it)."""
    for event in events.iterator(chunk_size=1000):
        actor, actor_id = person_of(event, "actor")
        subject, subject_id = person_of(event, "subject")
        yield [
            log_time(event).strftime("%Y-%m-%d %H:%M:%S"),
            capfirst(event.get_action_display()),
            actor_id or "",
            person_name_text(actor) if actor is not None else _deleted(actor_id),
            actor.email if actor is not None else "",
            subject_id or "",
            person_name_text(subject) if subject is not None else _deleted(subject_id),
            subject.email if subject is not None else "",
            event.target,
            event.summary,
            "; ".join(f"{key}: {value}" for key, value in detail_items(event)),
            event.ip_address or "",
        ]


@login_required
@require_GET
def audit_export_file(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered log as CSV or Excel; the download is itself recorded in the log."""
    _viewer_check(request)
    if fmt not in FORMATS:
        raise Http404
    filters = AuditFilterForm(request.GET or None)
    if filters.errors:
        return audit_list(request)
    events = audit_events(**filters.criteria())
    recorded = audit_export(request=request, table="audit log", rows=events.count(), fmt=fmt)
    return table_response(
        header=_export_header(),
        rows=_export_rows(events.exclude(pk=recorded.pk)),
        fmt=fmt,
        filename=f"audit-log-{timezone.localdate().isoformat()}",
        sheet_title=_("Audit log"),
    )
