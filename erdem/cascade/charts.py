"""Server-rendered SVG charts of the cascade: a trainer's branch as a sunburst, the regions as a map-like
grid, and the growth month by month.

No chart library and no JavaScript: each function returns one small SVG string (a few kilobytes for a
hundred people), scaled to the width of the page by its viewBox, readable on a phone. Each chart is an
image with a title and a description, every segment, tile and point carries its own <title> (a tooltip
and what a screen reader reads), and every text is escaped. Each chart is shown beside a table of the
same figures, which is what is read by anyone who cannot see the picture.
"""

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from erdem.cascade.selectors import BranchTree, GrowthPoint, RegionRow, TreeNode
from erdem.core.charts import INK, clip, nice_ceiling, num, svg
from erdem.core.i18n import active_language, localized

# Generations, from the trainer at the centre outwards: dark to light, each with a readable text colour.
# One distinct hue per generation (dark enough for white labels), so neighbouring rings never blur.
GENERATION_COLOURS = ("#1b3a57", "#1f6f8b", "#b4541a", "#6a4c93", "#2a7a3b", "#8a2f4d")
GENERATION_TEXT = ("#ffffff", "#ffffff", "#ffffff", "#ffffff", "#ffffff", "#ffffff")
# The share of educators reached: five steps, light to dark.
SHARE_COLOURS = ("#eef5ea", "#c9e3b8", "#94c97d", "#529f4a", "#2a6a2c")
SHARE_TEXT = ("#17301a", "#17301a", "#17301a", "#ffffff", "#ffffff")
NO_EDUCATORS = "#e4e4e4"
GAP_STROKE = "#b3261e"
# --- the sunburst -------------------------------------------------------------------------------------------------

SUN_SIZE = 340
SUN_CENTRE = SUN_SIZE / 2
SUN_HOLE = 44
SUN_OUTER = 160
SUN_MIN_ARC = 2  # the thinnest segment drawn on its own, in viewBox units along its ring


def _point(radius: float, angle: float) -> tuple[float, float]:
    """A point at `angle` (radians, clockwise from the top)."""
    return SUN_CENTRE + radius * math.sin(angle), SUN_CENTRE - radius * math.cos(angle)


def _segment(inner: float, outer: float, start: float, end: float) -> str:
    """The path of a ring segment; a whole ring is drawn as two halves (an arc cannot close on itself)."""
    if end - start >= 2 * math.pi - 1e-6:
        middle = start + math.pi
        return _segment(inner, outer, start, middle) + _segment(inner, outer, middle, end)
    large = 1 if end - start > math.pi else 0
    x1, y1 = _point(outer, start)
    x2, y2 = _point(outer, end)
    x3, y3 = _point(inner, end)
    x4, y4 = _point(inner, start)
    o, i = num(outer), num(inner)
    return (
        f"M{num(x1)} {num(y1)}A{o} {o} 0 {large} 1 {num(x2)} {num(y2)}"
        f"L{num(x3)} {num(y3)}A{i} {i} 0 {large} 0 {num(x4)} {num(y4)}Z"
    )


def _reached_text(name: str, reach: int) -> str:
    return _("%(name)s: reached %(count)s") % {"name": name, "count": reach}


