"""The dashboards' charts, drawn on the server as small SVG images: a figure month by month (bars, with the
previous period as a dashed line), the funnel, and a ranking.

Built from `erdem.core.charts`: each chart scales with its viewBox, is an image with a title and a
description, gives every bar its own <title> (a tooltip and what a screen reader reads), escapes every
text, and sits beside a table of the same figures. A hidden small count ("<5") is drawn as no bar, with
"<5" in its title, so the picture never tells more than the table.
"""

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from erdem.core.charts import GRID, INK, MUTED_INK, clip, nice_ceiling, num, svg
from erdem.insights.selectors import Cell, FunnelStage, RankRow, TrendPoint

BAR = "#1f6f8b"
PREVIOUS = "#b4541a"
FUNNEL = "#2a7a3b"

TREND_W, TREND_H = 440, 220
LEFT, RIGHT, TOP, BOTTOM = 46, 12, 16, 34


def _shown(cell: Cell | None) -> float:
    """The value a bar is drawn to: nothing for a hidden or missing cell."""
    if cell is None or cell.hidden or cell.value is None:
        return 0
    return float(cell.value)


def _empty(*, width: int, height: int, title: str, label_id: str, hidden: bool = False) -> SafeString:
    if hidden:
        text = _("Only counts of fewer than 5 people, not drawn: see the table.")
    else:
        text = _("No data in this period.")
    body = [
        f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" font-size="13" fill="{INK}">'
        f"{escape(text)}</text>"
    ]
    return svg(width=width, height=height, title=title, desc=text, body=body, label_id=label_id)


