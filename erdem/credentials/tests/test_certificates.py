import datetime
import io
from decimal import Decimal
from functools import cache
from typing import cast

import pytest
import segno
import uharfbuzz
from django.utils import translation
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, StreamObject

from erdem.credentials.certificates import (
    FONT_FILES,
    MAX_PDF_BYTES,
    CertificateData,
    CertificateError,
    certificate_attachments,
    certificate_pdf,
    fonts_dir,
)

NAME_TRADITIONAL = "ᠪᠠᠲᠤ-ᠡᠷᠳᠡᠨᠢ ᠭᠠᠨᠲᠤᠯᠭ᠎ᠠ"
ACHIEVEMENT_TRADITIONAL = "ᠪᠠᠭᠰᠢ ᠶᠢᠨ ᠬᠢᠮᠡᠯ ᠣᠶᠤᠨ ᠤᠬᠠᠭᠠᠨ ᠤ ᠴᠢᠳᠠᠮᠵᠢ"
ATTACHMENTS = {
    "credential.json": b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}',
    "credential.jwt": b"eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmVyZGVtIn0.c2lnbmF0dXJl",
}


def certificate_data(**changes: object) -> CertificateData:
    values: dict[str, object] = {
        "languages": ("mn", "en"),
        "learner_name": {"mn": "Бат-Эрдэнэ Гантулга", "en": "Bat-Erdene Gantulga"},
        "learner_name_traditional": NAME_TRADITIONAL,
        "achievement_name": {
            "mn": "Багшийн хиймэл оюун ухааны чадамж",
            "en": "AI competencies for teachers",
        },
        "achievement_name_traditional": ACHIEVEMENT_TRADITIONAL,
        "kind": "micro_certificate",
        "issuer_name": {"mn": "Монгол Улсын Их Сургууль", "en": "National University of Mongolia"},
        "issued_on": datetime.date(2026, 11, 28),
        "valid_until": datetime.date(2029, 11, 28),
        "workload_hours": Decimal("40.00"),
        "ects": Decimal("1.50"),
        "mn_credits": Decimal("1"),
        "verification_url": "https://erdem.example.mn/verify/K7QM-4XD2",
        "verification_code": "K7QM-4XD2",
        "attachments": ATTACHMENTS,
    }
    values.update(changes)
    return CertificateData(**values)


