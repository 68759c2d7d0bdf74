"""The owner's portfolio as an A4 PDF, in the active language: the person, the AI CFT grid as a table, the
active credentials with their verification addresses, then every entry (its text as plain text, its links and
the endorsements given). Mongolian Cyrillic is drawn by the Noto fonts (erdem.core.pdf) without shaping."""

import html
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from erdem.catalog.rendering import markdown_render
from erdem.core.i18n import localized
from erdem.core.pdf import fonts_add
from erdem.credentials.identity import credential_url
from erdem.people.models import Person
from erdem.portfolio.models import Endorsement, Entry
from erdem.portfolio.selectors import AiCftGrid, GridCell, ai_cft_grid, person_credentials, portfolio_of

NAVY = (24, 49, 96)
INK = (33, 33, 33)
GREY = (100, 100, 100)
LIGHT = (222, 228, 238)
WHITE = (255, 255, 255)
STRENGTH_FILL = {
    "none": WHITE,
    "documented": (232, 240, 252),
    "endorsed": (196, 219, 248),
    "credential": (150, 190, 240),
}
MARGIN = 18.0
WIDTH = 210.0 - 2 * MARGIN
PT = 25.4 / 72


class _Document(FPDF):
    def __init__(self, *, foot: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.foot = foot
        fonts_add(self, ("sans",))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.set_draw_color(*LIGHT)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("sans", "", 7.5)
        self.set_text_color(*GREY)
        self.cell(WIDTH, 5, f"{self.foot} · {self.page_no()}", align=Align.L)

    def text_block(self, text: str, size: float = 10, style: str = "", color: tuple[int, int, int] = INK) -> None:
        self.set_font("sans", style, size)
        self.set_text_color(*color)
        self.multi_cell(WIDTH, size * PT * 1.4, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: float = 14) -> None:
        self.ln(3)
        self.text_block(text, size, "B", NAVY)
        self.ln(1)


def _date(value: Any) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _dates(entry: Entry) -> str:
    """The first day alone, or "first – last" when it ended on another day; empty without dates."""
    if entry.started_on and entry.ended_on and entry.ended_on != entry.started_on:
        return f"{_date(entry.started_on)} – {_date(entry.ended_on)}"
    return _date(entry.started_on or entry.ended_on)


def plain_text(markdown: str) -> str:
    """The text as the person wrote it, without its Markdown formatting. The rendered HTML is stripped of its
    tags and its entities decoded: a PDF is not HTML, so "<" is drawn as "<", not as "&lt;"."""
    return html.unescape(strip_tags(markdown_render(markdown))).strip()


def cell_words(cell: GridCell) -> str:
    """A grid cell in words (the same text as the page's)."""
    if cell.strength == "none":
        return _("no evidence yet")
    parts = []
    if cell.entries:
        parts.append(ngettext("%(count)d entry", "%(count)d entries", cell.entries) % {"count": cell.entries})
    if cell.endorsed:
        parts.append(ngettext("%(count)d endorsed", "%(count)d endorsed", cell.endorsed) % {"count": cell.endorsed})
    if cell.credentials:
        parts.append(
            ngettext("%(count)d credential", "%(count)d credentials", cell.credentials) % {"count": cell.credentials}
        )
    return ", ".join(parts)


def _grid_table(doc: _Document, grid: AiCftGrid) -> None:
    doc.set_font("sans", "", 8.5)
    doc.set_text_color(*INK)
    widths: Sequence[float] = (WIDTH - 3 * 44, 44, 44, 44)
    with doc.table(
        col_widths=tuple(widths),
        width=WIDTH,
        align=Align.L,
        line_height=8.5 * PT * 1.35,
        padding=1.4,
        text_align=Align.L,  # justified lines in narrow cells leave wide gaps between words
        borders_layout=TableBordersLayout.ALL,
        headings_style=FontFace(emphasis="B", color=WHITE, fill_color=NAVY),
        repeat_headings=1,
    ) as table:
        heading = table.row()
        heading.cell(_("Aspect"))
        for level in grid.levels:
            heading.cell(localized(level, "name"))
        for row in grid.rows:
            line = table.row()
            line.cell(f"{row.dimension.code}. {localized(row.dimension, 'name')}", style=FontFace(emphasis="B"))
            for cell in row.cells:
                name = f"{cell.competency.code} {localized(cell.competency, 'name')}\n" if cell.competency else ""
                line.cell(name + cell_words(cell), style=FontFace(fill_color=STRENGTH_FILL[cell.strength]))
    doc.ln(2)


def portfolio_pdf(*, person: Person) -> bytes:
    """The PDF of `person`'s whole portfolio (private entries included: it is made for the owner)."""
    portfolio = portfolio_of(person)
    credentials = person_credentials(person)
    entries = list(
        Entry.objects.filter(person=person)
        .prefetch_related(
            "links",
            "competencies",
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.filter(status=Endorsement.Status.GIVEN).select_related("endorser"),
                to_attr="given",
            ),
        )
        .order_by("-started_on", "-created_at", "-id")
    )
    grid = ai_cft_grid(person=person, entries=Entry.objects.filter(person=person), credentials=credentials)
    title = _("Faculty AI Portfolio")
    doc = _Document(foot=f"{person.full_name} · {title}")
    doc.set_title(f"{title}: {person.full_name}")
    doc.set_creator("erdem")
    doc.add_page()
    doc.text_block(title, 20, "B", NAVY)
    doc.text_block(person.full_name, 15, "B")
    if portfolio and portfolio.headline:
        doc.text_block(portfolio.headline, 11)
    if person.institution_id:
        doc.text_block(localized(person.institution, "name"), 10, color=GREY)
    doc.text_block(
        _("Printed on %(date)s") % {"date": date_format(timezone.localdate(), "DATE_FORMAT")}, 8.5, color=GREY
    )
    if portfolio and portfolio.summary:
        doc.heading(_("About me"), 12)
        doc.text_block(portfolio.summary)

    doc.heading(_("UNESCO AI competency framework for teachers"))
    doc.text_block(
        _("%(evidenced)d of %(total)d cells have evidence.")
        % {"evidenced": grid.cells_evidenced, "total": grid.cells_total},
        9,
        color=GREY,
    )
    _grid_table(doc, grid)

    doc.heading(_("Credentials"))
    if not credentials:
        doc.text_block(_("No credential yet."), 10, color=GREY)
    for credential in credentials:
        doc.text_block(localized(credential.achievement, "name"), 10.5, "B")
        doc.text_block(
            _("Issued %(date)s. Verify at %(url)s")
            % {"date": _date(timezone.localtime(credential.issued_at)), "url": credential_url(credential.public_id)},
            9,
            color=GREY,
        )
        doc.ln(1)

    doc.heading(_("Entries"))
    if not entries:
        doc.text_block(_("No entry yet."), 10, color=GREY)
    for entry in entries:
        doc.ln(2)
        doc.text_block(entry.title, 12, "B")
        facts = [capfirst(entry.get_kind_display()), entry.course_taught, _dates(entry)]
        facts.append(entry.get_visibility_display())
        doc.text_block(" · ".join(str(fact) for fact in facts if fact), 9, color=GREY)
        if entry.competencies.all():
            doc.text_block(
                _("AI CFT: %(codes)s") % {"codes": ", ".join(c.code for c in entry.competencies.all())}, 9, color=GREY
            )
        body = plain_text(entry.body)
        if body:
            doc.text_block(body, 10)
        for link in entry.links.all():
            doc.text_block(f"{link.title} {link.url}".strip(), 9, color=NAVY)
        for endorsement in getattr(entry, "given", []):
            doc.text_block(
                _("Endorsed by %(name)s (%(relation)s), %(date)s")
                % {
                    "name": endorsement.endorser.full_name,
                    "relation": endorsement.get_relation_display(),
                    "date": _date(timezone.localtime(endorsement.answered_at) if endorsement.answered_at else None),
                },
                9.5,
                "B",
            )
            if endorsement.comment:
                doc.text_block(endorsement.comment, 9.5)
    return bytes(doc.output())
