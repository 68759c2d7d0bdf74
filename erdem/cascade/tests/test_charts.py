"""The cascade's SVG charts: well-formed, accessible, light, and every text escaped."""

import datetime as dt
import math
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring as xml_parse
from django.utils import translation
from django.utils.safestring import SafeString

from erdem.cascade.charts import REGION_TILES, growth_svg, region_grid_svg, sunburst_svg
from erdem.cascade.selectors import BranchTree, GrowthPoint, RegionRow, TreeNode
from erdem.organisations.models import Region

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Бат <script>alert("x")</script> & Сүх'


def parse(svg: str) -> Any:
    root = xml_parse(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 ")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    labelled = root.get("aria-labelledby", "").split()
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert labelled and set(labelled) <= ids
    return root


def titles(root: Any) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}title")]


def build_tree(children_per_level: tuple[int, ...], label: str = "Дорж Бат") -> BranchTree:
    """A full tree: the centre, then `children_per_level[0]` children each with `[1]` children, ..."""
    counter = iter(range(1, 10_000))

    def grow(depth: int) -> TreeNode:
        node = TreeNode(person_id=next(counter), label=f"{label} {depth}", depth=depth, reach=0)
        if depth < len(children_per_level):
            node.children = [grow(depth + 1) for _ in range(children_per_level[depth])]
            node.reach = sum(child.weight for child in node.children)
        return node

    return BranchTree(root=grow(0), max_depth=len(children_per_level))


def test_sunburst_draws_a_segment_per_person_with_a_tooltip():
    tree = build_tree((3, 2))
    root = parse(sunburst_svg(tree))
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 3 + 6
    assert all(path.find(f"{SVG}title") is not None for path in paths)
    assert "Дорж Бат 1: reached 2" in titles(root)
    assert "Дорж Бат 0: reached 9" in titles(root)  # the centre


def test_sunburst_angles_follow_each_subtree_reach():
    lopsided = TreeNode(person_id=2, label="Big", depth=1, reach=5)
    lopsided.children = [TreeNode(person_id=10 + i, label=f"L{i}", depth=2, reach=0) for i in range(5)]
    small = TreeNode(person_id=3, label="Small", depth=1, reach=0)
    centre = TreeNode(person_id=1, label="Centre", depth=0, reach=7, children=[lopsided, small])
    root = parse(sunburst_svg(BranchTree(root=centre, max_depth=4)))
    first_ring = [
        path for path in root.iter(f"{SVG}path") if (path.find(f"{SVG}title").text or "").startswith(("Big", "Small"))
    ]
    big = first_ring[0].get("d", "")
    # "Big" (itself and 5 people) spans 6/7 of the circle: a large arc (flag 1) ending left of the top.
    assert " 0 1 1 " in big
    outer = 44 + (160 - 44) / 2  # two generations share the rings
    end_x = float(big.split("A")[1].split()[5])
    assert end_x == pytest.approx(170 - outer * math.sin(2 * math.pi / 7), abs=0.1)


def test_sunburst_legend_names_each_generation_and_hidden_people_are_described():
    tree = build_tree((2, 2, 2))
    tree.hidden = 12
    root = parse(sunburst_svg(tree))
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert {"Generation: 1", "Generation: 2", "Generation: 3"} <= set(texts)
    desc = root.find(f"{SVG}desc").text
    assert "14 people reached over 3 generations" in desc and "12 people further down" in desc


def test_sunburst_single_child_is_a_whole_ring():
    centre = TreeNode(person_id=1, label="A", depth=0, reach=1)
    centre.children = [TreeNode(person_id=2, label="B", depth=1, reach=0)]
    root = parse(sunburst_svg(BranchTree(root=centre, max_depth=4)))
    (path,) = list(root.iter(f"{SVG}path"))
    assert path.get("d", "").count("Z") == 2  # two halves


def test_sunburst_of_nobody_is_still_a_picture():
    for tree in (BranchTree(root=None, max_depth=4), BranchTree(root=TreeNode(1, "Solo", 0, 0), max_depth=4)):
        root = parse(sunburst_svg(tree))
        assert "Nobody trained yet." in root.find(f"{SVG}desc").text


def test_sunburst_escapes_names():
    tree = build_tree((2, 1), label=NASTY)
    svg = sunburst_svg(tree)
    assert isinstance(svg, SafeString)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert any(NASTY in text for text in titles(root))


def test_sunburst_of_a_hundred_people_is_light():
    tree = build_tree((5, 4, 4))  # 5 + 20 + 80 = 105 people
    svg = sunburst_svg(tree)
    parse(svg)
    assert len(svg.encode()) < 20_000


