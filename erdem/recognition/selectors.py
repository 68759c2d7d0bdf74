"""Reads for degree programmes and credit recognition: who sees which programmes and requests, a learner's
credit record, the office's queue and the institution's recognition register."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import Action, can, grants_for
from erdem.core.i18n import localized
from erdem.credentials.models import Credential
from erdem.people.models import Person
from erdem.recognition.models import (
    DegreeModule,
    DegreeProgramme,
    RecognitionRequest,
    RecognitionRule,
    RequestCredential,
)


def degrees_manageable_by(person: Any) -> QuerySet[DegreeProgramme]:
    """The degree programmes `person` may set up and edit: all for a national admin, their institutions' for a
    coordinator, and those whose office they are in."""
    degrees = DegreeProgramme.objects.select_related("institution")
    if person is None or not person.is_authenticated:
        return degrees.none()
    grants = grants_for(person)
    if person.is_superuser or grants.is_national_admin:
        return degrees
    return degrees.filter(Q(institution_id__in=grants.institution_ids(Role.COORDINATOR)) | Q(office=person)).distinct()


def degrees_for_office(person: Any) -> QuerySet[DegreeProgramme]:
    """The degree programmes whose requests `person` decides: office members and the institution's coordinators."""
    degrees = DegreeProgramme.objects.select_related("institution")
    if person is None or not person.is_authenticated:
        return degrees.none()
    if person.is_superuser:
        return degrees
    grants = grants_for(person)
    return degrees.filter(Q(institution_id__in=grants.institution_ids(Role.COORDINATOR)) | Q(office=person)).distinct()


