"""Reads of the cascade: how far each trainer's teaching reached, the branch below a trainer, the
regions, and the growth month by month.

A trainer's branch is every lineage node whose materialised path starts with the trainer's path
(one indexed prefix match, docs/decisions/0016). Every function runs a fixed number of queries
whatever the number of master teachers, regions or people: figures are grouped in the database
(by master teacher, by region, by month), never counted one row at a time.

"Certified" means a member of the branch holds an active micro-certificate of the programme; the
days to certification run from the day they were trained to the day that credential was awarded
(0 when they already held it).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import Appointment, LineageNode, Tier
from erdem.credentials.models import Achievement, Credential
from erdem.organisations.models import Region
from erdem.people.models import Person
from erdem.programmes.models import Programme

TRAINER_TIERS = (Tier.MASTER_TEACHER, Tier.REGIONAL_TRAINER)


@dataclass(frozen=True)
class Reach:
    """How far one trainer's teaching reached: everyone below them in the lineage (not themselves)."""

    person: Person
    direct: int
    total: int
    generations: int
    certified: int
    certified_share: float | None
    regions: int
    institutions: int
    median_days_to_certification: int | None


@dataclass
class TreeNode:
    """One person of a branch; `reach` counts everyone below them (the whole branch, beyond `max_depth` too)."""

    person_id: int
    label: str
    depth: int  # generations below the trainer at the centre (0 for the trainer)
    reach: int
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def weight(self) -> int:
        """The person and everyone they reached: what a sunburst segment's angle is proportional to."""
        return self.reach + 1


@dataclass
class BranchTree:
    """A trainer's branch, down to `max_depth` generations; `hidden` people are deeper than that."""

    root: TreeNode | None
    max_depth: int
    hidden: int = 0

    @property
    def total(self) -> int:
        return self.root.reach if self.root is not None else 0

    def nodes(self) -> Iterator[TreeNode]:
        """Every node shown, parents before their children."""
        stack = [self.root] if self.root is not None else []
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(frozen=True)
class RegionRow:
    region: Region
    institutions: int
    teachers: int
    reached: int
    reached_share: float | None
    active_trainers: int
    institutions_without_trainer: int
    gap: bool


@dataclass(frozen=True)
class GrowthPoint:
    month: dt.date
    new: int
    cumulative: int


# --- certification -----------------------------------------------------------------------------------------------