# --- the regions ----------------------------------------------------------------------------------------------


def region_rows(**overrides: dict[str, Any]) -> list[RegionRow]:
    rows = []
    for index, region in enumerate(Region.objects.order_by("iso_code")):
        values: dict[str, Any] = {
            "region": region,
            "institutions": 3,
            "teachers": 100,
            "reached": index * 4,
            "reached_share": index * 4 / 100,
            "active_trainers": 1 if index else 0,
            "institutions_without_trainer": 0,
            "gap": index == 0,
        }
        values.update(overrides.get(region.iso_code, {}))
        rows.append(RegionRow(**values))
    return rows


@pytest.mark.django_db
def test_region_grid_has_a_tile_per_region_where_the_map_puts_it():
    rows = region_rows()
    assert len(rows) == 22 and set(REGION_TILES) == {row.region.iso_code for row in rows}
    root = parse(region_grid_svg(rows))
    tiles = [group for group in root.iter(f"{SVG}g") if group.find(f"{SVG}title") is not None]
    assert len(tiles) == 22
    positions = {}
    for group in tiles:
        rect = group.find(f"{SVG}rect")
        name = group.find(f"{SVG}title").text.split(":")[0]
        positions[name] = (float(rect.get("x")), float(rect.get("y")))
    assert positions["Bayan-Ölgii"][0] < positions["Ulaanbaatar"][0] < positions["Dornod"][0]
    assert positions["Khövsgöl"][1] < positions["Ulaanbaatar"][1] < positions["Ömnögovi"][1]
    assert abs(positions["Töv"][0] - positions["Ulaanbaatar"][0]) <= 70


@pytest.mark.django_db
def test_region_grid_marks_gaps_and_regions_without_educators():
    rows = region_rows(**{"MN-061": {"teachers": 0, "reached": 0, "reached_share": None, "gap": True}})
    svg = region_grid_svg(rows)
    root = parse(svg)
    texts = titles(root)
    dornod = next(text for text in texts if text.startswith("Dornod"))
    assert "no educators" in dornod and "a gap" in dornod
    assert svg.count('fill="url(#cascade-gap-hatch)"') == 2 + 1  # two gaps and the legend
    assert "a gap: teachers here but no active trainer, or nobody reached" in [
        element.text for element in root.iter(f"{SVG}text")
    ]


@pytest.mark.django_db
def test_region_grid_shows_short_names_and_shares_in_mongolian():
    with translation.override("mn"):
        root = parse(region_grid_svg(region_rows()))
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "УБ" in texts and "Төв" in texts and "Б-Өлгий" in texts
    assert "0%" in texts and "84%" in texts


@pytest.mark.django_db
def test_region_grid_escapes_names():
    region = Region(iso_code="MN-999", name_en=NASTY, name_mn=NASTY, kind=Region.Kind.AIMAG)
    rows = [
        *region_rows(),
        RegionRow(region, 1, 10, 5, 0.5, 1, 0, False),
    ]
    svg = region_grid_svg(rows)
    assert "<script>" not in svg
    root = parse(svg)
    assert any(NASTY in text for text in titles(root))


# --- growth ---------------------------------------------------------------------------------------------------


def test_growth_draws_the_line_a_point_per_month_and_axis_labels():
    points = []
    cumulative = 0
    for month in range(1, 13):
        cumulative += month * 3
        points.append(GrowthPoint(month=dt.date(2026, month, 1), new=month * 3, cumulative=cumulative))
    svg = growth_svg(points)
    root = parse(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 12
    assert "2026-12: 36 new, 234 in all" in titles(root)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "2026-12" in texts and "2026-02" in texts and "0" in texts and "240" in texts
    assert len([text for text in texts if text and text.startswith("2026-")]) <= 8
    assert root.find(f"{SVG}polyline") is not None
    assert len(svg.encode()) < 20_000


def test_growth_of_one_month_and_of_nothing():
    root = parse(growth_svg([GrowthPoint(month=dt.date(2026, 3, 1), new=4, cumulative=4)]))
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    root = parse(growth_svg([]))
    assert "Nobody trained yet." in root.find(f"{SVG}desc").text


def test_sunburst_of_a_national_branch_merges_thin_segments_and_stays_small():
    tree = build_tree((12, 10, 8, 4))  # 12 + 120 + 960 + 3,840 people
    svg = sunburst_svg(tree)
    root = parse(svg)
    merged = [text for text in titles(root) if "more people, who reached" in text]
    assert merged and set(merged) == {"8 more people, who reached 32"}
    assert "Дорж Бат 0: reached 4932" in titles(root)
    assert len(list(root.iter(f"{SVG}path"))) < 600
    assert len(svg.encode()) < 80_000
