"""The printable certificate: one A4 landscape PDF page that carries its own proof.

`certificate_pdf` draws a credential in all of its languages at once (the first is the primary
one), whatever the viewer's language: static labels are translated with
`translation.override` for each of the credential's languages. Names and the achievement in the
traditional Mongolian script, when a person has entered them, run vertically in a band at the
left edge: the font's glyphs are shaped as a horizontal line by HarfBuzz and the line is turned
90° clockwise, the way vertical Mongolian is set. The QR code to the verification page is drawn
as vectors; the signed credential files are embedded in the PDF, so the file can be verified on
its own (`certificate_attachments` reads them back). A certificate given a `status_note` (a
revoked, suspended or replaced credential) carries it in large red letters across the page.

Pure functions: data in, bytes out, no database.
"""

import datetime
import io
import math
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import cast

import segno
from django.conf import settings
from django.utils import dateformat, formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

# FONT_FILES and fonts_dir are named here too for the certificate tests and benchmark that read the fonts.
from erdem.core.pdf import FONT_FILES as FONT_FILES
from erdem.core.pdf import fonts_add
from erdem.core.pdf import fonts_dir as fonts_dir

MAX_PDF_BYTES = 10 * 1024 * 1024  # refused before parsing
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # all embedded files of one PDF, decompressed

KINDS = ("micro_certificate", "trainer_certification", "award", "participation")

# Media types of the embedded files, by extension. pypdf reads them back as the /Subtype name.
ATTACHMENT_TYPES = {
    ".json": "application/vc+ld+json",
    ".jsonld": "application/vc+ld+json",
    ".jwt": "application/vc+jwt",
}

# Colours (RGB): a deep national blue for the frame and titles, a muted gold for ornaments.
NAVY = (24, 49, 96)
GOLD = (176, 141, 62)
INK = (33, 33, 33)
GREY = (96, 96, 96)
BAND = (247, 243, 232)

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
FRAME = 9.0  # outer frame, from the page edge
INNER = 12.0  # inner rule
PT = 25.4 / 72  # one point in mm


class CertificateError(ValueError):
    """A certificate that cannot be drawn or a file that is not a certificate PDF. `code` names
    the case for callers: "not-pdf", "no-attachment", "too-large", "incomplete"."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CertificateData:
    languages: tuple[str, ...]  # in order, the first is the primary one; those not in settings.LANGUAGES are left out
    learner_name: dict[str, str]  # per language
    learner_name_traditional: str  # traditional Mongolian script, "" if none
    achievement_name: dict[str, str]  # per language
    achievement_name_traditional: str  # "" if none
    kind: str  # one of KINDS
    issuer_name: dict[str, str]  # per language
    issued_on: datetime.date
    valid_until: datetime.date | None
    workload_hours: Decimal | None
    ects: Decimal | None
    mn_credits: Decimal | None
    verification_url: str  # the QR code's target
    verification_code: str  # short code, e.g. "K7QM-4XD2"
    attachments: dict[str, bytes]  # file name -> content, e.g. {"credential.json": ...}; empty ones left out
    # What the credential no longer is, per language ({"mn": "ХҮЧИНГҮЙ", "en": "REVOKED"}), drawn
    # across the page so that a copy of a revoked, suspended or replaced credential never looks valid.
    status_note: dict[str, str] | None = None


# Labels ---------------------------------------------------------------------------------------


def kind_label(kind: str) -> str:
    """The kind of credential in the active language."""
    labels = {
        "micro_certificate": _("Micro-certificate"),
        "trainer_certification": _("Trainer certification"),
        "award": _("Award"),
        "participation": _("Certificate of participation"),
    }
    return labels[kind]


def certificate_date(day: datetime.date) -> str:
    """A date written out in the active language: "28 November 2026", "2026 оны 11 сарын 28"."""
    # Translators: a date format in Django's syntax (j: day, n: month number, F: month name,
    # Y: year); other letters, Cyrillic included, are printed as they are.
    return dateformat.format(day, pgettext("certificate date", "j F Y"))


def _number(value: Decimal) -> str:
    """40.00 -> "40", 1.50 -> "1.5", with the active language's decimal separator."""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(value, use_l10n=True)