def degree_detail(pk: int) -> DegreeProgramme | None:
    return (
        DegreeProgramme.objects.select_related("institution")
        .prefetch_related(
            Prefetch("modules", queryset=DegreeModule.objects.order_by("position", "id")),
            Prefetch(
                "rules",
                queryset=RecognitionRule.objects.select_related("module", "approved_by").prefetch_related(
                    "achievements"
                ),
            ),
            "office",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class ModuleCredits:
    """A programme's modules in credits: the required ones, which every graduate takes, and the electives offered,
    of which a learner takes only some, so the two are not added up."""

    required: Decimal
    electives: Decimal
    total: Decimal

    @property
    def required_over(self) -> bool:
        """Whether the required modules alone are worth more than the programme: something to correct."""
        return self.required > self.total


def module_credits(degree: DegreeProgramme) -> ModuleCredits:
    modules = list(degree.modules.all())
    return ModuleCredits(
        required=sum((module.credits for module in modules if not module.is_elective), Decimal(0)),
        electives=sum((module.credits for module in modules if module.is_elective), Decimal(0)),
        total=degree.total_credits,
    )


def rules_open_to(person: Any, *, on: dt.date | None = None) -> list[RecognitionRule]:
    """Rules in force today of the active degree programmes `person` may ask for credit."""
    on = on or timezone.localdate()
    rules = (
        RecognitionRule.objects.filter(degree__is_active=True, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("degree__institution", "module", "approved_by")
        .prefetch_related("achievements")
        .order_by("degree__institution_id", "degree__code", "module__position", "id")
    )
    allowed: dict[int, bool] = {}
    result = []
    for rule in rules:
        if rule.degree_id not in allowed:
            allowed[rule.degree_id] = can(person, Action.RECOGNITION_REQUEST, rule.degree)
        if allowed[rule.degree_id]:
            result.append(rule)
    return result


def credentials_offerable(person: Any, *, at: dt.datetime | None = None) -> QuerySet[Credential]:
    """The person's own credentials that may count: active and not expired."""
    at = at or timezone.now()
    return (
        Credential.objects.filter(person=person, status=Credential.Status.ACTIVE)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        .select_related("achievement")
        .order_by("achievement__code", "pk")
    )


def snapshot_text(snapshot: dict[str, Any], field_name: str, language: str | None = None) -> str:
    class _Values:
        pass

    values = _Values()
    for code in ("mn", "en"):
        setattr(values, f"{field_name}_{code}", snapshot.get(f"{field_name}_{code}", ""))
    return localized(values, field_name, language)


def rule_names_module(rule_name: str, module_name: str) -> bool:
    """Whether a rule's name already says its module's ("Master trainer certification → Elective: X" for the
    module "Elective: X"), so that a label names the module once."""
    module_name = module_name.strip().casefold()
    return bool(module_name) and module_name in rule_name.casefold()


def rule_needs(snapshot: dict[str, Any]) -> str:
    """What a rule asks for, in plain words ("All of: A, B; and 1 external Open Badges 3.0 credential from: X")."""
    names = [snapshot_text(achievement, "name") for achievement in snapshot.get("achievements", [])]
    parts = []
    if names:
        parts.append(_("All of these erdem credentials: %(names)s.") % {"names": "; ".join(names)})
    count = snapshot.get("external_count", 0)
    if count:
        issuers = ", ".join(snapshot.get("external_issuers", [])) or "?"
        parts.append(
            ngettext(
                "%(count)s external Open Badges 3.0 credential from: %(issuers)s.",
                "%(count)s external Open Badges 3.0 credentials from: %(issuers)s.",
                count,
            )
            % {"count": count, "issuers": issuers}
        )
    return " ".join(parts) or _("Nothing is required.")


def rule_changed_since(request: RecognitionRequest) -> dt.datetime | None:
    """When the rule was changed after the request was made, or None when it stands as it did."""
    if request.rule.version != request.rule_version:
        return request.rule.updated_at
    return None


def requests_of(person: Any) -> QuerySet[RecognitionRequest]:
    return (
        RecognitionRequest.objects.filter(person=person)
        .select_related("degree__institution", "rule__module")
        .order_by("-submitted_at", "-id")
    )


@dataclass
class DegreeCredits:
    degree: DegreeProgramme
    requests: list[RecognitionRequest] = field(default_factory=list)
    total: Decimal = Decimal(0)


def credit_record(person: Any) -> list[DegreeCredits]:
    """The credits granted to `person`, per degree programme: each approved request with its module, and the sum."""
    record: dict[int, DegreeCredits] = {}
    approved = (
        RecognitionRequest.objects.filter(person=person, status=RecognitionRequest.Status.APPROVED)
        .select_related("degree__institution", "rule__module")
        .order_by("degree_id", "rule__module__position", "decided_at")
    )
    for request in approved:
        entry = record.setdefault(request.degree_id, DegreeCredits(degree=request.degree))
        entry.requests.append(request)
        entry.total += request.credits_granted or Decimal(0)
    return list(record.values())


def office_queue(
    person: Any, *, status: str = RecognitionRequest.Status.SUBMITTED, degree: DegreeProgramme | None = None
) -> QuerySet[RecognitionRequest]:
    """Requests to the degree programmes `person` decides; `status` "" for every status."""
    requests = RecognitionRequest.objects.filter(degree__in=degrees_for_office(person).values("pk"))
    if status:
        requests = requests.filter(status=status)
    if degree is not None:
        requests = requests.filter(degree=degree)
    return requests.select_related("person__institution", "degree__institution", "rule__module").order_by(
        "submitted_at", "id"
    )


def request_for(person: Any, public_id: Any) -> RecognitionRequest | None:
    """The request when `person` may read it (its learner, or the degree programme's office), else None."""
    request = (
        RecognitionRequest.objects.select_related(
            "person__institution", "degree__institution", "rule__module", "decided_by"
        )
        .prefetch_related(
            Prefetch("credentials", queryset=RequestCredential.objects.select_related("credential__achievement"))
        )
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        return None
    if request.person_id == person.pk or can(person, Action.DEGREE_OFFICE, request.degree):
        return request
    return None


def register_header() -> list[str]:
    return [
        _("Submitted"),
        _("Name"),
        _("E-mail"),
        _("Institution"),
        _("Module"),
        _("Rule (version)"),
        _("Credentials"),
        _("Status"),
        _("Decided by"),
        _("Decided"),
        _("Reason"),
        _("Credits"),
    ]


def verdict_label(verdict: str) -> str:
    """The verifier's verdict in words."""
    labels = {"valid": _("valid"), "invalid": _("not valid"), "incomplete": _("not fully checked")}
    return labels.get(verdict, verdict)


def _credential_line(item: RequestCredential) -> str:
    if item.credential_id is not None:
        name = localized(item.credential.achievement, "name") if item.credential else item.achievement_name
        source = _("erdem")
    else:
        name = item.achievement_name or item.credential_key
        source = _("external")
    return f"{name} ({source}, {verdict_label(item.verdict)})"


def _to_the_minute(moment: dt.datetime) -> dt.datetime:
    """A moment in local time without seconds: a date and time cell of the spreadsheet, and "2026-03-01 14:05:00"
    in a CSV file."""
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def register_rows(degree: DegreeProgramme) -> Iterator[list[Any]]:
    """The institution's recognition register for one degree programme: one row per request."""
    requests = (
        RecognitionRequest.objects.filter(degree=degree)
        .select_related("person__institution", "decided_by")
        .prefetch_related(
            Prefetch("credentials", queryset=RequestCredential.objects.select_related("credential__achievement"))
        )
        .order_by("submitted_at", "id")
    )
    for request in requests.iterator(chunk_size=500):
        snapshot = request.rule_snapshot
        module = snapshot.get("module", {})
        yield [
            _to_the_minute(request.submitted_at),
            request.person.full_name,
            request.person.email,
            request.person.institution.name if request.person.institution else "",
            f"{module.get('code', '')} {snapshot_text(module, 'name')}".strip(),
            _("%(rule)s (version %(version)s)")
            % {"rule": snapshot_text(snapshot, "name"), "version": request.rule_version},
            "; ".join(_credential_line(item) for item in request.credentials.all()),
            request.get_status_display(),
            request.decided_by.full_name if request.decided_by else "",
            _to_the_minute(request.decided_at) if request.decided_at else "",
            request.decision_reason,
            float(request.credits_granted) if request.credits_granted is not None else "",
        ]


def degree_deciders(degree: DegreeProgramme) -> QuerySet[Person]:
    """Who decides `degree`'s credit requests: the active members of its office and the current coordinators of
    its institution (Action.DEGREE_OFFICE)."""
    coordinators = RoleAssignment.objects.current().filter(role=Role.COORDINATOR, institution_id=degree.institution_id)
    return (
        Person.objects.filter(is_active=True)
        .filter(Q(degree_offices=degree) | Q(pk__in=coordinators.values("person_id")))
        .distinct()
        .order_by("pk")
    )
