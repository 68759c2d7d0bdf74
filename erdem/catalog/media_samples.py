"""Small, valid files made in Python, deterministically: the demo's lesson media and the tests'.

No encoder is needed: an MP3 of silent frames (a valid MPEG-1 Layer III stream that any player
decodes), a PNG bar chart drawn pixel by pixel, a one-page PDF with Helvetica text (Latin only),
and WebVTT captions from (start, end, text) cues.
"""

import struct
import zlib
from collections.abc import Sequence

# MPEG-1 Layer III, 32 kbit/s, 48 kHz, mono, no CRC: 96-byte frames of 1152 samples (24 ms).
_MP3_HEADER = bytes([0xFF, 0xFB, 0x14, 0xC0])
_MP3_FRAME_BYTES = 96
_MP3_FRAME_SECONDS = 1152 / 48000


def mp3_silence(seconds: float) -> bytes:
    """`seconds` of silence as MP3: side information and main data all zero decode to silence."""
    frames = max(1, round(seconds / _MP3_FRAME_SECONDS))
    frame = _MP3_HEADER + bytes(_MP3_FRAME_BYTES - len(_MP3_HEADER))
    return frame * frames


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


Colour = tuple[int, int, int]


def png_bar_chart(
    values: Sequence[float],
    *,
    width: int = 480,
    height: int = 270,
    colours: Sequence[Colour] = ((11, 92, 173), (217, 164, 0), (46, 139, 87), (178, 34, 52)),
    background: Colour = (244, 246, 248),
) -> bytes:
    """A PNG bar chart of `values` (0..1) on a light background with a baseline; a few KB."""
    margin, gap = 24, 16
    bar_width = (width - 2 * margin - gap * (len(values) - 1)) // max(len(values), 1)
    baseline = height - margin
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            colour = background
            if y in (baseline, baseline + 1) and margin <= x < width - margin:
                colour = (29, 37, 48)
            else:
                index, offset = divmod(x - margin, bar_width + gap)
                if 0 <= index < len(values) and x >= margin and offset < bar_width:
                    top = baseline - int(values[index] * (height - 2 * margin))
                    if top <= y < baseline:
                        colour = colours[index % len(colours)]
            row.extend(colour)
        rows.append(b"\x00" + bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_document(title: str, lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF with a title and lines of Latin text (Helvetica, no embedded font)."""
    stream_lines = ["BT", "/F1 18 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf", "0 -30 Td"]
    for line in lines:
        stream_lines += [f"({_pdf_text(line)}) Tj", "0 -18 Td"]
    stream_lines.append("ET")
    content = "\n".join(stream_lines).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _timestamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes // 60):02d}:{int(minutes % 60):02d}:{rest:06.3f}"


def webvtt(cues: Sequence[tuple[float, float, str]]) -> bytes:
    """WebVTT captions from (start, end, text) cues, in UTF-8."""
    blocks = ["WEBVTT"] + [f"{_timestamp(start)} --> {_timestamp(end)}\n{text}" for start, end, text in cues]
    return ("\n\n".join(blocks) + "\n").encode()