def sunburst_svg(tree: BranchTree) -> SafeString:
    """The branch of a trainer: the trainer in the centre, one ring per generation, each person's segment
    as wide as the share of the branch they account for (themselves and everyone they reached)."""
    root = tree.root
    name = root.label if root is not None else ""
    if root is None or root.reach == 0:
        body = [
            f'<circle cx="{num(SUN_CENTRE)}" cy="{num(SUN_CENTRE)}" r="{SUN_HOLE}" fill="{GENERATION_COLOURS[0]}"/>',
            f'<text x="{num(SUN_CENTRE)}" y="{num(SUN_CENTRE + SUN_HOLE + 24)}" text-anchor="middle" '
            f'font-size="13" fill="{INK}">{escape(_("Nobody trained yet."))}</text>',
        ]
        return svg(
            width=SUN_SIZE,
            height=SUN_SIZE,
            title=_("Cascade: %(name)s") % {"name": name} if name else _("Cascade"),
            desc=_("Nobody trained yet."),
            body=body,
            label_id="sunburst",
        )
    generations = max(node.depth for node in tree.nodes())
    ring = (SUN_OUTER - SUN_HOLE) / max(generations, 1)
    unit = 2 * math.pi / root.reach
    layers: dict[int, list[str]] = {}
    labels: list[str] = []

    def segment(depth: int, start: float, span: float, text: str, extra: str = "") -> None:
        inner = SUN_HOLE + (depth - 1) * ring
        shape = _segment(inner, inner + ring, start, start + span)
        layers.setdefault(depth, []).append(f'<path d="{shape}"{extra}><title>{escape(text)}</title></path>')

    def draw(node: TreeNode, start: float) -> None:
        depth = node.depth + 1
        middle_radius = SUN_HOLE + (depth - 0.5) * ring
        children = sorted(node.children, key=lambda child: -child.weight)
        # Siblings too thin to see or point at are drawn as one segment ("and 40 more"), which keeps a
        # national branch of thousands to a few hundred segments.
        thin = [child for child in children if child.weight * unit * middle_radius < SUN_MIN_ARC]
        if len(thin) == 1:
            thin = []

        def label(text: str, start: float, span: float, colour: str) -> None:
            room = min(span * middle_radius, ring * 1.6)
            if span * middle_radius >= 26 and ring >= 16:
                x, y = _point(middle_radius, start + span / 2)
                short = clip(text, int(room / 5.6))
                if short:
                    labels.append(
                        f'<text x="{num(x)}" y="{num(y + 3)}" text-anchor="middle" font-size="9" '
                        f'fill="{colour}" aria-hidden="true">{escape(short)}</text>'
                    )

        text_colour = GENERATION_TEXT[min(depth, len(GENERATION_TEXT) - 1)]
        cursor = start
        for child in children[: len(children) - len(thin)]:
            span = child.weight * unit
            segment(depth, cursor, span, _reached_text(child.label, child.reach))
            label(child.label.split()[-1] if child.label else "", cursor, span, text_colour)
            draw(child, cursor)
            cursor += span
        if thin:
            people = sum(child.weight for child in thin)
            text = _("%(count)s more people, who reached %(reached)s") % {
                "count": len(thin),
                "reached": people - len(thin),
            }
            segment(depth, cursor, people * unit, text, ' fill-opacity="0.6"')
            label(f"+{len(thin)}", cursor, people * unit, INK)

    draw(root, 0.0)
    body = []
    for depth in sorted(layers):
        colour = GENERATION_COLOURS[min(depth, len(GENERATION_COLOURS) - 1)]
        body.append(f'<g fill="{colour}" stroke="#ffffff" stroke-width="0.8">{"".join(layers[depth])}</g>')
    centre = _reached_text(root.label, root.reach)
    body.append(
        f'<circle cx="{num(SUN_CENTRE)}" cy="{num(SUN_CENTRE)}" r="{SUN_HOLE - 2}" fill="{GENERATION_COLOURS[0]}">'
        f"<title>{escape(centre)}</title></circle>"
    )
    body.append(
        f'<text x="{num(SUN_CENTRE)}" y="{num(SUN_CENTRE - 2)}" text-anchor="middle" font-size="10" '
        f'fill="#ffffff" aria-hidden="true">{escape(clip(root.label, 14))}</text>'
        f'<text x="{num(SUN_CENTRE)}" y="{num(SUN_CENTRE + 14)}" text-anchor="middle" font-size="15" '
        f'font-weight="bold" fill="#ffffff" aria-hidden="true">{root.reach}</text>'
    )
    body.extend(labels)
    legend_y = SUN_SIZE + 8
    for index, depth in enumerate(range(1, generations + 1)):
        x = 8 + (index % 3) * 110
        y = legend_y + (index // 3) * 18
        colour = GENERATION_COLOURS[min(depth, len(GENERATION_COLOURS) - 1)]
        # Translated outside the f-string, where makemessages can find the message.
        label = _("Generation: %(number)s") % {"number": depth}
        body.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 17}" y="{y + 10}" font-size="11" fill="{INK}">{escape(label)}</text>'
        )
    height = legend_y + math.ceil(generations / 3) * 18 + 6
    desc = _(
        "%(count)s people reached over %(generations)s generations. The trainer is in the centre, each ring "
        "is a generation, and each segment is as wide as the number of people that person reached."
    ) % {"count": root.reach, "generations": generations}
    if tree.hidden:
        desc += " " + _("%(count)s people further down are counted but not drawn.") % {"count": tree.hidden}
    return svg(
        width=SUN_SIZE,
        height=height,
        title=_("Cascade: %(name)s") % {"name": root.label},
        desc=desc,
        body=body,
        label_id="sunburst",
    )


