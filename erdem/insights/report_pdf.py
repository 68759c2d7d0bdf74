"""The national report drawn as an A4 portrait PDF, in the active language.

`report_pdf` takes what `reports.report_content` read (in the same language) and draws: a title
page; the headline figures with the previous period, the change and each one's definition; the
funnel; the trends of the period as bar charts drawn with fpdf2's primitives, each month's figures in
a table below; rankings of institutions and regions (the first fifteen, the rest summed); breakdown
tables; the impact of the follow-up surveys; and every definition on a closing page. Long tables
break across pages with their header repeated; every page after the title has the programme, the
period and its number at the foot.

Mongolian is Cyrillic, which the Noto fonts draw as they are: unlike the traditional script on
certificates it needs no shaping, which would double the drawing time. Pure: data in, bytes out.
"""

import math
from collections.abc import Sequence
from typing import Any, cast

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from erdem.core.charts import nice_ceiling
from erdem.core.pdf import fonts_add
from erdem.insights.measures import DEFINITIONS, FUNNEL_DEFINITION, SUPPRESSION_NOTE, Dimension, Measure
from erdem.insights.reports import Ranking, ReportContent
from erdem.insights.selectors import Cell, Table

NAVY = (24, 49, 96)
GOLD = (176, 141, 62)
INK = (33, 33, 33)
GREY = (100, 100, 100)
LIGHT = (222, 228, 238)
ZEBRA = (244, 246, 250)
WHITE = (255, 255, 255)
BAR = (52, 92, 160)

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 18.0
WIDTH = PAGE_W - 2 * MARGIN
PT = 25.4 / 72  # one point in mm
CELL_PADDING = 1.4  # left and right, in a table