@cache
def sample_pdf() -> bytes:
    """Rendered once for the tests that only read it."""
    return certificate_pdf(certificate_data())


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def page_fonts(pdf: bytes) -> list[DictionaryObject]:
    resources = cast(DictionaryObject, PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"])
    return [cast(DictionaryObject, font.get_object()) for font in cast(DictionaryObject, resources["/Font"]).values()]


def test_attachments_round_trip_with_media_types_and_descriptions() -> None:
    pdf = sample_pdf()

    assert certificate_attachments(pdf) == ATTACHMENTS
    files = {file.name: file for file in PdfReader(io.BytesIO(pdf)).attachment_list}
    assert files["credential.json"].subtype == "/application/vc+ld+json"
    assert files["credential.jwt"].subtype == "/application/vc+jwt"
    assert (
        files["credential.json"].description == "Цахим гарын үсгээр баталгаажсан гэрчилгээ (Open Badges 3.0, JSON-LD)"
    )


def test_empty_attachment_is_left_out() -> None:
    pdf = certificate_pdf(certificate_data(attachments={**ATTACHMENTS, "credential.jwt": b""}))

    assert certificate_attachments(pdf) == {"credential.json": ATTACHMENTS["credential.json"]}


def test_page_shows_both_languages_primary_first() -> None:
    text = page_text(sample_pdf())

    for expected in (
        "ГЭРЧИЛГЭЭ",
        "CERTIFICATE",
        "Бичил гэрчилгээ",
        "Micro-certificate",
        "Бат-Эрдэнэ Гантулга",
        "Bat-Erdene Gantulga",
        "Багшийн хиймэл оюун ухааны чадамж",
        "AI competencies for teachers",
        "Олгосон огноо: 2026 оны 11 сарын 28",
        "Date of issue: 28 November 2026",
        "Хүчинтэй хугацаа: 2029 оны 11 сарын 28 хүртэл",
        "Valid until: 28 November 2029",
        "Суралцсан цаг: 40 · ECTS кредит: 1.5 · Монгол кредит: 1",
        "Hours of study: 40 · ECTS credits: 1.5 · Mongolian credits: 1",
        "Хүчинтэй эсэхийг шалгах: https://erdem.example.mn/verify/K7QM-4XD2",
        "Verify at https://erdem.example.mn/verify/K7QM-4XD2",
        "K7QM-4XD2",
    ):
        assert expected in text, expected
    assert text.index("ГЭРЧИЛГЭЭ") < text.index("CERTIFICATE")
    assert text.index("Бат-Эрдэнэ Гантулга") < text.index("Bat-Erdene Gantulga")


def test_english_first_when_the_credential_says_so() -> None:
    text = page_text(certificate_pdf(certificate_data(languages=("en", "mn"))))

    assert text.index("CERTIFICATE") < text.index("ГЭРЧИЛГЭЭ")
    assert text.index("Bat-Erdene Gantulga") < text.index("Бат-Эрдэнэ Гантулга")


def test_missing_figures_and_dates_are_left_out() -> None:
    pdf = certificate_pdf(
        certificate_data(
            valid_until=None,
            ects=None,
            mn_credits=None,
            kind="award",
            learner_name_traditional="",
            achievement_name_traditional="",
        )
    )
    text = page_text(pdf)

    assert "Hours of study: 40" in text
    assert "ECTS" not in text
    assert "Mongolian credits" not in text
    assert "Valid until" not in text
    assert "Шагнал" in text and "Award" in text
    assert not any("Mongolian" in str(font["/BaseFont"]) for font in page_fonts(pdf))


def test_rendering_does_not_depend_on_the_active_language() -> None:
    data = certificate_data()
    with translation.override("en"):
        in_english = certificate_pdf(data)
    with translation.override("mn"):
        in_mongolian = certificate_pdf(data)

    assert in_english == in_mongolian
    assert page_text(in_english).index("ГЭРЧИЛГЭЭ") < page_text(in_english).index("CERTIFICATE")


def test_metadata_in_the_primary_language() -> None:
    reader = PdfReader(io.BytesIO(sample_pdf()))

    assert reader.metadata is not None
    assert reader.metadata.title == "Гэрчилгээ: Бат-Эрдэнэ Гантулга, Багшийн хиймэл оюун ухааны чадамж"
    assert reader.metadata.author == "Монгол Улсын Их Сургууль"
    assert reader.metadata.subject == "Багшийн хиймэл оюун ухааны чадамж (Бичил гэрчилгээ)"
    assert reader.root_object["/Lang"] == "mn"
    assert len(reader.pages) == 1
    assert [round(float(side)) for side in reader.pages[0].mediabox[2:]] == [842, 595]  # A4 landscape


def shaped_glyph_names(text: str) -> list[str]:
    path = fonts_dir() / FONT_FILES["mongolian", ""]
    font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path))))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {})
    order = TTFont(path, lazy=True).getGlyphOrder()
    return [order[info.codepoint] for info in buffer.glyph_infos]


def test_harfbuzz_gives_positional_forms_of_the_traditional_script() -> None:
    path = fonts_dir() / FONT_FILES["mongolian", ""]
    cmap = TTFont(path, lazy=True).getBestCmap()
    isolated = [cmap[ord(character)] for character in "ᠪᠠᠭᠰᠢ"]
    shaped = shaped_glyph_names("ᠪᠠᠭᠰᠢ")

    assert shaped != isolated
    assert shaped[0].endswith(".ini")  # ᠪᠠ joins as one initial ligature
    assert shaped[-1].endswith(".fin")


def outline(font: TTFont, glyph_name: str) -> tuple[object, ...]:
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[glyph_name].draw(pen)
    return tuple(pen.value)


def test_traditional_script_is_drawn_with_shaped_glyphs() -> None:
    """The subset embedded in the PDF renames glyphs, so glyphs are compared by outline: every
    positional form HarfBuzz chooses for the texts is in it."""
    (mongolian,) = [font for font in page_fonts(sample_pdf()) if "Mongolian" in str(font["/BaseFont"])]
    descendant = cast(DictionaryObject, cast(ArrayObject, mongolian["/DescendantFonts"])[0].get_object())
    descriptor = cast(DictionaryObject, descendant["/FontDescriptor"].get_object())
    file = cast(StreamObject, descriptor["/FontFile2"].get_object()).get_data()
    subset = TTFont(io.BytesIO(file))
    embedded = {outline(subset, name) for name in subset.getGlyphOrder()}
    original = TTFont(fonts_dir() / FONT_FILES["mongolian", ""])

    for text in (NAME_TRADITIONAL, ACHIEVEMENT_TRADITIONAL):
        positional = [name for name in shaped_glyph_names(text) if name.endswith((".ini", ".med", ".fin"))]
        assert positional
        assert all(outline(original, name) in embedded for name in positional)


