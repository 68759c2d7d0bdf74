"""Reads behind the landing page, the per-role home page and the navigation.

Every selector runs a fixed number of queries whatever the number of people:
counts are grouped aggregates (one pass over a table) or indexed correlated subqueries,
never a query per row.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import grants_for
from erdem.access.selectors import roles_of
from erdem.cascade.models import MentorAssignment
from erdem.core.i18n import active_language
from erdem.learning.selectors import enrolment_latest
from erdem.organisations.models import Institution, Region
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.workshops.selectors import upcoming_workshops_led

T = TypeVar("T")

# Sections of the home page, most powerful role first.
ROLE_ORDER: tuple[Role, ...] = (
    Role.NATIONAL_ADMIN,
    Role.MINISTRY_VIEWER,
    Role.COORDINATOR,
    Role.MASTER_TEACHER,
    Role.TRAINER,
    Role.MENTOR,
    Role.EDUCATOR,
)
RECENT_DAYS = 30
RECENT_STAFF = 5


@dataclass(frozen=True)
class ProgrammeFigures:
    """Headline figures. Only registered people (e-mail address confirmed) are counted;
    people invited by their institution who have not registered yet are `invited`."""

    educators: int = 0
    invited: int = 0
    institutions: int = 0
    regions: int = 0
    recent_registrations: int = 0
    people_by_role: dict[str, int] = field(default_factory=dict)

    @property
    def master_teachers(self) -> int:
        return self.people_by_role.get(Role.MASTER_TEACHER, 0)

    def role_rows(self) -> list[tuple[str, int]]:
        """(role label, registered people) in the order of the home page."""
        return [(str(Role(role).label), self.people_by_role.get(role, 0)) for role in ROLE_ORDER]


REGISTERED = Q(person__email_confirmed_at__isnull=False)


def programme_figures(*, programme_ids: Iterable[int], since: dt.datetime | None = None) -> ProgrammeFigures:
    """Headline figures in one query: registered educators (people holding the educator role
    who confirmed their e-mail address), the institutions and regions they come from, registered
    people per role, people invited but not registered yet, and recent registrations (the
    address confirmed since `since`)."""
    since = since or timezone.now() - dt.timedelta(days=RECENT_DAYS)
    educator = Q(role=Role.EDUCATOR)
    registered_educator = educator & REGISTERED
    aggregates: dict[str, Any] = {
        "educators": Count("person", filter=registered_educator, distinct=True),
        "invited": Count("person", filter=educator & Q(person__email_confirmed_at__isnull=True), distinct=True),
        "institutions": Count("person__institution", filter=registered_educator, distinct=True),
        "regions": Count("person__institution__region", filter=registered_educator, distinct=True),
        "recent": Count("person", filter=educator & Q(person__email_confirmed_at__gte=since), distinct=True),
    }
    for role in Role:
        aggregates[f"role_{role.value}"] = Count("person", filter=Q(role=role) & REGISTERED, distinct=True)
    row = RoleAssignment.objects.current().filter(programme_id__in=list(programme_ids)).aggregate(**aggregates)
    return ProgrammeFigures(
        educators=row["educators"],
        invited=row["invited"],
        institutions=row["institutions"],
        regions=row["regions"],
        recent_registrations=row["recent"],
        people_by_role={role.value: row[f"role_{role.value}"] for role in Role},
    )


# Headline figures aggregate over every role assignment of a programme; they change
# slowly, so the landing page and the national homes compute them at most once a minute
# per process, and say so on the page.
FIGURES_CACHE_SECONDS = 60


def _cached(key: str, compute: Callable[[], T]) -> T:
    return cast(T, cache.get_or_set(key, compute, FIGURES_CACHE_SECONDS))


def landing_figures(*, programme: Programme) -> ProgrammeFigures:
    """programme_figures() for the landing page, computed at most once a minute per process."""
    return _cached(f"erdem:landing-figures:{programme.pk}", lambda: programme_figures(programme_ids=[programme.pk]))


@dataclass(frozen=True)
class NationalOverview:
    """What the national admin and the ministry viewer see: figures, institutions, regions."""

    figures: ProgrammeFigures
    institutions: list[Institution]
    regions: list[Region]
    computed_at: dt.datetime


def national_overview(*, programme_ids: Iterable[int]) -> NationalOverview:
    """The national figures of these programmes, computed at most once a minute per process."""
    ids = sorted(set(programme_ids))

    def compute() -> NationalOverview:
        return NationalOverview(
            figures=programme_figures(programme_ids=ids),
            institutions=list(institutions_with_counts(programme_ids=ids)),
            regions=list(regions_with_counts(programme_ids=ids)),
            computed_at=timezone.now(),
        )

    return _cached("erdem:national-overview:" + ",".join(map(str, ids)), compute)


def _count(queryset: QuerySet[Any], *, group_by: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows whose `group_by` is the outer row."""
    counted = (
        queryset.filter(**{group_by: OuterRef("pk")})
        .order_by()
        .values(group_by)
        .annotate(total=Count("*"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _people_by_role(
    programme_ids: Iterable[int], roles: Iterable[str], group_by: F | Func
) -> dict[tuple[Any, str], int]:
    """{(group, role): registered people} for current assignments, grouped by the expression
    `group_by` in one pass over the table."""
    rows = (
        RoleAssignment.objects.current()
        .filter(REGISTERED, programme_id__in=list(programme_ids), role__in=list(roles))
        .annotate(bucket=group_by)
        .order_by()
        .values_list("bucket", "role")
        .annotate(people=Count("person", distinct=True))
    )
    return {(group, role): people for group, role, people in rows}


def institutions_with_counts(*, programme_ids: Iterable[int]) -> list[Institution]:
    """Active institutions with their staff (everyone attached), confirmed staff and registered
    educators in the programmes; the most educators first. Three queries, each one pass over its table."""
    institutions = list(Institution.objects.filter(is_active=True).select_related("region"))
    staff = {
        row["institution"]: row
        for row in Person.objects.filter(institution__isnull=False)
        .order_by()
        .values("institution")
        .annotate(staff=Count("pk"), confirmed=Count("pk", filter=Q(email_confirmed_at__isnull=False)))
    }
    educators = _people_by_role(programme_ids, [Role.EDUCATOR], F("person__institution"))
    for institution in institutions:
        counts = staff.get(institution.pk, {})
        institution.staff = counts.get("staff", 0)  # type: ignore[attr-defined]
        institution.confirmed = counts.get("confirmed", 0)  # type: ignore[attr-defined]
        institution.educators = educators.get((institution.pk, Role.EDUCATOR), 0)  # type: ignore[attr-defined]
    institutions.sort(key=lambda i: (-i.educators, -i.staff, i.name_en))  # type: ignore[attr-defined]
    return institutions


def regions_with_counts(*, programme_ids: Iterable[int], region_ids: Iterable[int] | None = None) -> list[Region]:
    """Regions with their active institutions and the registered educators, trainers and master
    teachers counted there. A role whose assignment names a region (a trainer appointed to an
    aimag) counts in that region; otherwise the person counts where their institution is.
    Aggregates only, no names of people."""
    regions = Region.objects.annotate(
        institution_count=Count("institutions", filter=Q(institutions__is_active=True), distinct=True)
    )
    if region_ids is not None:
        regions = regions.filter(pk__in=list(region_ids))
    roles = (Role.EDUCATOR, Role.TRAINER, Role.MASTER_TEACHER)
    appointed_or_employed = Coalesce("region_id", "person__institution__region_id")
    people = _people_by_role(programme_ids, roles, appointed_or_employed)
    result: list[Region] = list(regions)
    for region in result:
        region.educators = people.get((region.pk, Role.EDUCATOR), 0)  # type: ignore[attr-defined]
        region.trainers = people.get((region.pk, Role.TRAINER), 0)  # type: ignore[attr-defined]
        region.master_teachers = people.get((region.pk, Role.MASTER_TEACHER), 0)  # type: ignore[attr-defined]
    result.sort(key=lambda r: (-r.educators, r.kind, r.name_en))  # type: ignore[attr-defined]
    return result


def institutions_for_coordinator(*, institution_ids: Iterable[int]) -> list[Institution]:
    """The coordinator's institutions with staff counts and their most recent staff
    (`recent_staff`), in two queries."""
    ids = list(institution_ids)
    institutions: list[Institution] = list(
        Institution.objects.filter(pk__in=ids)
        .select_related("region")
        .annotate(
            staff=_count(Person.objects.all(), group_by="institution"),
            confirmed=_count(Person.objects.filter(email_confirmed_at__isnull=False), group_by="institution"),
        )
        .order_by("name_en")
    )
    recent = (
        Person.objects.filter(institution_id__in=ids)
        .annotate(rank=Window(RowNumber(), partition_by=[F("institution_id")], order_by=[F("date_joined").desc()]))
        .filter(rank__lte=RECENT_STAFF)
        .only("family_name", "given_name", "email", "date_joined", "email_confirmed_at", "institution_id")
        .order_by("institution_id", "-date_joined")
    )
    by_institution: dict[int, list[Person]] = {}
    for person in recent:
        by_institution.setdefault(person.institution_id or 0, []).append(person)
    for institution in institutions:
        institution.invited = institution.staff - institution.confirmed  # type: ignore[attr-defined]
        institution.recent_staff = by_institution.get(institution.pk, [])  # type: ignore[attr-defined]
    return institutions


@dataclass(frozen=True)
class ProfileCompleteness:
    missing: list[str]
    total: int
    optional: list[str] = field(default_factory=list)  # not filled in, and not needed

    @property
    def done(self) -> int:
        return self.total - len(self.missing)

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total)

    @property
    def is_complete(self) -> bool:
        return not self.missing


def profile_completeness(*, person: Person) -> ProfileCompleteness:
    """Which profile fields a certificate or a report will need and the person has not filled in.

    The name in traditional Mongolian script is optional: it is offered, never counted as missing."""
    checks = [
        (bool(person.family_name_latin and person.given_name_latin), _("your name in Latin letters")),
        (person.institution_id is not None, _("your institution")),
        (bool(person.department), _("your department")),
        (bool(person.discipline), _("your discipline")),
        (bool(person.academic_position), _("your academic position")),
    ]
    optional = [] if person.name_traditional else [_("your name in traditional Mongolian script")]
    return ProfileCompleteness(
        missing=[label for filled, label in checks if not filled], total=len(checks), optional=optional
    )


@dataclass
class HomeSection:
    """One block of the home page: a role the person holds and what it shows them."""

    role: Role
    assignments: list[RoleAssignment]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"web/home/{self.role.value}.html"

    @property
    def programmes(self) -> list[Programme]:
        seen: dict[int, Programme] = {}
        for assignment in self.assignments:
            seen.setdefault(assignment.programme_id, assignment.programme)
        return list(seen.values())

    @property
    def programme_ids(self) -> list[int]:
        return [programme.pk for programme in self.programmes]


def home_sections_for(*, person: Person) -> list[HomeSection]:
    """One section per role the person holds, most powerful first; each reads its own figures.

    At most about a dozen queries for a person holding every role, whatever the data size.
    """
    assignments = list(roles_of(person).order_by("pk"))
    by_role: dict[str, list[RoleAssignment]] = {}
    for assignment in assignments:
        by_role.setdefault(assignment.role, []).append(assignment)
    sections = [HomeSection(role=role, assignments=by_role[role]) for role in ROLE_ORDER if role in by_role]
    for section in sections:
        _SECTION_DATA[section.role](section, person)
        if section.role == Role.EDUCATOR:
            section.data["roles"] = assignments
    return sections


def _national_admin_data(section: HomeSection, person: Person) -> None:
    overview = national_overview(programme_ids=section.programme_ids)
    section.data = {
        "figures": overview.figures,
        "recent_days": RECENT_DAYS,
        "institutions": overview.institutions,
        "regions": overview.regions,
        "computed_at": overview.computed_at,
    }


def _ministry_viewer_data(section: HomeSection, person: Person) -> None:
    overview = national_overview(programme_ids=section.programme_ids)
    section.data = {
        "figures": overview.figures,
        "recent_days": RECENT_DAYS,
        "regions": overview.regions,
        "computed_at": overview.computed_at,
    }


def _coordinator_data(section: HomeSection, person: Person) -> None:
    institution_ids = {a.institution_id for a in section.assignments if a.institution_id is not None}
    section.data = {"institutions": institutions_for_coordinator(institution_ids=institution_ids)}


def _cascade_data(section: HomeSection, person: Person) -> None:
    """Master teachers and trainers: the regions they cover, or the whole programme."""
    region_ids = {a.region_id for a in section.assignments if a.region_id is not None}
    nationwide = any(a.region_id is None for a in section.assignments)
    section.data = {
        "regions": list(regions_with_counts(programme_ids=section.programme_ids, region_ids=region_ids))
        if region_ids
        else [],
        "figures": programme_figures(programme_ids=section.programme_ids) if nationwide else None,
        "workshops": upcoming_workshops_led(person, limit=5, language=active_language()),
    }


def _mentor_data(section: HomeSection, person: Person) -> None:
    section.data = {}


def _educator_data(section: HomeSection, person: Person) -> None:
    institution = (
        Institution.objects.select_related("region").filter(pk=person.institution_id).first()
        if person.institution_id
        else None
    )
    section.data = {
        "institution": institution,
        "completeness": profile_completeness(person=person),
        "latest_enrolment": enrolment_latest(person=person, language=active_language()),
        "mentor_pair": MentorAssignment.objects.filter(mentee_id=person.pk, ended_at__isnull=True)
        .select_related("mentor")
        .first(),
        "survey_link": _survey_link(person),
    }


def _survey_link(person: Person) -> str:
    """The address of the follow-up survey the person was sent and has not answered yet, or ""."""
    from erdem.insights.surveys import survey_pending_for, survey_token

    invitation = survey_pending_for(person=person)
    return reverse("insights:survey_answer", args=[survey_token(invitation=invitation)]) if invitation else ""


_SECTION_DATA = {
    Role.NATIONAL_ADMIN: _national_admin_data,
    Role.MINISTRY_VIEWER: _ministry_viewer_data,
    Role.COORDINATOR: _coordinator_data,
    Role.MASTER_TEACHER: _cascade_data,
    Role.TRAINER: _cascade_data,
    Role.MENTOR: _mentor_data,
    Role.EDUCATOR: _educator_data,
}


def navigation_for(person: Any) -> Any:
    """Links to the pages a person's roles open, computed only when a template reads them."""

    def build() -> list[dict[str, str]]:
        if not person.is_authenticated:
            return []
        grants = grants_for(person)
        home = reverse("web:home")
        items = [
            {"url": reverse("catalog:list"), "label": _("Courses")},
            {"url": reverse("workshops:list"), "label": _("Workshops")},
        ]
        if grants.has(Role.EDUCATOR):
            items.insert(1, {"url": reverse("learning:list"), "label": _("My courses")})
        items.append({"url": reverse("credentials:mine"), "label": _("My credentials")})
        if grants.grants:
            items.append({"url": reverse("portfolio:mine"), "label": _("My portfolio")})
        if grants.has(Role.EDUCATOR):
            items.append({"url": reverse("recognition:mine"), "label": _("My credit requests")})
        if grants.is_national_admin:
            items.append({"url": reverse("authoring:list"), "label": _("Courses to edit")})
        if any(grants.has(role) for role in (Role.NATIONAL_ADMIN, Role.MENTOR, Role.TRAINER, Role.MASTER_TEACHER)):
            items.append({"url": reverse("assignments:queue"), "label": _("Practical tasks to review")})
        if grants.is_national_admin:
            items.append({"url": f"{home}#institutions", "label": _("Institutions")})
            items.append({"url": f"{home}#regions", "label": _("Regions")})
            items.append({"url": reverse("access:list"), "label": _("Roles")})
            items.append({"url": reverse("credentials:manage"), "label": _("Credentials")})
            items.append({"url": reverse("cascade:overview"), "label": _("Cascade")})
            items.append({"url": reverse("insights:dashboard"), "label": _("National figures")})
            items.append({"url": reverse("insights:surveys"), "label": _("Impact surveys")})
            items.append({"url": reverse("insights:reports"), "label": _("Reports")})
            items.append({"url": reverse("recognition:pathways"), "label": _("Pathways")})
            items.append({"url": reverse("recognition:standards"), "label": _("Qualification standards")})
            items.append({"url": reverse("recognition:degrees"), "label": _("Degree programmes")})
            items.append({"url": reverse("privacy:deletion_queue"), "label": _("Deletion requests")})
        elif grants.has(Role.MINISTRY_VIEWER):
            items.append({"url": f"{home}#ministry-regions", "label": _("Regions")})
            items.append({"url": reverse("cascade:regions"), "label": _("Cascade")})
            items.append({"url": reverse("insights:dashboard"), "label": _("National figures")})
            items.append({"url": reverse("insights:reports"), "label": _("Reports")})
        coordinated = grants.institution_ids(Role.COORDINATOR)
        if coordinated and not grants.is_national_admin:
            institutions = list(Institution.objects.filter(pk__in=coordinated).order_by("name_en")[:4])
            single = len(institutions) == 1
            for institution in institutions:
                names = {"institution": institution.short_name}
                items.append(
                    {
                        "url": reverse("people:institution_people", args=[institution.pk]),
                        "label": _("Staff") if single else _("Staff of %(institution)s") % names,
                    }
                )
                items.append(
                    {
                        "url": reverse("people:institution_invite", args=[institution.pk]),
                        "label": _("Invite staff") if single else _("Invite staff to %(institution)s") % names,
                    }
                )
                items.append(
                    {
                        "url": reverse("cascade:institution", args=[institution.pk]),
                        "label": _("Cascade") if single else _("Cascade of %(institution)s") % names,
                    }
                )
                items.append(
                    {
                        "url": reverse("insights:institution", args=[institution.pk]),
                        "label": _("Figures") if single else _("Figures of %(institution)s") % names,
                    }
                )
        if coordinated:
            items.append({"url": reverse("portfolio:reviews"), "label": _("Career reviews")})
            if not grants.is_national_admin:
                items.append({"url": reverse("recognition:degrees"), "label": _("Degree programmes")})
        if coordinated:  # the other members of a programme office find the queue on their credit page
            items.append({"url": reverse("recognition:office"), "label": _("Credit requests to decide")})
        if any(grants.has(role) for role in (Role.MASTER_TEACHER, Role.TRAINER, Role.MENTOR)):
            items.append({"url": reverse("cascade:mine"), "label": _("My cascade")})
        if grants.has(Role.MASTER_TEACHER) or grants.has(Role.TRAINER):
            items.append({"url": reverse("insights:trainer"), "label": _("My cohorts' figures")})
        # Mentors from their role (no query); a mentee finds their mentor on their home page.
        if grants.has(Role.MENTOR):
            items.append({"url": reverse("cascade:mentoring"), "label": _("Mentoring")})
            items.append({"url": reverse("portfolio:endorsements"), "label": _("Endorsements asked of me")})
        if grants.is_national_admin or coordinated:
            items.append({"url": reverse("jobs:list"), "label": _("My jobs")})
        if grants.is_national_admin or person.is_superuser:
            items.append({"url": reverse("audit:list"), "label": _("Audit log")})
        if person.is_staff:
            items.append({"url": reverse("admin:index"), "label": _("Administration")})
        return items

    return SimpleLazyObject(build)
