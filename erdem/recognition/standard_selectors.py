"""Reads of the national teacher qualification standards: the grid standard x level, the alignments, and a
person's standards map (which descriptors their credentials and portfolio entries evidence).

Each read is a fixed number of queries, whatever the size of the framework or the person's record.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from erdem.credentials.models import Achievement, Credential
from erdem.programmes.models import Programme
from erdem.recognition.models import QualificationLevel, QualificationStandard, StandardDescriptor


@dataclass(frozen=True)
class FrameworkCell:
    level: QualificationLevel
    descriptor: StandardDescriptor | None


@dataclass
class FrameworkRow:
    standard: QualificationStandard
    cells: list[FrameworkCell] = field(default_factory=list)


@dataclass
class Framework:
    levels: list[QualificationLevel]
    rows: list[FrameworkRow]

    @property
    def empty(self) -> bool:
        return not self.levels and not self.rows


def _descriptors(programme: Programme) -> QuerySet[StandardDescriptor]:
    return StandardDescriptor.objects.filter(standard__programme=programme).prefetch_related(
        Prefetch("achievements", queryset=Achievement.objects.order_by("code"))
    )


def framework_grid(*, programme: Programme) -> Framework:
    """The programme's standards (rows) by levels (columns), each cell the descriptor or None when missing;
    descriptors carry their aligned achievements. Four queries."""
    levels = list(QualificationLevel.objects.filter(programme=programme).order_by("position", "id"))
    standards = list(QualificationStandard.objects.filter(programme=programme).order_by("position", "id"))
    by_cell = {(descriptor.standard_id, descriptor.level_id): descriptor for descriptor in _descriptors(programme)}
    rows = [
        FrameworkRow(
            standard=standard,
            cells=[FrameworkCell(level=level, descriptor=by_cell.get((standard.pk, level.pk))) for level in levels],
        )
        for standard in standards
    ]
    return Framework(levels=levels, rows=rows)


# --- a person's map ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapCell:
    level: QualificationLevel
    descriptor: StandardDescriptor | None
    credentials: list[Credential]  # active credentials whose achievement is aligned to the descriptor
    entries: list[Any]  # portfolio entries of the person tagged with the descriptor

    @property
    def evidenced(self) -> bool:
        return bool(self.credentials or self.entries)


@dataclass
class MapRow:
    standard: QualificationStandard
    cells: list[MapCell] = field(default_factory=list)

    @property
    def evidenced_count(self) -> int:
        return sum(cell.evidenced for cell in self.cells)

    @property
    def highest_level(self) -> QualificationLevel | None:
        """The highest level evidenced for this standard (levels are in order), or None."""
        evidenced = [cell.level for cell in self.cells if cell.evidenced]
        return evidenced[-1] if evidenced else None


@dataclass
class StandardsMap:
    levels: list[QualificationLevel]
    rows: list[MapRow]

    @property
    def evidenced_count(self) -> int:
        return sum(row.evidenced_count for row in self.rows)

    @property
    def descriptor_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.descriptor is not None)


def standards_map(*, person: Any, programme: Programme, entries: QuerySet[Any] | None = None) -> StandardsMap:
    """For each standard x level of the programme: evidenced or not, and by which of the person's active
    credentials (achievement aligned to the descriptor) and portfolio entries (tagged with the descriptor).

    `entries` narrows the entries counted (for example those a viewer other than the owner may see); by
    default every entry of the person counts. Six queries."""
    # The portfolio app depends on this one, so its model is read here, not at import time.
    from erdem.portfolio.models import Entry

    grid = framework_grid(programme=programme)
    aligned: dict[int, set[int]] = defaultdict(set)  # achievement -> descriptors
    for row in grid.rows:
        for cell in row.cells:
            if cell.descriptor is not None:
                for achievement in cell.descriptor.achievements.all():
                    aligned[achievement.pk].add(cell.descriptor.pk)
    credentials_by_descriptor: dict[int, list[Credential]] = defaultdict(list)
    if aligned:
        credentials = (
            Credential.objects.filter(person=person, status=Credential.Status.ACTIVE, achievement_id__in=list(aligned))
            .select_related("achievement")
            .order_by("issued_at", "id")
        )
        for credential in credentials:
            for descriptor_id in aligned[credential.achievement_id]:
                credentials_by_descriptor[descriptor_id].append(credential)
    source = Entry.objects.filter(person=person) if entries is None else entries.filter(person=person)
    tags = (
        Entry.descriptors.through.objects.filter(entry__in=source, standarddescriptor__standard__programme=programme)
        .select_related("entry")
        .order_by("entry__started_on", "entry__created_at", "entry_id")
    )
    entries_by_descriptor: dict[int, list[Any]] = defaultdict(list)
    for tag in tags:
        entries_by_descriptor[tag.standarddescriptor_id].append(tag.entry)
    rows = []
    for row in grid.rows:
        cells = []
        for cell in row.cells:
            descriptor_id = cell.descriptor.pk if cell.descriptor is not None else 0
            cells.append(
                MapCell(
                    level=cell.level,
                    descriptor=cell.descriptor,
                    credentials=credentials_by_descriptor.get(descriptor_id, []),
                    entries=entries_by_descriptor.get(descriptor_id, []),
                )
            )
        rows.append(MapRow(standard=row.standard, cells=cells))
    return StandardsMap(levels=grid.levels, rows=rows)


def alignment_rows(*, programme: Programme) -> list[tuple[Achievement, list[StandardDescriptor]]]:
    """Each achievement of the programme with the descriptors it is aligned to (three queries)."""
    descriptors = StandardDescriptor.objects.filter(standard__programme=programme).select_related("standard", "level")
    achievements = Achievement.objects.filter(programme=programme).prefetch_related(
        Prefetch("standard_descriptors", queryset=descriptors.order_by("standard__position", "level__position"))
    )
    return [
        (achievement, list(achievement.standard_descriptors.all())) for achievement in achievements.order_by("code")
    ]