# --- the regions --------------------------------------------------------------------------------------------------

# (column, row) on an 8 by 3 grid: west to east, north to south; Ulaanbaatar in the middle with Töv beside it.
REGION_TILES: dict[str, tuple[int, int]] = {
    "MN-071": (0, 0),  # Bayan-Ölgii
    "MN-046": (1, 0),  # Uvs
    "MN-041": (2, 0),  # Khövsgöl
    "MN-067": (3, 0),  # Bulgan
    "MN-035": (4, 0),  # Orkhon
    "MN-037": (5, 0),  # Darkhan-Uul
    "MN-049": (6, 0),  # Selenge
    "MN-043": (0, 1),  # Khovd
    "MN-057": (1, 1),  # Zavkhan
    "MN-073": (2, 1),  # Arkhangai
    "MN-055": (3, 1),  # Övörkhangai
    "MN-047": (4, 1),  # Töv
    "MN-1": (5, 1),  # Ulaanbaatar
    "MN-039": (6, 1),  # Khentii
    "MN-061": (7, 1),  # Dornod
    "MN-065": (1, 2),  # Govi-Altai
    "MN-069": (2, 2),  # Bayankhongor
    "MN-053": (3, 2),  # Ömnögovi
    "MN-059": (4, 2),  # Dundgovi
    "MN-064": (5, 2),  # Govisümber
    "MN-063": (6, 2),  # Dornogovi
    "MN-051": (7, 2),  # Sükhbaatar
}
# Names that do not fit a tile, shortened as people write them (Mongolian, English).
REGION_SHORT: dict[str, tuple[str, str]] = {
    "MN-1": ("УБ", "UB"),
    "MN-071": ("Б-Өлгий", "B-Ölgii"),
    "MN-037": ("Дархан", "Darkhan"),
    "MN-055": ("Өвөрх.", "Övörkh."),
    "MN-069": ("Баянх.", "Bayankh."),
    "MN-065": ("Г-Алтай", "G-Altai"),
    "MN-064": ("Говьсүм.", "Govisüm."),
    "MN-063": ("Дорног.", "Dornog."),
    "MN-059": ("Дундг.", "Dundg."),
    "MN-053": ("Өмнөг.", "Ömnög."),
    "MN-051": ("Сүхб.", "Sükhb."),
}
TILE_W, TILE_H, TILE_GAP, GRID_MARGIN = 62, 50, 4, 4


def _share_step(share: float) -> int:
    return min(int(min(max(share, 0.0), 1.0) * len(SHARE_COLOURS)), len(SHARE_COLOURS) - 1)


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _short_region(row: RegionRow) -> str:
    short = REGION_SHORT.get(row.region.iso_code)
    if short is not None:
        return short[0] if active_language() == "mn" else short[1]
    return localized(row.region, "name")


def _region_text(row: RegionRow) -> str:
    name = localized(row.region, "name")
    if row.reached_share is None:
        text = _("%(region)s: no educators in the programme; %(reached)s people reached") % {
            "region": name,
            "reached": row.reached,
        }
    else:
        text = _("%(region)s: %(reached)s of %(teachers)s educators reached (%(share)s)") % {
            "region": name,
            "reached": row.reached,
            "teachers": row.teachers,
            "share": _percent(row.reached_share),
        }
    text += "; " + _("active trainers: %(count)s") % {"count": row.active_trainers}
    if row.institutions_without_trainer:
        text += "; " + _("institutions without a trainer: %(count)s") % {"count": row.institutions_without_trainer}
    if row.gap:
        text += "; " + _("a gap")
    return text