def _workload(data: CertificateData) -> str:
    parts = []
    if data.workload_hours is not None:
        parts.append(_("Hours of study: %(hours)s") % {"hours": _number(data.workload_hours)})
    if data.ects is not None:
        parts.append(_("ECTS credits: %(ects)s") % {"ects": _number(data.ects)})
    if data.mn_credits is not None:
        parts.append(_("Mongolian credits: %(credits)s") % {"credits": _number(data.mn_credits)})
    return " · ".join(parts)


@dataclass(frozen=True)
class _Labels:
    """Every static text of the page in one language."""

    language: str
    title: str
    kind: str
    awarded_to: str
    in_recognition: str
    issued_on: str
    valid_until: str
    workload: str
    issued_by: str
    verify_at: str
    code: str
    pdf_title: str


def _labels(data: CertificateData, language: str) -> _Labels:
    with translation.override(language):
        return _Labels(
            language=language,
            title=pgettext("certificate heading", "Certificate"),
            kind=kind_label(data.kind),
            awarded_to=_("Awarded to"),
            in_recognition=_("In recognition of"),
            issued_on=_("Date of issue: %(date)s") % {"date": certificate_date(data.issued_on)},
            valid_until=(
                _("Valid until: %(date)s") % {"date": certificate_date(data.valid_until)} if data.valid_until else ""
            ),
            workload=_workload(data),
            issued_by=_("Issued by"),
            verify_at=_("Verify at %(url)s") % {"url": data.verification_url},
            code=_("Verification code"),
            pdf_title=_("Certificate: %(name)s, %(achievement)s")
            % {"name": _text(data.learner_name, language), "achievement": _text(data.achievement_name, language)},
        )


def _text(values: dict[str, str], language: str) -> str:
    return (values.get(language) or "").strip()


def _texts(values: dict[str, str], languages: tuple[str, ...]) -> list[str]:
    """The value in each language, in order, without empty or repeated ones."""
    texts: list[str] = []
    for language in languages:
        text = _text(values, language)
        if text and text not in texts:
            texts.append(text)
    return texts


def _attachment_description(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in {".json", ".jsonld"}:
        return _("The signed credential (Open Badges 3.0, JSON-LD)")
    if suffix == ".jwt":
        return _("The signed credential (Open Badges 3.0, VC-JWT)")
    return _("A file of the credential")


# Drawing --------------------------------------------------------------------------------------


class _Page:
    """The document and the few drawing helpers the layout needs."""

    def __init__(self, *, traditional_script: bool) -> None:
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        fonts_add(pdf, ("serif", "sans", "mongolian") if traditional_script else ("serif", "sans"))
        pdf.add_page()
        self.pdf = pdf
        self.measuring = False  # when true, line() and paragraph() only measure

    def font(self, family: str, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(family, style, size)
        self.pdf.set_text_color(*colour)

    def fitted_size(self, text: str, family: str, style: str, size: float, width: float, smallest: float) -> float:
        """The largest size up to `size` at which `text` fits `width` on one line (not below `smallest`)."""
        self.pdf.set_font(family, style, size)
        natural = self.pdf.get_string_width(text)
        if natural <= width:
            return size
        return max(smallest, size * width / natural)

    def line(
        self,
        text: str,
        *,
        y: float,
        x: float,
        width: float,
        family: str,
        size: float,
        style: str = "",
        colour: tuple[int, int, int] = INK,
        align: str = "C",
        smallest: float | None = None,
    ) -> float:
        """One line of text whose top is at `y`, shrunk to fit `width`; returns the y below it."""
        size = self.fitted_size(text, family, style, size, width, smallest or size * 0.6)
        self.font(family, size, style, colour)
        height = size * PT * 1.3
        if self.measuring:
            return y + height
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, height, text, align=Align.coerce(align), new_x=XPos.LEFT, new_y=YPos.NEXT)
        return y + height

    def paragraph(
        self,
        text: str,
        *,
        y: float,
        x: float,
        width: float,
        family: str,
        size: float,
        style: str = "",
        colour: tuple[int, int, int] = INK,
        max_lines: int = 2,
    ) -> float:
        """Centred text in at most `max_lines` lines, shrunk until it fits; returns the y below it."""
        pdf = self.pdf
        smallest = size * 0.6
        while True:
            pdf.set_font(family, style, size)
            lines = cast(list[str], pdf.multi_cell(width, size * PT * 1.25, text, dry_run=True, output="LINES"))
            if len(lines) <= max_lines or size <= smallest:
                break
            size = max(smallest, size - 0.5)
        self.font(family, size, style, colour)
        height = size * PT * 1.25
        if self.measuring:
            return y + height * len(lines)
        pdf.set_xy(x, y)
        pdf.multi_cell(width, height, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT, max_line_height=height)
        return pdf.get_y()

    def rule(self, x1: float, x2: float, y: float, colour: tuple[int, int, int] = GOLD, width: float = 0.3) -> None:
        self.pdf.set_draw_color(*colour)
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y, x2, y)

    @contextmanager
    def shaped(self, script: str, language: str) -> Iterator[None]:
        """Text shaping by HarfBuzz for what is drawn inside (only where a script needs it:
        shaping every Latin and Cyrillic line would double the rendering time)."""
        self.pdf.set_text_shaping(use_shaping_engine=True, script=script, language=language, direction="ltr")
        try:
            yield
        finally:
            self.pdf.set_text_shaping(use_shaping_engine=False)


