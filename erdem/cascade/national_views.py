"""The national centre's cascade pages: the overview (master teachers, growth, gaps), the regions (also for
the ministry, without names and with small numbers hidden), appointments and nominations.

Permissions are erdem.access.policy's: names for the national admins of the programme
(CASCADE_NATIONAL_VIEW, APPOINTMENT_MANAGE), the regions' aggregates for them and the ministry viewer
(CASCADE_AGGREGATES_VIEW). Thin: reads in the selectors, writes in the services, and each refusal of a
service is shown next to the field it concerns.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.policy import Action, can
from erdem.access.selectors import programme_required
from erdem.cascade import charts, selectors
from erdem.cascade.forms import (
    AppointmentEndForm,
    AppointmentFilterForm,
    AppointmentForm,
    NominationDecisionForm,
    term_end_default,
)
from erdem.cascade.mentoring_selectors import mentor_suggestions
from erdem.cascade.models import Appointment, MentorAssignment, Nomination, Tier
from erdem.cascade.selectors import RegionRow
from erdem.cascade.services import CascadeError, appointment_end, appointment_prerequisites, nomination_decide
from erdem.cascade.services import appointment_create as appointment_create_service
from erdem.core.privacy import HIDDEN_TEXT, THRESHOLD, small
from erdem.organisations.models import Region
from erdem.people.models import Person
from erdem.programmes.models import Programme

APPOINTMENTS_PER_PAGE = 50
NOMINATIONS_PER_PAGE = 50
ENDING_SOON_DAYS = 60
ENDING_SOON_SHOWN = 20
OTHER_MENTORS_SHOWN = 30


def _programme(request: HttpRequest, action: Action) -> Programme:
    return programme_required(request.user, action)


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _page(request: HttpRequest, template: str, section: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page of the national centre's cascade, with its navigation unless `national` is false."""
    context.setdefault("national", True)
    context["cascade_page"] = section
    return render(request, f"cascade/{template}.html", context)


FIELD_OF_SERVICE = {"person": "email"}  # a service's field name → the form's, where they differ


def _form_error(form: Any, error: CascadeError) -> None:
    field = FIELD_OF_SERVICE.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


# --- the overview ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.CASCADE_AGGREGATES_VIEW)
    if not can(request.user, Action.CASCADE_NATIONAL_VIEW, programme):
        return redirect("cascade:regions")  # the ministry: aggregates only, never names
    today = timezone.localdate()
    reach = selectors.reach_by_master(programme=programme)
    current = Appointment.objects.filter(programme=programme, ended_at__isnull=True, term_ends_on__gte=today)
    tiers = current.aggregate(
        trainers=Count("pk", filter=Q(tier=Tier.REGIONAL_TRAINER)),
        mentors=Count("pk", filter=Q(tier=Tier.MENTOR)),
    )
    reached = sum(row.total for row in reach)
    certified = sum(row.certified for row in reach)
    rows = selectors.region_table(programme=programme)
    points = selectors.growth(programme=programme)
    ending = current.filter(term_ends_on__lte=today + dt.timedelta(days=ENDING_SOON_DAYS)).select_related("person")
    ending_list = list(ending.order_by("term_ends_on", "pk")[: ENDING_SOON_SHOWN + 1])
    context = {
        "programme": programme,
        "reach": reach,
        "figures": {
            "master_teachers": len(reach),
            "trainers": tiers["trainers"],
            "mentors": tiers["mentors"],
            "reached": reached,
            "certified_share": certified / reached if reached else None,
            "generations": max((row.generations for row in reach), default=0),
        },
        "growth": points,
        "growth_chart": charts.growth_svg(points) if points else "",
        "regions_count": len(rows),
        "regions_reached": sum(1 for row in rows if row.reached),
        "regions_with_gap": sum(1 for row in rows if row.gap),
        "regions_without_trainer": [row for row in rows if row.active_trainers == 0 and row.teachers > 0],
        "institutions_without_trainer": sum(row.institutions_without_trainer for row in rows),
        "pending_nominations": Nomination.objects.filter(programme=programme, status=Nomination.Status.PENDING).count(),
        "ending_soon": ending_list[:ENDING_SOON_SHOWN],
        "ending_soon_more": len(ending_list) > ENDING_SOON_SHOWN,
        "ending_soon_days": ENDING_SOON_DAYS,
    }
    return _page(request, "overview", "overview", context)


# --- the regions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionLine:
    """A row of the region table as shown: for the ministry, counts of people below THRESHOLD are None
    (shown as "<5"). The map draws the same row with those counts as "<5" in its labels."""

    row: Any
    teachers: int | None
    reached: int | None
    active_trainers: int | None


