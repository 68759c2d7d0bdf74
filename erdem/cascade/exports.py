"""The lineage as a file: who trained whom, as CSV or Excel, for those who may see the names.

The scope follows the reader: national admins get the whole programme, coordinators the people of
their institutions, master teachers, trainers and mentors their own branch (everyone whose path starts
with theirs). `?institution=<id>` narrows to one institution (within the reader's scope). E-mail
addresses are included only for national admins and coordinators. The file is written by
`core.tables` (CSV streamed, Excel row by row, formulas defused).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from erdem.access.models import Role
from erdem.access.policy import Action, can, grants_for
from erdem.audit.services import audit_export
from erdem.cascade.models import LineageNode
from erdem.cascade.trainer_views import certified_exists, programme_for
from erdem.core.tables import FORMATS, id_param, table_response
from erdem.core.tables import neutralise as neutralise  # the lineage tests check it here
from erdem.people.models import Person
from erdem.programmes.models import Programme

ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class Scope:
    """Which lineage nodes a reader may export, and whether e-mail addresses come with them."""

    nodes: QuerySet[LineageNode]
    with_email: bool
    name: str


def lineage_scope(person: Any, programme: Programme, *, institution_id: int | None = None) -> Scope:
    """The reader's scope; PermissionDenied when they may export nothing."""
    nodes = LineageNode.objects.filter(programme=programme)
    if can(person, Action.CASCADE_NATIONAL_VIEW, programme):
        scope = Scope(nodes, with_email=True, name="programme")
    else:
        coordinated = grants_for(person).institution_ids(Role.COORDINATOR)
        if coordinated:
            scope = Scope(nodes.filter(person__institution__in=coordinated), with_email=True, name="institution")
        elif can(person, Action.CASCADE_OWN_VIEW, programme):
            own = LineageNode.objects.filter(programme=programme, person=person).values_list("path", flat=True).first()
            mine = nodes.filter(path__startswith=own) if own else nodes.none()
            scope = Scope(mine, with_email=False, name="branch")
        else:
            raise PermissionDenied(Action.CASCADE_OWN_VIEW.value)
    if institution_id is not None:
        scope = Scope(scope.nodes.filter(person__institution_id=institution_id), scope.with_email, scope.name)
    return scope


def _header(with_email: bool) -> list[str]:
    columns = [_("Person")]
    if with_email:
        columns.append(_("E-mail"))
    columns += [
        _("Institution"),
        _("Region"),
        _("Trained by"),
        _("Master teacher"),
        _("Generation"),
        _("Source"),
        _("Trained on"),
        _("Certified"),
    ]
    return columns


def lineage_rows(scope: Scope, programme: Programme) -> Iterator[list[Any]]:
    """One row per person, read in chunks."""
    nodes = (
        scope.nodes.select_related("person__institution__region", "trainer", "root")
        .annotate(is_certified=certified_exists(programme))
        .order_by("path")
    )
    yes, no = _("yes"), _("no")
    for node in nodes.iterator(chunk_size=ROWS_PER_CHUNK):
        person = node.person
        institution = person.institution
        row: list[Any] = [person.full_name]
        if scope.with_email:
            row.append(person.email)
        row += [
            institution.short_name if institution else "",
            institution.region.name if institution else "",
            node.trainer.full_name if node.trainer else "",
            node.root.full_name if node.root else "",
            node.depth,
            node.get_source_display(),
            timezone.localtime(node.trained_at).date().isoformat(),
            yes if node.is_certified else no,
        ]
        yield row


@login_required
@require_GET
def lineage_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404
    person = cast(Person, request.user)
    programme = programme_for(person)
    if programme is None:
        raise Http404
    scope = lineage_scope(person, programme, institution_id=id_param(request, "institution"))
    audit_export(request=request, table="cascade lineage", rows=scope.nodes.count(), fmt=fmt)
    return table_response(
        header=_header(scope.with_email),
        rows=lineage_rows(scope, programme),
        fmt=fmt,
        filename=f"lineage-{programme.slug}-{scope.name}-{timezone.localdate().isoformat()}",
        sheet_title=_("Lineage"),
    )