def _frame(page: _Page) -> None:
    pdf = page.pdf
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.4)
    pdf.rect(FRAME, FRAME, PAGE_W - 2 * FRAME, PAGE_H - 2 * FRAME)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(INNER, INNER, PAGE_W - 2 * INNER, PAGE_H - 2 * INNER)
    # A small gold lozenge at each corner of the inner rule.
    pdf.set_fill_color(*GOLD)
    for cx in (INNER, PAGE_W - INNER):
        for cy in (INNER, PAGE_H - INNER):
            d = 1.8
            pdf.polygon([(cx - d, cy), (cx, cy - d), (cx + d, cy), (cx, cy + d)], style="F")


def _vertical_columns(page: _Page, text: str, size: float, height: float) -> list[str]:
    """`text` broken at spaces into columns no longer than `height` at `size`."""
    pdf = page.pdf
    pdf.set_font("mongolian", "", size)
    columns: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdf.get_string_width(candidate) > height:
            columns.append(current)
            current = word
        else:
            current = candidate
    if current:
        columns.append(current)
    return columns


def _traditional_band(page: _Page, data: CertificateData, *, left: float, top: float, bottom: float) -> float:
    """The names in the traditional script, top to bottom in columns running left to right;
    returns the band's right edge."""
    pdf = page.pdf
    height = bottom - top
    pieces = [
        (text, size, colour)
        for text, size, colour in (
            (data.learner_name_traditional.strip(), 17.0, NAVY),
            (data.achievement_name_traditional.strip(), 12.5, INK),
        )
        if text
    ]
    with page.shaped("mong", "MNG"):
        laid_out = []
        for text, size, colour in pieces:
            while True:  # a long text shrinks rather than fill more than three columns
                columns = _vertical_columns(page, text, size, height)
                if len(columns) <= 3 or size <= 8:
                    break
                size -= 0.5
            laid_out.append((columns, size, colour))
        column_gap = 2.5
        widths = [len(columns) * size * PT * 1.45 for columns, size, _colour in laid_out]
        band_width = sum(widths) + column_gap * (len(widths) + 3)
        pdf.set_fill_color(*BAND)
        pdf.rect(left, top - 6, band_width, height + 12, style="F")
        page.pdf.set_draw_color(*GOLD)
        pdf.set_line_width(0.35)
        pdf.line(left + band_width, top - 6, left + band_width, bottom + 6)
        x = left + 2 * column_gap
        for columns, size, colour in laid_out:
            column_width = size * PT * 1.45
            page.font("mongolian", size, colour=colour)
            for column in columns:
                # The horizontal line is turned 90° clockwise about the column's top right
                # corner: the glyphs' tops face right and the line runs down the page.
                right = x + column_width
                with pdf.rotation(-90, x=right, y=top):
                    pdf.set_xy(right, top)
                    pdf.cell(height, column_width, column, align=Align.L)
                x = right
            x += column_gap
    return left + band_width


