"""Reads of the reference competency frameworks."""

from dataclasses import dataclass

from erdem.frameworks.models import Competency, Dimension, Framework, Level

UNESCO_AI_CFT = "unesco-ai-cft"


@dataclass(frozen=True)
class GridRow:
    """One aspect (area) of a framework and its competencies.

    `cells` follows the grid's `levels`: the competency of this aspect at that level,
    or None. In a framework whose competencies span all levels (DigCompEdu) every cell
    is None and `competencies` holds the aspect's competencies in order.
    """

    dimension: Dimension
    cells: tuple[Competency | None, ...]
    competencies: tuple[Competency, ...]


@dataclass(frozen=True)
class FrameworkGrid:
    framework: Framework
    levels: tuple[Level, ...]
    rows: tuple[GridRow, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """(aspects, levels): (5, 3) for the UNESCO AI CFT."""
        return len(self.rows), len(self.levels)


def framework_grid(code: str) -> FrameworkGrid:
    """A framework's aspects by levels, in four queries; raises Framework.DoesNotExist."""
    framework = Framework.objects.get(code=code)
    levels = tuple(Level.objects.filter(framework=framework).order_by("position"))
    dimensions = list(Dimension.objects.filter(framework=framework).order_by("position"))
    by_dimension: dict[int, list[Competency]] = {dimension.pk: [] for dimension in dimensions}
    competencies = Competency.objects.filter(framework=framework).order_by("code")
    for competency in competencies:
        competency.framework = framework
        by_dimension[competency.dimension_id].append(competency)
    rows = []
    for dimension in dimensions:
        items = by_dimension[dimension.pk]
        at_level = {competency.level_id: competency for competency in items if competency.level_id}
        rows.append(
            GridRow(
                dimension=dimension,
                cells=tuple(at_level.get(level.pk) for level in levels),
                competencies=tuple(items),
            )
        )
    return FrameworkGrid(framework=framework, levels=levels, rows=tuple(rows))


def _split_qualified_code(qualified_code: str) -> tuple[str, str]:
    framework_code, separator, code = qualified_code.partition(":")
    if not separator or not framework_code or not code:
        raise ValueError(f"Not a framework-qualified competency code: {qualified_code!r}")
    return framework_code, code


def competency_by_qualified_code(qualified_code: str) -> Competency:
    """`"unesco-ai-cft:2.1"` -> the competency; raises Competency.DoesNotExist or ValueError."""
    framework_code, code = _split_qualified_code(qualified_code)
    return Competency.objects.select_related("framework", "dimension", "level").get(
        framework__code=framework_code, code=code
    )


def competencies_by_qualified_codes(qualified_codes: list[str]) -> dict[str, Competency]:
    """Many qualified codes in one query; unknown codes are left out of the result."""
    wanted = {_split_qualified_code(qualified_code) for qualified_code in qualified_codes}
    if not wanted:
        return {}
    framework_codes = {framework_code for framework_code, _code in wanted}
    codes = {code for _framework_code, code in wanted}
    found = Competency.objects.select_related("framework", "dimension", "level").filter(
        framework__code__in=framework_codes, code__in=codes
    )
    return {
        competency.qualified_code: competency
        for competency in found
        if (competency.framework.code, competency.code) in wanted
    }