PEOPLE_COUNTS = ("teachers", "reached", "active_trainers")


def _region_lines(rows: list[Any], *, private: bool) -> list[RegionLine]:
    return [
        RegionLine(
            row=row,
            **{name: None if private and small(getattr(row, name)) else getattr(row, name) for name in PEOPLE_COUNTS},
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PrivateRegionRow:
    """A RegionRow for the ministry's map: counts of people below THRESHOLD read "<5" in its labels."""

    region: Any
    institutions: int
    teachers: int | str
    reached: int | str
    reached_share: float | None
    active_trainers: int | str
    institutions_without_trainer: int
    gap: bool


def _private_rows(rows: list[Any]) -> list[PrivateRegionRow]:
    hidden = HIDDEN_TEXT
    names = [field.name for field in dataclasses.fields(PrivateRegionRow)]
    private = []
    for row in rows:
        values: dict[str, Any] = {name: getattr(row, name) for name in names}
        for name in PEOPLE_COUNTS:
            if small(values[name]):
                values[name] = hidden
        private.append(PrivateRegionRow(**values))
    return private


# ?sort= key: (column heading, the value sorted on). A hidden small count sorts as one value, so the order
# never tells the ministry more than the cell does.
REGION_SORTS: dict[str, Any] = {
    "region": lambda line: str(line.row.region.name).casefold(),
    "institutions": lambda line: line.row.institutions,
    "teachers": lambda line: THRESHOLD / 2 if line.teachers is None else line.teachers,
    "reached": lambda line: THRESHOLD / 2 if line.reached is None else line.reached,
    "share": lambda line: -1.0 if line.row.reached_share is None else line.row.reached_share,
    "trainers": lambda line: THRESHOLD / 2 if line.active_trainers is None else line.active_trainers,
    "without": lambda line: line.row.institutions_without_trainer,
    "gap": lambda line: line.row.gap,
}


@login_required
@require_GET
def regions(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.CASCADE_AGGREGATES_VIEW)
    national = can(request.user, Action.CASCADE_NATIONAL_VIEW, programme)
    rows = list(selectors.region_table(programme=programme))
    lines = _region_lines(rows, private=not national)
    sort = request.GET.get("sort", "")
    key = sort.removeprefix("-")
    lines.sort(key=REGION_SORTS["region"])  # by name, and by name within equal values
    if key in REGION_SORTS:
        lines.sort(key=REGION_SORTS[key], reverse=sort.startswith("-"))
    else:
        sort = ""
    columns = [
        ("region", _("Region"), False),
        ("institutions", _("Institutions"), True),
        ("teachers", _("Teachers"), True),
        ("reached", _("Reached"), True),
        ("share", _("Share reached"), True),
        ("trainers", _("Active trainers"), True),
        ("without", _("Institutions without a trainer"), True),
        ("gap", _("Gap"), False),
    ]
    headings = []
    for column, label, numeric in columns:
        ascending = sort == column
        descending = sort == f"-{column}"
        headings.append(
            {
                "label": label,
                "numeric": numeric,
                "next": f"-{column}" if ascending else column,
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
            }
        )
    context = {
        "programme": programme,
        "national": national,
        "lines": lines,
        "headings": headings,
        "sort": sort,
        "map": charts.region_grid_svg(rows if national else cast(list[RegionRow], _private_rows(rows))),
        "gaps": sum(1 for row in rows if row.gap),
        "small_cell": THRESHOLD,
    }
    return _page(request, "regions", "regions", context)


# --- appointments ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.APPOINTMENT_MANAGE)
    form = AppointmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    queryset = Appointment.objects.filter(programme=programme)
    status = filters.get("status") or "current"
    if status == "current":
        queryset = queryset.filter(ended_at__isnull=True)
    elif status == "ended":
        queryset = queryset.filter(ended_at__isnull=False)
    if filters.get("tier"):
        queryset = queryset.filter(tier=filters["tier"])
    if filters.get("region"):
        queryset = queryset.filter(regions=filters["region"])
    if filters.get("ending_soon"):
        queryset = queryset.filter(ended_at__isnull=True, term_ends_on__lte=today + dt.timedelta(days=ENDING_SOON_DAYS))
    queryset = (
        queryset.select_related("person__institution")
        .prefetch_related("regions")
        .order_by("term_ends_on", "person__family_name", "person__given_name", "pk")
    )
    page = Paginator(queryset, APPOINTMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(
        request,
        "appointments",
        "appointments",
        {"programme": programme, "form": form, "page": page, "today": today, "status": status},
    )


def _prerequisite_checks(programme: Programme, person: Person | None, tier: str) -> list[dict[str, Any]]:
    if person is None or tier not in Tier.values:
        return []
    return appointment_prerequisites(programme=programme, person=person, tier=tier)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.APPOINTMENT_MANAGE)
    today = timezone.localdate()
    if request.method == "POST":
        form = AppointmentForm(request.POST, programme=programme)
    else:
        initial: dict[str, Any] = {"starts_on": today, "term_ends_on": term_end_default(today)}
        region_codes = [code for code in request.GET.getlist("region") if code]
        known = list(Region.objects.filter(iso_code__in=region_codes).values_list("iso_code", flat=True))
        if known:
            initial["regions"] = known
        if request.GET.get("tier") in Tier.values:
            initial["tier"] = request.GET["tier"]
        form = AppointmentForm(initial=initial, programme=programme)
    checks: list[dict[str, Any]] = []
    refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = cast(Person, form.person)  # set by the form's clean_email when it is valid
        checks = _prerequisite_checks(programme, person, data["tier"])
        if "check" not in request.POST:
            try:
                appointment = appointment_create_service(
                    programme=programme,
                    person=person,
                    tier=data["tier"],
                    starts_on=data["starts_on"],
                    term_ends_on=data["term_ends_on"],
                    appointed_by=_person(request),
                    regions=data["regions"],
                    institutions=data["institutions"],
                    courses=data["courses"],
                    mentee_capacity=data["mentee_capacity"],
                    reason=data["reason"],
                    override_reason=data["override_reason"],
                )
            except CascadeError as error:
                refused = bool(error.details)
                _form_error(form, error)
                if refused:
                    form.add_error(
                        "override_reason",
                        _("To appoint this person anyway, say why here: it is recorded with the checks."),
                    )
            else:
                messages.success(
                    request,
                    _("Appointed: %(person)s, %(tier)s.")
                    % {"person": person.full_name, "tier": appointment.get_tier_display()},
                )
                return redirect("cascade:appointment_detail", pk=appointment.pk)
    elif request.method == "POST" and form.person is not None:
        checks = _prerequisite_checks(programme, form.person, request.POST.get("tier", ""))
    return _page(
        request,
        "appointment_form",
        "appointments",
        {
            "programme": programme,
            "form": form,
            "person": form.person,
            "checks": checks,
            "unmet": any(not check["met"] for check in checks),
            "refused": refused,
        },
    )


def _reassignment_choices(
    programme: Programme, appointment: Appointment
) -> list[tuple[Person, list[tuple[int, str]], list[Any]]]:
    """For each current mentee of a mentor: the suggested new mentors (with their reasons), then the other
    current mentors with room left."""
    if appointment.tier != Tier.MENTOR:
        return []
    pairs = list(
        MentorAssignment.objects.filter(programme=programme, mentor=appointment.person, ended_at__isnull=True)
        .select_related("mentee__institution__region")
        .order_by("mentee__family_name", "mentee__given_name", "pk")
    )
    if not pairs:
        return []
    others = list(
        Appointment.objects.filter(programme=programme, tier=Tier.MENTOR, ended_at__isnull=True)
        .exclude(person=appointment.person)
        .annotate(
            taken=Count(
                "person__mentees_assigned",
                filter=Q(
                    person__mentees_assigned__ended_at__isnull=True, person__mentees_assigned__programme=programme
                ),
            )
        )
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")[:OTHER_MENTORS_SHOWN]
    )
    result = []
    for pair in pairs:
        suggestions = [
            suggestion
            for suggestion in mentor_suggestions(programme=programme, mentee=pair.mentee)
            if suggestion.mentor.pk != appointment.person_id
        ]
        suggested = {suggestion.mentor.pk for suggestion in suggestions}
        choices = [
            (suggestion.mentor.pk, f"{suggestion.mentor.full_name} — {', '.join(suggestion.reasons)}")
            for suggestion in suggestions
        ]
        choices += [
            (other.person_id, _("%(name)s — not suggested") % {"name": other.person.full_name})
            for other in others
            if other.person_id not in suggested
            and other.person_id != pair.mentee_id
            and other.mentee_capacity - getattr(other, "taken", 0) > 0
        ]
        result.append((pair.mentee, choices, suggestions))
    return result


@login_required
@require_http_methods(["GET", "POST"])
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The appointment's own programme decides, whichever programme is current.
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "programme", "person__institution", "appointed_by", "nomination__nominated_by", "role_assignment"
        ).prefetch_related("regions", "institutions", "courses"),
        pk=pk,
    )
    programme = appointment.programme
    if not can(request.user, Action.APPOINTMENT_MANAGE, programme):
        raise Http404  # as for an unknown id: the page does not tell that the appointment exists
    reassignments = _reassignment_choices(programme, appointment) if appointment.ended_at is None else []
    mentees = [(mentee, choices) for mentee, choices, _suggestions in reassignments]
    form = AppointmentEndForm(request.POST if request.method == "POST" else None, mentees=mentees)
    refused_mentees: list[Any] = []
    if request.method == "POST":
        if appointment.ended_at is not None:
            messages.error(request, _("This appointment has already ended."))
            return redirect("cascade:appointment_detail", pk=appointment.pk)
        if form.is_valid():
            chosen = form.reassign_to()
            people = Person.objects.in_bulk(set(chosen.values()))
            try:
                appointment_end(
                    appointment=appointment,
                    actor=_person(request),
                    reason=form.cleaned_data["reason"],
                    reassign_to={mentee_id: people[mentor_id] for mentee_id, mentor_id in chosen.items()},
                )
            except CascadeError as error:
                refused_mentees = list(error.details)
                _form_error(form, error)
            else:
                messages.success(request, _("The term has ended."))
                return redirect("cascade:appointment_detail", pk=appointment.pk)
    return _page(
        request,
        "appointment_detail",
        "appointments",
        {
            "programme": programme,
            "appointment": appointment,
            "form": form,
            "reassignments": reassignments,
            "refused_mentees": refused_mentees,
            "overrides": [check for check in appointment.prerequisites if check.get("requirement") == "override"],
            "checks": [check for check in appointment.prerequisites if check.get("requirement") != "override"],
            "today": timezone.localdate(),
        },
    )