def _qr(page: _Page, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules in a row), quiet zone included."""
    qr = segno.make(url, error="m", micro=False)
    matrix = list(qr.matrix)
    count = len(matrix) + 8  # 4 modules of quiet zone on each side
    module = size / count
    pdf = page.pdf
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + (row_index + 4) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            pdf.rect(x + (start + 4) * module, top, (column - start) * module, module, style="F")


@dataclass(frozen=True)
class _Content:
    """What the page shows, per language, once checked."""

    labels: list[_Labels]  # the primary language first
    names: list[str]
    achievements: list[str]
    issuers: list[str]

    def joined(self, attribute: str, separator: str = " / ") -> str:
        """A label in every language on one line, each text once."""
        return separator.join(dict.fromkeys(getattr(label, attribute) for label in self.labels))


def _head(page: _Page, content: _Content, *, x: float, y: float, width: float) -> float:
    """The issuer, the title and the kind of credential."""
    for index, issuer in enumerate(content.issuers):
        primary = index == 0
        y = page.line(
            issuer,
            y=y,
            x=x,
            width=width,
            family="sans",
            size=12 if primary else 9.5,
            style="B" if primary else "",
            colour=NAVY if primary else GREY,
        )
    y += 4
    for index, title in enumerate(dict.fromkeys(label.title for label in content.labels)):
        primary = index == 0
        page.pdf.set_char_spacing(3 if primary else 1.5)
        y = page.line(
            title.upper(),
            y=y,
            x=x,
            width=width,
            family="serif",
            size=34 if primary else 15,
            style="B",
            colour=NAVY if primary else GOLD,
        )
        page.pdf.set_char_spacing(0)
    y += 1.5
    y = page.line(
        content.joined("kind", "  ·  "), y=y, x=x, width=width, family="sans", size=11.5, style="B", colour=GOLD
    )
    centre = x + width / 2
    if not page.measuring:
        page.rule(centre - 32, centre + 32, y + 2.5)
    return y + 2.5


def _middle(page: _Page, content: _Content, *, x: float, y: float, width: float) -> float:
    """The learner and the achievement."""
    y = page.line(content.joined("awarded_to"), y=y, x=x, width=width, family="sans", size=9, colour=GREY)
    for index, name in enumerate(content.names):
        primary = index == 0
        y = page.line(
            name,
            y=y,
            x=x,
            width=width,
            family="serif",
            size=30 if primary else 17,
            style="B" if primary else "",
            colour=INK if primary else GREY,
            smallest=12,
        )
    y += 6
    y = page.line(content.joined("in_recognition"), y=y, x=x, width=width, family="sans", size=9, colour=GREY)
    for index, achievement in enumerate(content.achievements):
        primary = index == 0
        y = page.paragraph(
            achievement,
            y=y + (0 if primary else 1),
            x=x + 10,
            width=width - 20,
            family="serif",
            size=18 if primary else 13,
            style="B" if primary else "",
            colour=NAVY if primary else GREY,
        )
    return y


def _foot(page: _Page, data: CertificateData, content: _Content, *, x: float, bottom: float, width: float) -> float:
    """The dates and figures, the issuer and the QR code; returns the foot's top."""
    qr_size = 34.0
    right = x + width
    qr_x, qr_y = right - qr_size, bottom - qr_size - 9
    _qr(page, data.verification_url, x=qr_x, y=qr_y, size=qr_size)
    y = page.line(
        content.joined("code"),
        y=qr_y + qr_size - 1.5,
        x=qr_x - 6,
        width=qr_size + 12,
        family="sans",
        size=7,
        colour=GREY,
    )
    page.line(data.verification_code, y=y, x=qr_x, width=qr_size, family="sans", size=10.5, style="B")

    details_width = (qr_x - x) * 0.55
    rows = [
        (label, text)
        for label in content.labels
        for text in (label.issued_on, label.valid_until, label.workload)
        if text
    ]
    line_height = 9 * PT * 1.3
    top = bottom - line_height * len(rows) - 1.5 * len(content.labels) - 7.5 * PT * 1.3 * len(content.labels)
    top = min(top, qr_y)
    y = top
    previous = None
    for label, text in rows:
        if previous is not None and label is not previous:
            y += 1.5
        previous = label
        primary = label is content.labels[0]
        y = page.line(
            text, y=y, x=x, width=details_width, family="sans", size=9, colour=INK if primary else GREY, align="L"
        )
    y += 1.5
    for label in content.labels:
        y = page.line(label.verify_at, y=y, x=x, width=details_width, family="sans", size=7.5, colour=GREY, align="L")

    issuer_x = x + details_width + 6
    issuer_width = qr_x - 8 - issuer_x
    y = qr_y + 8
    page.rule(issuer_x + 8, issuer_x + issuer_width - 8, y, colour=NAVY, width=0.3)
    y = page.line(
        content.joined("issued_by"), y=y + 1, x=issuer_x, width=issuer_width, family="sans", size=8.5, colour=GREY
    )
    for index, issuer in enumerate(content.issuers):
        primary = index == 0
        y = page.paragraph(
            issuer,
            y=y,
            x=issuer_x,
            width=issuer_width,
            family="sans",
            size=9.5 if primary else 8,
            style="B" if primary else "",
            colour=NAVY if primary else GREY,
        )
    return top


