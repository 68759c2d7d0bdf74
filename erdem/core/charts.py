"""The pieces every server-rendered SVG chart is made of: the <svg> element itself, escaped texts, short
coordinates and a round top for a vertical axis.

No chart library and no JavaScript: a chart is one small SVG string scaled to the width of the page by its
viewBox (its height follows from the `chart` class of the stylesheet: a style attribute would be refused by
the Content-Security-Policy), with a title and a description a screen reader reads (role="img",
aria-labelledby), every text escaped, and shown beside a table of the same figures.
"""

import math
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1d2a33"
MUTED_INK = "#5b6770"
GRID = "#d5dbe0"
FONT = 'font-family="system-ui,sans-serif"'


def attr(value: object) -> str:
    """A text escaped for an attribute or an element's content."""
    return str(escape(str(value)))


def num(value: float) -> str:
    """A coordinate, short: one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def svg(*, width: int, height: int, title: str, desc: str, body: Iterable[str], label_id: str) -> SafeString:
    """The chart: `body` (already escaped) inside an accessible <svg> that scales with the page."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'class="chart" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{attr(label_id)}-t {attr(label_id)}-d" {FONT}>',
        f'<title id="{attr(label_id)}-t">{escape(title)}</title>',
        f'<desc id="{attr(label_id)}-d">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308  # every text above and in `body` is escaped


def clip(text: str, chars: int) -> str:
    """`text` cut to `chars` characters, with an ellipsis when it was longer."""
    if chars < 2:
        return ""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def nice_ceiling(value: float) -> int:
    """A round top for the vertical axis, at least `value`, that divides into four round steps."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return math.ceil(step * power / 4) * 4
    return 10 * power