def region_grid_svg(rows: Sequence[RegionRow]) -> SafeString:
    """The regions as tiles placed roughly as on the map, each shaded by the share of its educators
    reached, with its short name and that share; a gap (no active trainer, or nobody reached) is hatched
    and outlined."""
    columns, grid_rows = 8, 3
    width = GRID_MARGIN * 2 + columns * TILE_W + (columns - 1) * TILE_GAP
    grid_height = GRID_MARGIN * 2 + grid_rows * TILE_H + (grid_rows - 1) * TILE_GAP
    body = [
        '<defs><pattern id="cascade-gap-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#b3261e" stroke-width="1.6" '
        'stroke-opacity="0.55"/></pattern></defs>'
    ]
    extra_column = 0
    for row in rows:
        position = REGION_TILES.get(row.region.iso_code)
        if position is None:  # a region the map does not know: placed after the grid, never dropped
            position = (extra_column % columns, grid_rows + extra_column // columns)
            extra_column += 1
        column, line = position
        x = GRID_MARGIN + column * (TILE_W + TILE_GAP)
        y = GRID_MARGIN + line * (TILE_H + TILE_GAP)
        if row.reached_share is None:
            fill, ink, figure = NO_EDUCATORS, INK, "—"
        else:
            step = _share_step(row.reached_share)
            fill, ink, figure = SHARE_COLOURS[step], SHARE_TEXT[step], _percent(row.reached_share)
        tile = [f"<g><title>{escape(_region_text(row))}</title>"]
        tile.append(f'<rect x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="4" fill="{fill}"/>')
        if row.gap:
            tile.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{TILE_W - 2}" height="{TILE_H - 2}" rx="4" '
                f'fill="url(#cascade-gap-hatch)" stroke="{GAP_STROKE}" stroke-width="2" stroke-dasharray="4 2"/>'
            )
        tile.append(
            f'<text x="{x + TILE_W / 2:g}" y="{y + 20}" text-anchor="middle" font-size="11" fill="{ink}" '
            f'aria-hidden="true">{escape(clip(_short_region(row), 10))}</text>'
            f'<text x="{x + TILE_W / 2:g}" y="{y + 38}" text-anchor="middle" font-size="13" font-weight="bold" '
            f'fill="{ink}" aria-hidden="true">{escape(figure)}</text></g>'
        )
        body.append("".join(tile))
    if extra_column:
        grid_height += math.ceil(extra_column / columns) * (TILE_H + TILE_GAP)
    legend_y = grid_height + 6
    steps = len(SHARE_COLOURS)
    legend: list[tuple[str, str]] = [
        (
            SHARE_COLOURS[step],
            f"{round(step * 100 / steps)}–{round((step + 1) * 100 / steps)}%",
        )
        for step in range(steps)
    ]
    legend.append((NO_EDUCATORS, _("no educators")))
    for index, (colour, text) in enumerate(legend):
        x = GRID_MARGIN + index * 74
        body.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}" stroke="#9aa5ad" stroke-width="0.5"/>'
            f'<text x="{x + 16}" y="{legend_y + 10}" font-size="10" fill="{INK}">{escape(text)}</text>'
        )
    gap_y = legend_y + 20
    gap_label = _("a gap: teachers here but no active trainer, or nobody reached")
    body.append(
        f'<rect x="{GRID_MARGIN}" y="{gap_y}" width="12" height="12" fill="url(#cascade-gap-hatch)" '
        f'stroke="{GAP_STROKE}" stroke-width="1.5" stroke-dasharray="3 1.5"/>'
        f'<text x="{GRID_MARGIN + 16}" y="{gap_y + 10}" font-size="10" fill="{INK}">'
        f"{escape(gap_label)}</text>"
    )
    gaps = sum(1 for row in rows if row.gap)
    desc = _(
        "The %(count)s regions placed roughly as on the map, west to east and north to south, each shaded by "
        "the share of its educators reached by the cascade; %(gaps)s regions are gaps."
    ) % {"count": len(rows), "gaps": gaps}
    return svg(
        width=width,
        height=gap_y + 18,
        title=_("Educators reached, by region"),
        desc=desc,
        body=body,
        label_id="regions",
    )