def _content(data: CertificateData) -> _Content:
    # Only the platform's languages have a catalogue; gettext would give any other one the
    # default language's texts, a second copy of the Mongolian lines.
    platform = {code for code, _name in settings.LANGUAGES}
    languages = tuple(dict.fromkeys(code for code in data.languages if code in platform))
    if not languages:
        raise CertificateError("None of the certificate's languages is one of the platform's.", code="incomplete")
    if data.kind not in KINDS:
        raise CertificateError(f"Unknown kind of credential: {data.kind!r}.", code="incomplete")
    content = _Content(
        labels=[_labels(data, language) for language in languages],
        names=_texts(data.learner_name, languages),
        achievements=_texts(data.achievement_name, languages),
        issuers=_texts(data.issuer_name, languages),
    )
    if not content.names or not content.achievements or not content.issuers:
        raise CertificateError(
            "The certificate needs the learner's name, the achievement and the issuer in at least one of "
            "its languages.",
            code="incomplete",
        )
    return content


RED = (178, 34, 34)


def _status_note(page: _Page, note: dict[str, str], languages: tuple[str, ...]) -> None:
    """The note in every language it has (the certificate's first), large and red along the
    diagonal, over everything else but translucent, so the certificate stays readable as a record."""
    texts = _texts(note, (*languages, *(code for code in note if code not in languages)))
    if not texts:
        return
    pdf = page.pdf
    angle = math.degrees(math.atan2(PAGE_H - 2 * INNER, PAGE_W - 2 * INNER))
    width = math.hypot(PAGE_W - 2 * INNER, PAGE_H - 2 * INNER) - 70  # clear of the corners
    sizes = [page.fitted_size(text, "sans", "B", 66, width, 18) for text in texts]
    heights = [size * PT * 1.15 for size in sizes]
    y = PAGE_H / 2 - sum(heights) / 2
    with pdf.rotation(angle, x=PAGE_W / 2, y=PAGE_H / 2), pdf.local_context(fill_opacity=0.4, stroke_opacity=0.6):
        pdf.set_draw_color(*RED)
        pdf.set_line_width(1.2)
        pdf.rect(PAGE_W / 2 - width / 2 - 4, y - 3, width + 8, sum(heights) + 6)
        for text, size, height in zip(texts, sizes, heights, strict=True):
            page.font("sans", size, "B", RED)
            pdf.set_xy(PAGE_W / 2 - width / 2, y)
            pdf.cell(width, height, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
            y += height


def certificate_pdf(data: CertificateData) -> bytes:
    """The certificate as a one-page PDF with the credential files embedded."""
    content = _content(data)
    primary = content.labels[0]
    traditional = bool(data.learner_name_traditional.strip() or data.achievement_name_traditional.strip())
    page = _Page(traditional_script=traditional)
    pdf = page.pdf
    _frame(page)

    left, right = INNER + 6, PAGE_W - INNER - 6
    if traditional:
        left = _traditional_band(page, data, left=INNER, top=INNER + 10, bottom=PAGE_H - INNER - 10) + 8
    width = right - left

    y = _head(page, content, x=left, y=INNER + 7, width=width)
    foot_top = _foot(page, data, content, x=left, bottom=PAGE_H - INNER - 4, width=width)
    # The learner and the achievement, centred in the space between the head and the foot.
    page.measuring = True
    height = _middle(page, content, x=left, y=0, width=width)
    page.measuring = False
    _middle(page, content, x=left, y=y + max(4.0, (foot_top - y - height) / 2 - 2), width=width)
    if data.status_note:
        _status_note(page, data.status_note, tuple(label.language for label in content.labels))

    # Metadata, in the primary language; reproducible: dated by the day of issue.
    issued_at = datetime.datetime.combine(data.issued_on, datetime.time(), tzinfo=datetime.UTC)
    pdf.set_title(primary.pdf_title)
    pdf.set_author(content.issuers[0])
    pdf.set_subject(f"{content.achievements[0]} ({primary.kind})")
    pdf.set_keywords([*(data.status_note or {}).values(), data.verification_code, data.verification_url])
    pdf.set_lang(primary.language)
    pdf.set_creator("erdem")
    pdf.set_creation_date(issued_at)
    with translation.override(primary.language):
        for name, file_content in data.attachments.items():
            if not file_content:  # nothing to verify (a PDF cannot embed an empty file)
                continue
            suffix = PurePosixPath(name).suffix.lower()
            mime_type = ATTACHMENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            pdf.embed_file(
                bytes=file_content,
                basename=name,
                desc=_attachment_description(name),
                mime_type=mime_type,
                modification_date=issued_at,
                creation_date=issued_at,
                compress=True,
            )
    return bytes(pdf.output())


# Reading back ---------------------------------------------------------------------------------


def certificate_attachments(pdf: bytes) -> dict[str, bytes]:
    """The files embedded in a certificate PDF, by name (the first of any repeated name).

    Refuses (CertificateError) a file over MAX_PDF_BYTES before reading it ("too-large"), a file
    that is not a readable, unencrypted PDF ("not-pdf"), one without embedded files
    ("no-attachment") and embedded files over MAX_ATTACHMENT_BYTES in all ("too-large").
    """
    from pypdf import PdfReader

    if len(pdf) > MAX_PDF_BYTES:
        raise CertificateError(
            f"The file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB; a certificate PDF is much smaller.",
            code="too-large",
        )
    if b"%PDF-" not in pdf[:1024]:  # where PDF readers look for the header
        raise CertificateError("The file is not a PDF.", code="not-pdf")
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise CertificateError("The PDF is encrypted; a certificate PDF is not.", code="not-pdf")
        found: dict[str, bytes] = {}
        total = 0
        for name, contents in reader.attachments.items():
            if name in found or not contents:
                continue
            total += len(contents[0])
            if total > MAX_ATTACHMENT_BYTES:
                raise CertificateError("The PDF's embedded files are too large.", code="too-large")
            found[name] = contents[0]
    except CertificateError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise CertificateError("The file is not a readable PDF.", code="not-pdf") from error
    if not found:
        raise CertificateError("The PDF has no embedded credential files.", code="no-attachment")
    return found
