import importlib
import re

import pytest
from django.apps import apps as global_apps
from django.utils import translation

from erdem.frameworks.models import Competency, Dimension, Framework, Level
from erdem.frameworks.selectors import (
    competencies_by_qualified_codes,
    competency_by_qualified_code,
    framework_grid,
)

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яЁёӨөҮү]")


@pytest.mark.parametrize(
    ("code", "dimensions", "levels", "competencies"),
    [("unesco-ai-cft", 5, 3, 15), ("unesco-ict-cft", 6, 3, 18), ("digcompedu", 6, 6, 22)],
)
def test_the_migration_loads_each_framework_whole(code, dimensions, levels, competencies):
    framework = Framework.objects.get(code=code)

    assert framework.dimensions.count() == dimensions
    assert framework.levels.count() == levels
    assert framework.competencies.count() == competencies


def test_every_row_is_named_in_both_languages():
    rows = [
        *Framework.objects.all(),
        *Dimension.objects.all(),
        *Level.objects.all(),
        *Competency.objects.all(),
    ]

    assert len(rows) == 3 + 17 + 12 + 55
    for row in rows:
        assert row.name_en.strip(), row
        assert CYRILLIC.search(row.name_mn), f"{type(row).__name__} {row.name_en!r} has no Mongolian name"
        assert row.name_mn != row.name_en


def test_names_follow_the_active_language():
    competency = competency_by_qualified_code("unesco-ai-cft:2.1")

    with translation.override("en"):
        assert str(competency) == "Ethical principles"
    with translation.override("mn"):
        assert str(competency) == "Ёс зүйн зарчим"


def test_unesco_competencies_sit_at_their_aspect_and_level():
    for competency in Competency.objects.filter(framework__code__startswith="unesco-").select_related(
        "dimension", "level"
    ):
        aspect, level = competency.code.split(".")
        assert competency.dimension.code == aspect
        assert competency.level is not None
        assert competency.level.position == int(level)


def test_digcompedu_competences_span_all_levels():
    framework = Framework.objects.get(code="digcompedu")

    assert not framework.competencies.filter(level__isnull=False).exists()
    assert list(framework.levels.values_list("code", flat=True)) == ["A1", "A2", "B1", "B2", "C1", "C2"]


def test_loading_again_changes_nothing():
    migration = importlib.import_module("erdem.frameworks.migrations.0002_reference_frameworks")
    Competency.objects.filter(framework__code="digcompedu", code="6.5").update(name_en="changed")
    before = Competency.objects.count()

    migration.load_frameworks(global_apps, None)

    assert Competency.objects.count() == before
    assert competency_by_qualified_code("digcompedu:6.5").name_en == "Digital problem solving"


def test_ai_cft_grid_is_five_aspects_by_three_levels(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        grid = framework_grid("unesco-ai-cft")
        codes = [[cell.qualified_code if cell else None for cell in row.cells] for row in grid.rows]

    assert grid.shape == (5, 3)
    assert [level.code for level in grid.levels] == ["acquire", "deepen", "create"]
    assert codes[0] == ["unesco-ai-cft:1.1", "unesco-ai-cft:1.2", "unesco-ai-cft:1.3"]
    assert codes[4][2] == "unesco-ai-cft:5.3"
    assert all(cell is not None for row in grid.rows for cell in row.cells)


def test_ict_cft_grid_is_six_aspects_by_three_levels():
    grid = framework_grid("unesco-ict-cft")

    assert grid.shape == (6, 3)
    assert grid.rows[5].cells[2] is not None
    assert grid.rows[5].cells[2].name_en == "Teacher as innovator"


def test_digcompedu_grid_lists_competences_by_area():
    grid = framework_grid("digcompedu")

    assert grid.shape == (6, 6)
    assert [len(row.competencies) for row in grid.rows] == [4, 3, 4, 3, 3, 5]
    assert all(cell is None for row in grid.rows for cell in row.cells)


def test_unknown_framework_grid_raises():
    with pytest.raises(Framework.DoesNotExist):
        framework_grid("no-such-framework")


def test_competency_by_qualified_code():
    competency = competency_by_qualified_code("unesco-ict-cft:4.2")

    assert competency.name_en == "Infusion"
    assert competency.qualified_code == "unesco-ict-cft:4.2"
    with pytest.raises(Competency.DoesNotExist):
        competency_by_qualified_code("unesco-ai-cft:9.9")
    with pytest.raises(ValueError, match="qualified"):
        competency_by_qualified_code("2.1")


def test_competencies_by_qualified_codes_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        found = competencies_by_qualified_codes(["unesco-ai-cft:1.1", "digcompedu:1.1", "digcompedu:9.9"])

    assert set(found) == {"unesco-ai-cft:1.1", "digcompedu:1.1"}
    assert found["digcompedu:1.1"].name_en == "Organisational communication"