def _certification_days(nodes: QuerySet[LineageNode], programme: Programme) -> dict[int | None, dict[int, int]]:
    """{root id: {days to certification: people}} over `nodes`, in one query: each certified person once,
    with their first active micro-certificate of the programme; days are whole calendar days.

    A join grouped by node, not a subquery per node: a correlated subquery is evaluated once per node
    and per mention (filter, select), several times slower on a national lineage (docs/performance.md)."""
    rows = (
        nodes.filter(
            person__credentials__status=Credential.Status.ACTIVE,
            person__credentials__achievement__programme=programme,
            person__credentials__achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
        )
        .values("id", "root_id", "trained_at")
        .annotate(days=TruncDate(Min("person__credentials__awarded_at")) - TruncDate(F("trained_at")))
        .values_list("root_id", "days")
        .order_by()
    )
    histograms: dict[int | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for root_id, days in rows:
        histograms[root_id][_days(days)] += 1
    return histograms


def _days(value: Any) -> int:
    # PostgreSQL and SQLite both give a timedelta for a date difference; never negative here.
    days = value.days if isinstance(value, dt.timedelta) else int(value or 0)
    return max(days, 0)


def _median(histogram: dict[int, int]) -> int | None:
    """The median of values given as {value: how many}, rounded to a whole day."""
    count = sum(histogram.values())
    if not count:
        return None
    wanted = ((count - 1) // 2, count // 2)  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return round((found[0] + found[1]) / 2)


def _reach(person: Person, figures: dict[str, Any], histogram: dict[int, int]) -> Reach:
    total = figures.get("total") or 0
    certified = sum(histogram.values())
    return Reach(
        person=person,
        direct=figures.get("direct") or 0,
        total=total,
        generations=figures.get("generations") or 0,
        certified=certified,
        certified_share=certified / total if total else None,
        regions=figures.get("regions") or 0,
        institutions=figures.get("institutions") or 0,
        median_days_to_certification=_median(histogram),
    )


def _branch_figures(*, direct: Q, below: Q) -> dict[str, Any]:
    return {
        "direct": Count("id", filter=direct),
        "total": Count("id", filter=below),
        "deepest": Max("depth", filter=below),
        "regions": Count("person__institution__region", filter=below, distinct=True),
        "institutions": Count("person__institution", filter=below, distinct=True),
    }


# --- reach -------------------------------------------------------------------------------------------------------


def reach_by_master(*, programme: Programme) -> list[Reach]:
    """The reach of every master teacher (the roots of the lineage), widest first: three queries."""
    roots = list(LineageNode.objects.filter(programme=programme, depth=0).select_related("person__institution__region"))
    if not roots:
        return []
    nodes = LineageNode.objects.filter(programme=programme)
    figures = {
        row["root_id"]: {**row, "generations": row["deepest"] or 0}
        for row in nodes.values("root_id")
        .annotate(**_branch_figures(direct=Q(depth=1), below=Q(depth__gt=0)))
        .order_by()
    }
    histograms = _certification_days(nodes.filter(depth__gt=0), programme)
    reaches = [_reach(root.person, figures.get(root.person_id, {}), histograms[root.person_id]) for root in roots]
    reaches.sort(key=lambda reach: (-reach.total, reach.person.full_name, reach.person.pk))
    return reaches


def reach_of(*, programme: Programme, person: Person) -> Reach:
    """The reach of one trainer (anyone in the lineage): three queries. Nobody reached when not placed."""
    node = LineageNode.objects.filter(programme=programme, person=person).only("path", "depth").first()
    if node is None:
        return _reach(person, {}, {})
    branch = LineageNode.objects.filter(programme=programme, path__startswith=node.path)
    row = branch.aggregate(**_branch_figures(direct=Q(trainer=person), below=Q(depth__gt=node.depth)))
    row["generations"] = (row["deepest"] - node.depth) if row["deepest"] is not None else 0
    histogram: dict[int, int] = defaultdict(int)
    for days in _certification_days(branch.filter(depth__gt=node.depth), programme).values():
        for value, people in days.items():
            histogram[value] += people
    return _reach(person, row, histogram)


def branch_tree(*, programme: Programme, person: Person, max_depth: int = 4) -> BranchTree:
    """The branch below `person` for a sunburst, `max_depth` generations deep: two queries. Each node's
    reach counts its whole sub-branch, including the people deeper than `max_depth` (counted in `hidden`)."""
    max_depth = max(1, max_depth)
    node = LineageNode.objects.filter(programme=programme, person=person).only("path", "depth").first()
    if node is None:
        return BranchTree(root=None, max_depth=max_depth)
    rows = list(
        LineageNode.objects.filter(programme=programme, path__startswith=node.path)
        .order_by("depth", "person__family_name", "person__given_name", "person_id")
        .values_list("person_id", "trainer_id", "depth", "person__family_name", "person__given_name")
    )
    below: dict[int, int] = defaultdict(int)
    parent_of: dict[int, int | None] = {}
    for person_id, trainer_id, _depth, _family, _given in rows:
        parent_of[person_id] = trainer_id
    for person_id, trainer_id, _depth, _family, _given in reversed(rows):  # deepest first
        if person_id != person.pk and trainer_id is not None:
            below[trainer_id] += below[person_id] + 1
    shown: dict[int, TreeNode] = {}
    hidden = 0
    for person_id, trainer_id, depth, family, given in rows:
        generation = depth - node.depth
        if generation > max_depth:
            hidden += 1
            continue
        tree_node = TreeNode(
            person_id=person_id, label=f"{family} {given}".strip(), depth=generation, reach=below[person_id]
        )
        shown[person_id] = tree_node
        if person_id != person.pk and trainer_id in shown:
            shown[trainer_id].children.append(tree_node)
    for tree_node in shown.values():
        tree_node.children.sort(key=lambda child: (-child.reach, child.label, child.person_id))
    return BranchTree(root=shown.get(person.pk), max_depth=max_depth, hidden=hidden)


def trainees(*, programme: Programme, person: Person) -> QuerySet[LineageNode]:
    """The people `person` trained directly, each with `reach` (everyone below them): one query."""
    below = (
        LineageNode.objects.filter(programme=programme, path__startswith=OuterRef("path"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(people=Count("id"))
        .values("people")
    )
    return (
        LineageNode.objects.filter(programme=programme, trainer=person)
        .select_related("person__institution__region", "workshop")
        .annotate(reach=Coalesce(Subquery(below, output_field=IntegerField()), 0))
        .order_by("person__family_name", "person__given_name", "person_id")
    )


# --- regions -----------------------------------------------------------------------------------------------------


def region_table(*, programme: Programme) -> list[RegionRow]:
    """One row per region (all 22): educators, people reached, active trainers and gaps. Six queries.

    Educators: people with a current educator role in the programme whose institution is in the region.
    Reached: people trained in the cascade (not the master teachers) whose institution is in the region.
    Active trainers: current master teacher and regional trainer appointments that name the region, or,
    naming no region, whose holder's institution is in it. An institution with educators lacks a trainer
    when no active trainer covers the region, names the institution, or works there (with an appointment
    naming no region or that region). A region is a gap when it has teachers and no active trainer, or
    nobody reached; a region with no teachers in the programme is not a gap."""
    regions = list(
        Region.objects.annotate(institution_count=Count("institutions", filter=Q(institutions__is_active=True)))
    )
    educators: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        RoleAssignment.objects.current()
        .filter(programme=programme, role=Role.EDUCATOR, person__institution__isnull=False)
        .values("person__institution__region_id", "person__institution_id")
        .annotate(people=Count("person", distinct=True))
        .order_by()
    ):
        educators[row["person__institution__region_id"]][row["person__institution_id"]] = row["people"]
    reached = {
        row["person__institution__region_id"]: row["people"]
        for row in LineageNode.objects.filter(programme=programme, depth__gt=0, person__institution__isnull=False)
        .values("person__institution__region_id")
        .annotate(people=Count("id"))
        .order_by()
    }
    current = Appointment.objects.filter(
        programme=programme, tier__in=TRAINER_TIERS, ended_at__isnull=True, term_ends_on__gte=timezone.localdate()
    )
    appointments = list(
        current.values_list("pk", "person_id", "person__institution_id", "person__institution__region_id")
    )
    named_regions: dict[int, set[int]] = defaultdict(set)
    for appointment_id, region_id in Appointment.regions.through.objects.filter(
        appointment__in=current.values("pk")
    ).values_list("appointment_id", "region_id"):
        named_regions[appointment_id].add(region_id)
    named_institutions: dict[int, set[int]] = defaultdict(set)
    for appointment_id, institution_id in Appointment.institutions.through.objects.filter(
        appointment__in=current.values("pk")
    ).values_list("appointment_id", "institution_id"):
        named_institutions[appointment_id].add(institution_id)

    trainers_in: dict[int, set[int]] = defaultdict(set)  # region: people
    covered_regions: set[int] = set()  # a trainer appointed to the whole region
    covered_institutions: set[int] = set()
    for appointment_id, person_id, institution_id, region_id in appointments:
        if named_regions[appointment_id]:
            for named in named_regions[appointment_id]:
                trainers_in[named].add(person_id)
                covered_regions.add(named)
        elif region_id is not None:
            trainers_in[region_id].add(person_id)
        covered_institutions |= named_institutions[appointment_id]
        # A trainer covers their own institution when their appointment names no region, or names its region.
        if institution_id is not None and (
            not named_regions[appointment_id] or region_id in named_regions[appointment_id]
        ):
            covered_institutions.add(institution_id)

    rows = []
    for region in regions:
        teachers = sum(educators[region.pk].values())
        reached_here = reached.get(region.pk, 0)
        active = len(trainers_in[region.pk])
        uncovered = (
            0
            if region.pk in covered_regions
            else sum(1 for institution_id in educators[region.pk] if institution_id not in covered_institutions)
        )
        rows.append(
            RegionRow(
                region=region,
                institutions=region.institution_count,
                teachers=teachers,
                reached=reached_here,
                reached_share=reached_here / teachers if teachers else None,
                active_trainers=active,
                institutions_without_trainer=uncovered,
                gap=teachers > 0 and (active == 0 or reached_here == 0),
            )
        )
    return rows


# --- growth ------------------------------------------------------------------------------------------------------


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def growth(*, programme: Programme) -> list[GrowthPoint]:
    """People newly trained (lineage nodes below the master teachers) per month, and the running total,
    from the first month to the last with every month in between: one query."""
    counts = {
        row["month"]: row["people"]
        for row in LineageNode.objects.filter(programme=programme, depth__gt=0)
        .annotate(month=TruncMonth("trained_at", output_field=DateField()))
        .values("month")
        .annotate(people=Count("id"))
        .order_by()
    }
    if not counts:
        return []
    months = {(month if isinstance(month, dt.date) else month.date()).replace(day=1): n for month, n in counts.items()}
    points: list[GrowthPoint] = []
    month, last, cumulative = min(months), max(months), 0
    while month <= last:
        cumulative += months.get(month, 0)
        points.append(GrowthPoint(month=month, new=months.get(month, 0), cumulative=cumulative))
        month = _next_month(month)
    return points


__all__ = [
    "BranchTree",
    "GrowthPoint",
    "Reach",
    "RegionRow",
    "TreeNode",
    "branch_tree",
    "growth",
    "reach_by_master",
    "reach_of",
    "region_table",
    "trainees",
]