def trend_svg(
    points: Sequence[TrendPoint],
    *,
    measure: str,
    title: str,
    label_id: str,
    previous: Sequence[TrendPoint] | None = None,
) -> SafeString:
    """`measure` per month of the period as bars; with `previous`, the previous period's months (the same
    number, just before) as a dashed line over the same places."""
    drawn = [point for point in [*points, *(previous or [])] if _shown(point.values.get(measure))]
    if not points or not drawn:
        hidden = any(point.values[measure].hidden for point in points if measure in point.values)
        return _empty(width=TREND_W, height=TREND_H, title=title, label_id=label_id, hidden=hidden)
    before = list(previous or [])[-len(points) :] if previous else []
    highest = max(
        [_shown(point.values.get(measure)) for point in points]
        + [_shown(point.values.get(measure)) for point in before]
    )
    top = nice_ceiling(highest)
    plot_w, plot_h = TREND_W - LEFT - RIGHT, TREND_H - TOP - BOTTOM
    slot = plot_w / len(points)
    bar_w = max(min(slot * 0.7, 48), 1.5)

    def y_of(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    body: list[str] = []
    for tick in range(5):
        value = top * tick // 4
        y = y_of(value)
        body.append(
            f'<line x1="{LEFT}" y1="{num(y)}" x2="{TREND_W - RIGHT}" y2="{num(y)}" stroke="{GRID}" '
            f'stroke-width="{1 if tick else 1.4}"/>'
            f'<text x="{LEFT - 6}" y="{num(y + 4)}" text-anchor="end" font-size="11" fill="{INK}">{value}</text>'
        )
    bars = []
    every = max(1, math.ceil(len(points) / 6))
    for index, point in enumerate(points):
        cell = point.values.get(measure)
        month = point.month.strftime("%Y-%m")
        shown = cell.text if cell is not None else "—"
        if index < len(before):
            earlier = before[index].values.get(measure)
            text = _("%(month)s: %(value)s (previous period: %(previous)s)") % {
                "month": month,
                "value": shown,
                "previous": earlier.text if earlier is not None else "—",
            }
        else:
            text = _("%(month)s: %(value)s") % {"month": month, "value": shown}
        x = LEFT + index * slot + (slot - bar_w) / 2
        y = y_of(_shown(cell))
        bars.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(bar_w)}" height="{num(TOP + plot_h - y)}">'
            f"<title>{escape(text)}</title></rect>"
        )
        if (len(points) - 1 - index) % every == 0:  # counted back from the last month, which is always named
            body.append(
                f'<text x="{num(LEFT + index * slot + slot / 2)}" y="{TREND_H - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{month}</text>'
            )
    body.append(f'<g fill="{BAR}">{"".join(bars)}</g>')
    if before:
        line = " ".join(
            f"{num(LEFT + index * slot + slot / 2)},{num(y_of(_shown(point.values.get(measure))))}"
            for index, point in enumerate(before)
        )
        body.append(
            f'<polyline points="{line}" fill="none" stroke="{PREVIOUS}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
        legend_now, legend_before = _("this period"), _("previous period")
        body.append(
            f'<rect x="{LEFT}" y="{TREND_H - 12}" width="10" height="10" fill="{BAR}"/>'
            f'<text x="{LEFT + 14}" y="{TREND_H - 3}" font-size="10" fill="{MUTED_INK}">{escape(legend_now)}</text>'
            f'<line x1="{LEFT + 110}" y1="{TREND_H - 7}" x2="{LEFT + 130}" y2="{TREND_H - 7}" stroke="{PREVIOUS}" '
            f'stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{LEFT + 134}" y="{TREND_H - 3}" font-size="10" fill="{MUTED_INK}">{escape(legend_before)}</text>'
        )
    total = sum(int(_shown(point.values.get(measure))) for point in points)
    desc = _(
        "%(title)s, month by month from %(first)s to %(last)s: %(total)s in all (hidden small counts not included)."
    ) % {
        "title": title,
        "first": points[0].month.strftime("%Y-%m"),
        "last": points[-1].month.strftime("%Y-%m"),
        "total": total,
    }
    return svg(width=TREND_W, height=TREND_H, title=title, desc=desc, body=body, label_id=label_id)


# --- horizontal bars: the funnel and the rankings --------------------------------------------------------------

BARS_W = 440
ROW_H = 26
LABEL_W = 170
LABEL_CHARS = 22  # what fits in LABEL_W at 11 px, in Cyrillic capitals too


def _bars(rows: Sequence[tuple[str, Cell, str]], *, title: str, desc: str, label_id: str, colour: str) -> SafeString:
    """One horizontal bar per (label, count, what its <title> says), labels on the left, counts at the end."""
    if not rows or not any(_shown(cell) for _label, cell, _text in rows):
        hidden = any(cell.hidden for _label, cell, _text in rows)
        return _empty(width=BARS_W, height=80, title=title, label_id=label_id, hidden=hidden)
    top = max(_shown(cell) for _label, cell, _text in rows)
    room = BARS_W - LABEL_W - 60
    body = []
    for index, (label, cell, text) in enumerate(rows):
        y = 6 + index * ROW_H
        width = _shown(cell) / top * room if top else 0
        body.append(
            f"<g><title>{escape(text)}</title>"
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" font-size="11" fill="{INK}" aria-hidden="true">'
            f"{escape(clip(label, LABEL_CHARS))}</text>"
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{num(max(width, 0.5))}" height="{ROW_H - 8}" fill="{colour}"/>'
            f'<text x="{num(LABEL_W + width + 5)}" y="{y + 15}" font-size="11" fill="{INK}" aria-hidden="true">'
            f"{escape(cell.text)}</text></g>"
        )
    return svg(width=BARS_W, height=12 + len(rows) * ROW_H, title=title, desc=desc, body=body, label_id=label_id)


def funnel_svg(stages: Sequence[FunnelStage], *, label_id: str = "funnel") -> SafeString:
    """People at each stage of the funnel, as bars from the widest (registered) down."""
    rows = []
    for stage in stages:
        if stage.of_previous.value is None and not stage.of_previous.hidden:
            text = _("%(stage)s: %(people)s") % {"stage": stage.label, "people": stage.people.text}
        else:
            text = _("%(stage)s: %(people)s (%(share)s of the previous stage)") % {
                "stage": stage.label,
                "people": stage.people.text,
                "share": stage.of_previous.text,
            }
        rows.append((stage.label, stage.people, text))
    title = _("Where people drop off")
    desc = "; ".join(text for _label, _cell, text in rows)
    return _bars(rows, title=title, desc=desc, label_id=label_id, colour=FUNNEL)


def ranking_svg(rows: Sequence[RankRow], *, title: str, label_id: str = "ranking") -> SafeString:
    """The ranked rows (the caller passes the first few), as bars, highest first."""
    bars = []
    for row in rows:
        if row.rank is None:
            text = _("%(name)s: %(count)s, not ranked") % {"name": row.label, "count": row.current.text}
        else:
            text = _("%(rank)s. %(name)s: %(count)s") % {"rank": row.rank, "name": row.label, "count": row.current.text}
        bars.append((row.label, row.current, text))
    desc = "; ".join(text for _label, _cell, text in bars)
    return _bars(bars, title=title, desc=desc, label_id=label_id, colour=BAR)