def test_qr_code_encodes_the_verification_url() -> None:
    """Rebuilds the module matrix from the black rectangles on the page and compares it with
    segno's encoding of the URL (no QR decoder is installed)."""
    reader = PdfReader(io.BytesIO(sample_pdf()))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    black, rectangles, pending = False, [], None
    for operands, operator in operations:
        if operator in (b"g", b"rg"):
            black = all(float(value) == 0 for value in operands)
        elif operator == b"re":
            pending = [float(value) for value in operands]
        elif operator == b"f" and pending and black:
            x, y, width, height = pending
            rectangles.append((x, y + height, width, -height) if height < 0 else (x, y, width, height))
            pending = None
    expected = segno.make("https://erdem.example.mn/verify/K7QM-4XD2", error="m", micro=False)
    module = min(height for *_, height in rectangles)
    left = min(x for x, *_ in rectangles)
    top = max(y + height for _, y, _, height in rectangles)
    size = len(list(expected.matrix))
    drawn = [[0] * size for _ in range(size)]
    for x, y, width, height in rectangles:
        row = round((top - (y + height)) / module)
        first = round((x - left) / module)
        for column in range(first, first + round(width / module)):
            drawn[row][column] = 1
    # The first column of the matrix always has dark modules (the finder patterns), so `left`
    # is the matrix's edge; likewise `top`.
    assert drawn == [list(row) for row in expected.matrix]


def test_incomplete_data_is_refused() -> None:
    with pytest.raises(CertificateError) as raised:
        certificate_pdf(certificate_data(learner_name={}))
    assert raised.value.code == "incomplete"
    with pytest.raises(CertificateError):
        certificate_pdf(certificate_data(kind="diploma"))
    with pytest.raises(CertificateError):
        certificate_pdf(certificate_data(languages=()))
    with pytest.raises(CertificateError):
        certificate_pdf(certificate_data(languages=("ru",)))


def test_languages_without_a_catalogue_are_left_out() -> None:
    """gettext would give them the default language's texts: the Mongolian lines twice."""
    data = certificate_data(languages=("mn", "ru", "en"), learner_name={"mn": "Бат", "en": "Bat", "ru": "Бат"})

    assert certificate_pdf(data) == certificate_pdf(certificate_data(learner_name={"mn": "Бат", "en": "Bat"}))


@pytest.mark.parametrize(
    "content",
    [b"", b"hello", b"%PDF-1.7\n garbage that is not a PDF", b"PK\x03\x04" + b"\x00" * 100, None],
    ids=["empty", "text", "pdf-header-only", "zip", "truncated"],
)
def test_not_a_pdf(content: bytes | None) -> None:
    if content is None:
        content = sample_pdf()[:4000]
    with pytest.raises(CertificateError) as raised:
        certificate_attachments(content)
    assert raised.value.code == "not-pdf"
    assert str(raised.value)


def test_encrypted_pdf_is_refused() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(sample_pdf()))
    writer.encrypt(user_password="", owner_password="secret", algorithm="AES-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)

    with pytest.raises(CertificateError) as raised:
        certificate_attachments(encrypted.getvalue())
    assert raised.value.code == "not-pdf"


def test_pdf_without_attachments() -> None:
    pdf = FPDF()
    pdf.add_page()

    with pytest.raises(CertificateError) as raised:
        certificate_attachments(bytes(pdf.output()))
    assert raised.value.code == "no-attachment"


def test_oversized_file_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr("pypdf.PdfReader", fail)
    with pytest.raises(CertificateError) as raised:
        certificate_attachments(b"%PDF-1.7\n" + b"0" * MAX_PDF_BYTES)
    assert raised.value.code == "too-large"


def test_fonts_directory_from_settings(settings: pytest.FixtureRequest) -> None:
    settings.ERDEM_FONTS_DIR = "/srv/fonts"  # type: ignore[attr-defined]

    assert str(fonts_dir()) == "/srv/fonts"
