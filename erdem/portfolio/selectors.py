"""Reads of the Faculty AI Portfolio: which entries a viewer may see, the person's credentials shown
automatically, and the 15-cell UNESCO AI CFT grid (5 aspects x 3 levels) of where the person stands.

The grid's strength of a cell, from weakest to strongest: nothing yet; entries the person documented;
at least one of them endorsed by a mentor or a peer; a credential whose achievement covers the competency."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from erdem.access.policy import Action, can
from erdem.credentials.models import Achievement, Credential
from erdem.frameworks.models import Competency, Dimension, Level
from erdem.frameworks.selectors import UNESCO_AI_CFT, framework_grid
from erdem.people.models import Person
from erdem.portfolio.models import Endorsement, Entry, Portfolio

STRENGTHS = ("none", "documented", "endorsed", "credential")


@dataclass(frozen=True)
class GridCell:
    level: Level
    competency: Competency | None
    entries: int
    endorsed: int
    credentials: int

    @property
    def strength(self) -> str:
        """One of STRENGTHS: the CSS class suffix and the legend's word for this cell."""
        if self.credentials:
            return "credential"
        if self.endorsed:
            return "endorsed"
        if self.entries:
            return "documented"
        return "none"


@dataclass(frozen=True)
class GridRow:
    dimension: Dimension
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class AiCftGrid:
    levels: tuple[Level, ...]
    rows: tuple[GridRow, ...]

    @property
    def cells_evidenced(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.strength != "none")

    @property
    def cells_total(self) -> int:
        return sum(len(row.cells) for row in self.rows)


def portfolio_of(person: Person) -> Portfolio | None:
    return Portfolio.objects.filter(person=person).first()


PUBLIC_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # secrets.token_urlsafe


def portfolio_by_token(token: str) -> Portfolio | None:
    """The portfolio whose public link is `token` (None when the link is off or wrong)."""
    if not token or len(token) > 64 or not PUBLIC_TOKEN.fullmatch(token):
        return None  # not a token we make: answered without asking the database
    return Portfolio.objects.filter(public_token=token).select_related("person__institution").first()


def entries_visible_to(viewer: Person | Any, owner: Person) -> QuerySet[Entry]:
    """The entries of `owner` that `viewer` may read on the entry page (the same rule as Action.ENTRY_VIEW):
    all for the owner and a coordinator reviewing with consent; those shared with the institution (or public)
    for colleagues of the same institution; those the viewer was asked to endorse."""
    entries = Entry.objects.filter(person=owner)
    if viewer is None or not viewer.is_authenticated:
        return entries.none()
    if viewer.pk == owner.pk or viewer.is_superuser or can(viewer, Action.PORTFOLIO_REVIEW, owner):
        return entries
    shown = Q(endorsements__endorser_id=viewer.pk) & ~Q(endorsements__status=Endorsement.Status.WITHDRAWN)
    if viewer.institution_id is not None and viewer.institution_id == owner.institution_id:
        shown |= Q(visibility__in=[Entry.Visibility.INSTITUTION, Entry.Visibility.PUBLIC])
    return entries.filter(pk__in=Entry.objects.filter(shown, person=owner).values("pk"))


def entries_listed(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """`entries` ready for a list: endorsement counts annotated (given, asked), tags prefetched."""
    return (
        entries.annotate(
            endorsements_given=Count("endorsements", filter=Q(endorsements__status=Endorsement.Status.GIVEN)),
            endorsements_asked=Count("endorsements", filter=Q(endorsements__status=Endorsement.Status.REQUESTED)),
        )
        .prefetch_related("competencies")
        .order_by(F("started_on").desc(nulls_last=True), "-created_at", "-id")
    )


def public_entries(owner: Person) -> QuerySet[Entry]:
    return Entry.objects.filter(person=owner, visibility=Entry.Visibility.PUBLIC)


def person_credentials(person: Person, *, public_only: bool = False) -> list[Credential]:
    """The person's active credentials with their achievements (and the achievements' competencies), newest
    first; `public_only`: only those whose holder chose to show their name on the public page."""
    credentials = Credential.objects.filter(person=person, status=Credential.Status.ACTIVE).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
    )
    if public_only:
        credentials = credentials.filter(show_name=True)
    return list(
        credentials.select_related("achievement")
        .prefetch_related("achievement__competencies")
        .order_by("-issued_at", "-id")
    )


def ai_cft_grid(
    *,
    person: Person,
    entries: Iterable[Entry] | None = None,
    public_only: bool = False,
    credentials: Iterable[Credential] | None = None,
) -> AiCftGrid:
    """The 15 cells of the UNESCO AI CFT with, for each, how many of `entries` (default: all the person's
    entries, or only the public ones) are tagged to its competency, how many of those are endorsed, and how
    many of the person's active credentials (`credentials`, default person_credentials) cover it."""
    grid = framework_grid(UNESCO_AI_CFT)
    if entries is None:
        entries = public_entries(person) if public_only else Entry.objects.filter(person=person)
    entry_filter: Any = entries.values("pk") if isinstance(entries, QuerySet) else [entry.pk for entry in entries]
    tagged = list(
        Entry.competencies.through.objects.filter(entry_id__in=entry_filter).values_list("entry_id", "competency_id")
    )
    endorsed_ids = set(
        Endorsement.objects.filter(
            entry_id__in=[entry_id for entry_id, _competency in tagged], status=Endorsement.Status.GIVEN
        ).values_list("entry_id", flat=True)
    )
    entries_at: Counter[int] = Counter()
    endorsed_at: Counter[int] = Counter()
    for entry_id, competency_id in tagged:
        entries_at[competency_id] += 1
        if entry_id in endorsed_ids:
            endorsed_at[competency_id] += 1
    if credentials is None:
        credentials = person_credentials(person, public_only=public_only)
    credentials_at: Counter[int] = Counter()
    achievement_ids = [credential.achievement_id for credential in credentials]
    for _achievement, competency_id in Achievement.competencies.through.objects.filter(
        achievement_id__in=achievement_ids
    ).values_list("achievement_id", "competency_id"):
        credentials_at[competency_id] += achievement_ids.count(_achievement)
    rows = []
    for row in grid.rows:
        cells = []
        for level, competency in zip(grid.levels, row.cells, strict=True):
            key = competency.pk if competency else 0
            cells.append(
                GridCell(
                    level=level,
                    competency=competency,
                    entries=entries_at[key],
                    endorsed=endorsed_at[key],
                    credentials=credentials_at[key],
                )
            )
        rows.append(GridRow(dimension=row.dimension, cells=tuple(cells)))
    return AiCftGrid(levels=grid.levels, rows=tuple(rows))


def ai_cft_competencies() -> QuerySet[Competency]:
    """The AI CFT's competencies, in grid order, for the tag checkboxes."""
    return Competency.objects.filter(framework__code=UNESCO_AI_CFT).select_related("dimension", "level")


def entry_for_page(public_id: Any) -> Entry | None:
    return (
        Entry.objects.filter(public_id=public_id)
        .select_related("person__institution")
        .prefetch_related("competencies__dimension", "competencies__level", "descriptors__standard", "links", "files")
        .first()
    )


def endorsements_given(entry: Entry) -> QuerySet[Endorsement]:
    return (
        Endorsement.objects.filter(entry=entry, status=Endorsement.Status.GIVEN)
        .select_related("endorser")
        .order_by("-answered_at", "-id")
    )