# --- nominations -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def nominations(request: HttpRequest) -> HttpResponse:
    programme = _programme(request, Action.APPOINTMENT_MANAGE)
    queryset = (
        Nomination.objects.filter(programme=programme)
        .annotate(
            pending_first=Case(
                When(status=Nomination.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .select_related("nominee__institution", "nominated_by", "decided_by")
        .prefetch_related("regions")
        .order_by("pending_first", "-nominated_at", "-pk")
    )
    page = Paginator(queryset, NOMINATIONS_PER_PAGE).get_page(request.GET.get("page"))
    pending = Nomination.objects.filter(programme=programme, status=Nomination.Status.PENDING).count()
    return _page(request, "nominations", "nominations", {"programme": programme, "page": page, "pending": pending})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.select_related(
            "programme", "nominee__institution", "nominated_by", "decided_by"
        ).prefetch_related("regions"),
        pk=pk,
    )
    programme = nomination.programme
    if not can(request.user, Action.APPOINTMENT_MANAGE, programme):
        raise Http404  # as for an unknown id: the page does not tell that the nomination exists
    pending = nomination.status == Nomination.Status.PENDING
    today = timezone.localdate()
    form = NominationDecisionForm(
        request.POST if request.method == "POST" else None, initial={"term_ends_on": term_end_default(today)}
    )
    if request.method == "POST":
        if not pending:
            messages.error(request, _("This nomination has already been decided."))
            return redirect("cascade:nomination_detail", pk=nomination.pk)
        if form.is_valid():
            data = form.cleaned_data
            approve = data["decision"] == "approve"
            try:
                decided = nomination_decide(
                    nomination=nomination,
                    actor=_person(request),
                    approve=approve,
                    reason=data["reason"],
                    term_ends_on=data["term_ends_on"] if approve else None,
                    override_reason=data["override_reason"] if approve else "",
                )
            except CascadeError as error:
                if error.details:
                    form.add_error(
                        "override_reason", _("To approve anyway, say why here: it is recorded with the checks.")
                    )
                _form_error(form, error)
            else:
                if approve:
                    messages.success(request, _("Approved: %(person)s is appointed.") % {"person": decided.nominee})
                    appointment = Appointment.objects.filter(nomination=decided).first()
                    if appointment is not None:
                        return redirect("cascade:appointment_detail", pk=appointment.pk)
                else:
                    messages.success(request, _("Declined. The reason is recorded."))
                return redirect("cascade:nomination_detail", pk=nomination.pk)
    checks = (
        appointment_prerequisites(programme=programme, person=nomination.nominee, tier=nomination.tier)
        if pending
        else []
    )
    appointment = None if pending else Appointment.objects.filter(nomination=nomination).first()
    return _page(
        request,
        "nomination_detail",
        "nominations",
        {
            "programme": programme,
            "nomination": nomination,
            "pending": pending,
            "form": form,
            "checks": checks,
            "unmet": any(not check["met"] for check in checks),
            "appointment": appointment,
        },
    )