# --- growth -------------------------------------------------------------------------------------------------------

GROWTH_W, GROWTH_H = 560, 230
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 46, 12, 24, 34


def growth_svg(points: Sequence[GrowthPoint]) -> SafeString:
    """People reached in all, month by month: an area under a line, with the months along the bottom and
    the number of people up the side."""
    title = _("People reached, month by month")
    if not points:
        nobody = _("Nobody trained yet.")
        empty = [
            f'<text x="{GROWTH_W // 2}" y="{GROWTH_H // 2}" text-anchor="middle" font-size="13" fill="{INK}">'
            f"{escape(nobody)}</text>"
        ]
        return svg(
            width=GROWTH_W, height=GROWTH_H, title=title, desc=_("Nobody trained yet."), body=empty, label_id="growth"
        )
    top = nice_ceiling(points[-1].cumulative)
    plot_w = GROWTH_W - PLOT_LEFT - PLOT_RIGHT
    plot_h = GROWTH_H - PLOT_TOP - PLOT_BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def x_of(index: int) -> float:
        return PLOT_LEFT + (index * step if len(points) > 1 else plot_w / 2)

    def y_of(value: int) -> float:
        return PLOT_TOP + plot_h - value / top * plot_h

    body: list[str] = []
    for tick in range(5):
        value = top * tick // 4
        y = y_of(value)
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{num(y)}" x2="{GROWTH_W - PLOT_RIGHT}" y2="{num(y)}" stroke="#d5dbe0" '
            f'stroke-width="{1 if tick else 1.4}"/>'
            f'<text x="{PLOT_LEFT - 6}" y="{num(y + 4)}" text-anchor="end" font-size="11" fill="{INK}">{value}</text>'
        )
    line = " ".join(f"{num(x_of(i))},{num(y_of(p.cumulative))}" for i, p in enumerate(points))
    baseline = num(y_of(0))
    body.append(
        f'<polygon points="{num(x_of(0))},{baseline} {line} {num(x_of(len(points) - 1))},{baseline}" '
        f'fill="{GENERATION_COLOURS[3]}" fill-opacity="0.35"/>'
        f'<polyline points="{line}" fill="none" stroke="{GENERATION_COLOURS[1]}" stroke-width="2.2"/>'
    )
    every = max(1, math.ceil(len(points) / 7))
    dots = []
    for index, point in enumerate(points):
        month = point.month.strftime("%Y-%m")
        text = _("%(month)s: %(new)s new, %(total)s in all") % {
            "month": month,
            "new": point.new,
            "total": point.cumulative,
        }
        dots.append(
            f'<circle cx="{num(x_of(index))}" cy="{num(y_of(point.cumulative))}" r="3.2">'
            f"<title>{escape(text)}</title></circle>"
        )
        if (len(points) - 1 - index) % every == 0:  # counted back from the latest month, which is always named
            anchor = "end" if index == len(points) - 1 and len(points) > 1 else "middle"
            body.append(
                f'<text x="{num(x_of(index))}" y="{GROWTH_H - PLOT_BOTTOM + 16}" text-anchor="{anchor}" '
                f'font-size="11" fill="{INK}">{month}</text>'
            )
    body.append(f'<g fill="{GENERATION_COLOURS[1]}">{"".join(dots)}</g>')
    month_label, people_label = _("month"), _("people")
    body.append(
        f'<text x="{PLOT_LEFT}" y="{GROWTH_H - 2}" font-size="10" fill="{INK}">{escape(month_label)}</text>'
        f'<text x="4" y="12" font-size="10" fill="{INK}">{escape(people_label)}</text>'
    )
    desc = _("From %(first)s to %(last)s: %(total)s people reached in all, %(recent)s of them in the last month.") % {
        "first": points[0].month.strftime("%Y-%m"),
        "last": points[-1].month.strftime("%Y-%m"),
        "total": points[-1].cumulative,
        "recent": points[-1].new,
    }
    return svg(width=GROWTH_W, height=GROWTH_H, title=title, desc=desc, body=body, label_id="growth")
