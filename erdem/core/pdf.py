"""The fonts of the PDFs the platform draws (certificates, the national report).

Noto, from Debian's fonts-noto-core, covers Latin, Cyrillic (Mongolian included) and the traditional
Mongolian script; settings.ERDEM_FONTS_DIR points elsewhere when the fonts live in another folder.
"""

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

DEFAULT_FONTS_DIR = "/usr/share/fonts/truetype/noto"
FONT_FILES = {
    ("serif", ""): "NotoSerif-Regular.ttf",
    ("serif", "B"): "NotoSerif-Bold.ttf",
    ("sans", ""): "NotoSans-Regular.ttf",
    ("sans", "B"): "NotoSans-Bold.ttf",
    ("mongolian", ""): "NotoSansMongolian-Regular.ttf",
}


def fonts_dir() -> Path:
    return Path(getattr(settings, "ERDEM_FONTS_DIR", DEFAULT_FONTS_DIR))


def fonts_add(pdf: FPDF, families: Iterable[str]) -> None:
    """Add every style of the named families to `pdf` (fpdf2 embeds, subset, each font added)."""
    wanted = set(families)
    directory = fonts_dir()
    for (family, style), file_name in FONT_FILES.items():
        if family in wanted:
            pdf.add_font(family, style, directory / file_name)