class _Document(FPDF):
    """The report's pages: the foot on every page after the title."""

    def __init__(self, *, programme: str, tail: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.programme, self.tail = programme, tail
        fonts_add(self, ("sans",))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.set_draw_color(*LIGHT)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_draw_color(*LIGHT)
        self.set_line_width(0.2)
        self.line(MARGIN, PAGE_H - 14, PAGE_W - MARGIN, PAGE_H - 14)
        self.set_font("sans", "", 7)
        self.set_text_color(*GREY)
        number_w = 26.0
        # The programme's name is shortened, if need be, so that the period and the page number fit.
        name, room = self.programme, WIDTH - number_w - 3 - self.get_string_width(self.tail)
        while len(name) > 12 and self.get_string_width(name) > room:
            name = name[:-2].rstrip(" ,…") + "…"
        self.set_xy(MARGIN, PAGE_H - 13)
        self.cell(WIDTH - number_w, 5, name + self.tail, align=Align.L)
        self.set_xy(PAGE_W - MARGIN - number_w, PAGE_H - 13)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(number_w, 5, page, align=Align.R)

    # Text helpers -------------------------------------------------------------------------------

    def style(self, size: float, emphasis: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font("sans", emphasis, size)
        self.set_text_color(*colour)

    def room(self, height: float) -> None:
        """A new page unless `height` fits below the current line."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, *, keep: float = 45) -> None:
        """A section's title, on a new page unless `keep` millimetres of it fit below."""
        self.room(keep)
        if self.get_y() > MARGIN + 1:
            self.ln(4)
        self.start_section(text)
        self.style(15, "B", NAVY)
        self.multi_cell(WIDTH, 15 * PT * 1.3, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*GOLD)
        self.set_line_width(0.5)
        self.line(MARGIN, self.get_y() + 1, MARGIN + 24, self.get_y() + 1)
        self.ln(4)

    def subheading(self, text: str, *, keep: float = 30) -> None:
        self.room(keep)
        self.ln(2)
        self.start_section(text, level=1)
        self.style(10.5, "B", NAVY)
        self.multi_cell(WIDTH, 10.5 * PT * 1.3, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(
        self, text: str, *, size: float = 9, colour: tuple[int, int, int] = INK, x: float = MARGIN, width: float = WIDTH
    ) -> None:
        self.style(size, "", colour)
        self.set_x(x)
        self.multi_cell(width, size * PT * 1.35, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def lines(self, text: str, *, size: float, width: float, emphasis: str = "") -> int:
        """How many lines `text` takes at `size` in `width`."""
        self.set_font("sans", emphasis, size)
        return len(cast(list[str], self.multi_cell(width, 1, text, dry_run=True, output="LINES")))

    def heading_size(self, header: Sequence[str], widths: Sequence[float], size: float) -> float:
        """The largest size up to `size` (not below 5 pt) at which no word of a column heading is cut."""
        while size > 5:
            self.set_font("sans", "B", size)
            if all(
                self.get_string_width(word) <= width - 2 * CELL_PADDING
                for text, width in zip(header, widths, strict=True)
                for word in text.split()
            ):
                break
            size -= 0.25
        return size

    def data_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        bold_rows: frozenset[int] = frozenset(),
        size: float = 7.5,
        text_columns: int = 1,
    ) -> None:
        """A table whose first `text_columns` columns are text and the others figures; its header repeats on
        each page."""
        heading_size = self.heading_size(header, widths, size - 0.5)
        self.style(size)
        self.set_fill_color(*WHITE)  # the rows between the zebra stripes take the colour in force
        aligns = ("LEFT",) * text_columns + ("RIGHT",) * (len(header) - text_columns)
        with self.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align=Align.L,
            text_align=cast(Any, aligns),
            line_height=size * PT * 1.35,
            padding=(1.1, CELL_PADDING),
            borders_layout=TableBordersLayout.NONE,
            cell_fill_color=ZEBRA,
            cell_fill_mode=TableCellFillMode.ROWS,
            headings_style=FontFace(emphasis="B", color=WHITE, fill_color=NAVY, size_pt=heading_size),
            repeat_headings=1,
        ) as table:
            heading = table.row()
            for text in header:
                heading.cell(text)
            bold = FontFace(emphasis="B")
            for index, values in enumerate(rows):
                row = table.row()
                for value in values:
                    row.cell(value, style=bold if index in bold_rows else None)
        self.ln(2)


# Pages ------------------------------------------------------------------------------------------


def _capital(text: Any) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _datetime(value: Any) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _title_page(doc: _Document, content: ReportContent) -> None:
    doc.add_page()
    doc.set_fill_color(*NAVY)
    doc.rect(0, 0, PAGE_W, 118, style="F")
    doc.set_fill_color(*GOLD)
    doc.rect(0, 118, PAGE_W, 1.6, style="F")
    doc.set_xy(MARGIN, 34)
    doc.style(13, "", WHITE)
    doc.multi_cell(WIDTH, 13 * PT * 1.35, content.programme, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(6)
    doc.style(30, "B", WHITE)
    doc.multi_cell(WIDTH, 30 * PT * 1.2, _("National report"), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(4)
    doc.style(18, "", GOLD)
    doc.multi_cell(WIDTH, 18 * PT * 1.3, content.period.label(), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    doc.set_y(134)
    facts = [
        (_("Period"), content.period.label()),
        (_("Compared with"), content.previous.label()),
        (_("Prepared on"), date_format(content.prepared_at.date(), "DATE_FORMAT")),
        (_("Figures computed at"), _datetime(content.computed_at) if content.computed_at else "—"),
    ]
    for label, value in facts:
        doc.style(9, "", GREY)
        doc.cell(48, 6.5, label)
        doc.style(10, "B")
        doc.cell(WIDTH - 48, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(10)
    doc.paragraph(
        _(
            "This report gives the programme's figures for the period: the headline figures and their change "
            "from the previous period of the same length, the way from registration to certification, the "
            "trends of each month, the rankings of institutions and regions, breakdowns by region, discipline, "
            "gender, language and course, and the impact reported in the follow-up surveys. Every figure is "
            "defined beside it and again at the end of the report."
        ),
        size=9.5,
    )
    doc.ln(3)
    doc.paragraph(_("The report names nobody. %(note)s") % {"note": SUPPRESSION_NOTE}, size=9.5, colour=GREY)


def _headline(doc: _Document, content: ReportContent) -> None:
    doc.add_page()
    doc.heading(_("Headline figures"))
    doc.paragraph(
        _("%(period)s compared with the previous period of the same length, %(previous)s.")
        % {"period": content.period.label(), "previous": content.previous.label()},
        colour=GREY,
    )
    doc.ln(3)
    left, right_x, right_w = 110.0, MARGIN + 114, WIDTH - 114
    for figure in content.figures:
        details = [
            _("previous period: %(value)s") % {"value": figure.previous.text},
            *([_("change: %(change)s") % {"change": figure.change}] if figure.change else []),
            *([_("since the start: %(value)s") % {"value": figure.to_date.text}] if figure.to_date else []),
        ]
        text_height = (
            doc.lines(figure.label, size=10.5, width=left, emphasis="B") * 10.5 * PT * 1.3
            + doc.lines(figure.definition, size=7.5, width=left) * 7.5 * PT * 1.35
            + 1
        )
        value_height = 17 * PT * 1.2 + len(details) * 8 * PT * 1.35
        height = max(text_height, value_height) + 5
        doc.room(height)
        top = doc.get_y()
        doc.set_xy(MARGIN, top)
        doc.style(10.5, "B", NAVY)
        doc.multi_cell(left, 10.5 * PT * 1.3, figure.label, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.ln(1)
        doc.paragraph(figure.definition, size=7.5, colour=GREY, width=left)
        doc.set_xy(right_x, top)
        doc.style(17, "B", NAVY)
        doc.cell(right_w, 17 * PT * 1.2, figure.current.text, align=Align.R, new_x=XPos.LEFT, new_y=YPos.NEXT)
        for detail in details:
            doc.style(8, "", GREY)
            doc.cell(right_w, 8 * PT * 1.35, detail, align=Align.R, new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = top + height
        doc.set_draw_color(*LIGHT)
        doc.set_line_width(0.2)
        doc.line(MARGIN, bottom - 2, PAGE_W - MARGIN, bottom - 2)
        doc.set_xy(MARGIN, bottom)


def _funnel(doc: _Document, content: ReportContent) -> None:
    doc.heading(_("From registration to certification"))
    doc.paragraph(
        _("People at each stage by the end of the period, %(end)s.")
        % {"end": date_format(content.period.end, "DATE_FORMAT")},
        colour=GREY,
    )
    doc.ln(2)
    label_w, bar_x, bar_w, drop_w = 62.0, MARGIN + 64, 82.0, 26.0
    widest = max((int(stage.people.value or 0) for stage in content.funnel if not stage.people.hidden), default=0)
    doc.room(8 + 8 * len(content.funnel))
    doc.style(7, "B", GREY)
    doc.cell(label_w, 5, _("Stage"))
    doc.set_x(bar_x)
    doc.cell(bar_w, 5, _("People"))
    doc.set_x(PAGE_W - MARGIN - drop_w)
    doc.cell(drop_w, 5, _("Drop"), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for stage in content.funnel:
        y = doc.get_y()
        doc.style(8.5)
        doc.set_xy(MARGIN, y)
        doc.cell(label_w, 7, stage.label)
        length = 0.0
        if not stage.people.hidden and widest:
            length = bar_w * int(stage.people.value or 0) / widest
            doc.set_fill_color(*BAR)
            doc.rect(bar_x, y + 1.2, max(length, 0.4), 4.6, style="F")
        doc.style(8.5, "B", NAVY)
        doc.set_xy(bar_x + length + 1.5, y)
        doc.cell(24, 7, stage.people.text)
        drop = stage.drop
        doc.style(8.5, "", GREY)
        doc.set_xy(PAGE_W - MARGIN - drop_w, y)
        doc.cell(drop_w, 7, "" if drop.value is None and not drop.hidden else drop.text, align=Align.R)
        doc.set_xy(MARGIN, y + 7.6)
    doc.ln(2)
    doc.paragraph(str(FUNNEL_DEFINITION), size=7.5, colour=GREY)


def _month_label(month: Any) -> str:
    # Translators: a month on a chart's axis in Django's date syntax (M: short month name, Y: year,
    # m: month number); keep it short.
    return date_format(month, pgettext("report chart month", "M Y"))


def _bars(doc: _Document, points: Sequence[tuple[str, Cell]], *, y: float, height: float) -> None:
    """A bar chart of counts: a bar per point, the axis in round steps, "<5" where a count is hidden."""
    gutter, foot = 14.0, 8.0
    plot_x, plot_w, plot_h = MARGIN + gutter, WIDTH - gutter, height - foot
    base = y + plot_h
    shown = [int(cell.value or 0) for _label, cell in points if not cell.hidden]
    top = nice_ceiling(max(shown, default=0))
    doc.set_line_width(0.15)
    for step in range(5):
        value = top * step / 4
        line_y = base - plot_h * step / 4
        doc.set_draw_color(*(GREY if step == 0 else LIGHT))
        doc.line(plot_x, line_y, plot_x + plot_w, line_y)
        doc.style(6.5, "", GREY)
        doc.set_xy(MARGIN, line_y - 2)
        doc.cell(gutter - 2, 4, number_format(round(value), force_grouping=True), align=Align.R)
    slot = plot_w / max(len(points), 1)
    bar_w = min(slot * 0.64, 14.0)
    every = max(1, math.ceil(len(points) / 12))
    for index, (label, cell) in enumerate(points):
        centre = plot_x + slot * (index + 0.5)
        doc.style(6.5, "", GREY)
        if cell.hidden:
            doc.set_xy(centre - slot / 2, base - 4.5)
            doc.cell(slot, 4, cell.text, align=Align.C)
        else:
            value = int(cell.value or 0)
            bar_h = plot_h * value / top if top else 0
            if bar_h > 0:
                doc.set_fill_color(*BAR)
                doc.rect(centre - bar_w / 2, base - bar_h, bar_w, bar_h, style="F")
            if len(points) <= 24:
                doc.style(6.5, "B", NAVY)
                doc.set_xy(centre - slot / 2, base - bar_h - 4)
                doc.cell(slot, 4, cell.text, align=Align.C)
        if index % every == 0:
            doc.style(6.5, "", GREY)
            doc.set_xy(centre - slot * every / 2, base + 1)
            doc.cell(slot * every, 4, label, align=Align.C)


def _trends(doc: _Document, content: ReportContent) -> None:
    doc.heading(_("Trends by month"))
    doc.paragraph(
        _("Each month of the period; the figures are in the table after the charts."),
        colour=GREY,
    )
    labels = [_month_label(point.month) for point in content.trend]
    for measure, title in content.trend_measures:
        doc.subheading(title, keep=54)
        y = doc.get_y() + 2
        _bars(
            doc,
            [(label, point.values[measure]) for label, point in zip(labels, content.trend, strict=True)],
            y=y,
            height=38,
        )
        doc.set_xy(MARGIN, y + 41)
    doc.subheading(_("The figures of each month"), keep=40)
    header = [_("Month"), *(title for _measure, title in content.trend_measures)]
    rows = [
        [
            date_format(point.month, "YEAR_MONTH_FORMAT"),
            *(point.values[measure].text for measure, _title in content.trend_measures),
        ]
        for point in content.trend
    ]
    widths = [WIDTH - 36 * len(content.trend_measures), *([36.0] * len(content.trend_measures))]
    doc.data_table(header, rows, widths=widths, size=8)


def _ranking(doc: _Document, ranking: Ranking) -> None:
    doc.subheading(ranking.title, keep=40)
    header = [_("Rank"), _capital(ranking.by_label), _("This period"), _("Previous period"), _("Previous rank")]
    rows = [
        [
            str(row.rank) if row.rank is not None else "–",
            row.label,
            row.current.text,
            row.previous.text,
            str(row.previous_rank) if row.previous_rank is not None and row.previous.value else "–",
        ]
        for row in ranking.rows
    ]
    if ranking.rest:
        rows.append(
            [
                "",
                _("The other %(count)s together") % {"count": ranking.rest},
                ranking.rest_current.text,
                ranking.rest_previous.text,
                "",
            ]
        )
    if not rows:
        doc.paragraph(_("No registrations in this period or the previous one."), colour=GREY)
        return
    doc.data_table(
        header,
        rows,
        widths=[14, WIDTH - 14 - 3 * 27, 27, 27, 27],
        bold_rows=frozenset({len(rows) - 1}) if ranking.rest else frozenset(),
        text_columns=2,
    )


def _rankings(doc: _Document, content: ReportContent) -> None:
    doc.heading(_("Rankings"))
    doc.paragraph(
        _(
            "Ranked by new registrations in %(period)s, beside the previous period, %(previous)s. Equal counts share "
            "a rank; hidden counts are listed last, without a rank."
        )
        % {"period": content.period.label(), "previous": content.previous.label()},
        colour=GREY,
    )
    for ranking in content.rankings:
        _ranking(doc, ranking)


def _breakdown(doc: _Document, table: Table) -> None:
    titles = {
        Dimension.REGION: _("By region"),
        Dimension.DISCIPLINE: _("By discipline"),
        Dimension.GENDER: _("By gender"),
        Dimension.LANGUAGE: _("By language"),
        Dimension.COURSE: _("By course"),
    }
    doc.subheading(titles.get(Dimension(table.by), _capital(Dimension(table.by).label)), keep=40)
    if not table.rows:
        doc.paragraph(_("Nothing to show in this period."), colour=GREY)
        return
    figures = len(table.columns)
    label_w = 36.0 if figures > 6 else 70.0
    rows = [[row.label, *(cell.text for cell in row.cells)] for row in [*table.rows, table.total]]
    header = table.header()
    doc.data_table(
        [_capital(header[0]), *header[1:]],
        rows,
        widths=[label_w, *([(WIDTH - label_w) / figures] * figures)],
        bold_rows=frozenset({len(rows) - 1}),
        size=7 if figures > 6 else 7.5,
    )


def _breakdowns(doc: _Document, content: ReportContent) -> None:
    doc.heading(_("Breakdowns"), keep=75)
    doc.paragraph(
        _("The figures of %(period)s by region, discipline, gender, language and course.")
        % {"period": content.period.label()},
        colour=GREY,
    )
    for table in content.breakdowns:
        _breakdown(doc, table)


def _impact(doc: _Document, content: ReportContent) -> None:
    doc.heading(_("Impact"))
    doc.paragraph(
        _(
            "Certified educators are asked some months after certification whether they now integrate AI in "
            "their teaching."
        ),
        colour=GREY,
    )
    doc.ln(1)
    header = [_("Figure"), _("This period"), _("Previous period"), _("Since the start")]
    rows = [[row.label, row.current.text, row.previous.text, row.to_date.text] for row in content.impact]
    doc.data_table(header, rows, widths=[WIDTH - 3 * 30, 30, 30, 30], size=8.5)
    for measure in (Measure.RESPONDED, Measure.INTEGRATING):
        doc.paragraph(str(DEFINITIONS[measure]), size=7.5, colour=GREY)
        doc.ln(1)


def _definitions(doc: _Document, content: ReportContent) -> None:
    doc.add_page()
    doc.heading(_("Definitions"))
    for label, text in content.definitions:
        doc.room(14)
        doc.style(9, "B", NAVY)
        doc.multi_cell(WIDTH, 9 * PT * 1.35, _capital(label), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.paragraph(text, size=8.5)
        doc.ln(2.5)


def report_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes, every text in the active language."""
    national = _("National report")
    doc = _Document(programme=content.programme, tail=f" · {national} · {content.period.label()}")
    doc.set_title(f"{content.programme}: {national}, {content.period.label()}")
    doc.set_author(content.programme)
    doc.set_lang(content.language)
    doc.set_creator("erdem")
    doc.set_creation_date(content.prepared_at)
    _title_page(doc, content)
    _headline(doc, content)
    _funnel(doc, content)
    doc.add_page()
    _trends(doc, content)
    _rankings(doc, content)
    _breakdowns(doc, content)
    _impact(doc, content)
    _definitions(doc, content)
    return bytes(doc.output())
