"""Certificate PDFs per second on one core, as ratios to a one-line PDF with the same fonts.

Renders the printable certificate (erdem.credentials.certificates.certificate_pdf) in this
process, on one thread: bilingual with the names in the traditional Mongolian script (shaped
by HarfBuzz), and bilingual without it. The baseline is the least fpdf2 can do with the
certificate's fonts: the same font files added, one line of text written, the document output
(fpdf2 parses and subsets every font added, which dominates both). Each variant runs in
one-second slices alternating with the baseline and its ratio is to the baseline's rate over
those slices: the machine is noisy and its speed drifts, so only ratios compare between runs.
Reading the embedded credential files back (certificate_attachments) is measured the same way.
No database is needed.
"""

import argparse
import base64
import datetime
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF

from erdem.credentials.certificates import (
    FONT_FILES,
    CertificateData,
    certificate_attachments,
    certificate_pdf,
    fonts_dir,
)


@dataclass
class Variant:
    name: str
    work: Callable[[], object]
    compared: bool = True  # a ratio to the baseline means something
    count: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.count if self.count else 0.0


def drive(variant: Variant, seconds: float) -> None:
    """Calls `variant.work` for about `seconds` (at least once)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    deadline = start + seconds
    count = 0
    while True:
        variant.work()
        count += 1
        if time.perf_counter() >= deadline:
            break
    variant.count += count
    variant.elapsed += time.perf_counter() - start
    variant.cpu += time.process_time() - start_cpu


def _base64_text(raw_bytes: int) -> bytes:
    return base64.urlsafe_b64encode(hashlib.shake_256(b"erdem").digest(raw_bytes))


def sample_data(*, traditional: bool) -> CertificateData:
    """A credential with long names, every figure present, both languages, Mongolian first."""
    return CertificateData(
        languages=("mn", "en"),
        learner_name={
            "mn": "Бат-Эрдэнэ Гантулгын Цэцэгмаа-Оюунчимэг",
            "en": "Bat-Erdene Gantulgyn Tsetsegmaa-Oyunchimeg",
        },
        learner_name_traditional="ᠪᠠᠲᠤ-ᠡᠷᠳᠡᠨᠢ ᠭᠠᠨᠲᠤᠯᠭ᠎ᠠ" if traditional else "",
        achievement_name={
            "mn": "Их сургуулийн багшийн хиймэл оюун ухааныг сургалтад ашиглах дижитал чадамж: ахисан түвшин",
            "en": "Digital and AI competencies of university teachers: using AI in teaching, advanced level",
        },
        achievement_name_traditional="ᠪᠠᠭᠰᠢ ᠶᠢᠨ ᠬᠢᠮᠡᠯ ᠣᠶᠤᠨ ᠤᠬᠠᠭᠠᠨ ᠤ ᠴᠢᠳᠠᠮᠵᠢ" if traditional else "",
        kind="micro_certificate",
        issuer_name={
            "mn": "Монгол Улсын Их Сургууль, Багшийн мэргэжил дээшлүүлэх үндэсний төв",
            "en": "National University of Mongolia, National Centre for Teacher Professional Development",
        },
        issued_on=datetime.date(2026, 11, 28),
        valid_until=datetime.date(2029, 11, 28),
        workload_hours=Decimal("40"),
        ects=Decimal("1.5"),
        mn_credits=Decimal("1"),
        verification_url="https://erdem.example.mn/verify/K7QM-4XD2",
        verification_code="K7QM-4XD2",
        # As large as a signed Open Badges 3.0 credential and its VC-JWT, and as hard to compress
        # as base64 text.
        attachments={"credential.json": _base64_text(3000), "credential.jwt": _base64_text(3700)},
    )


def baseline_pdf() -> bytes:
    """One line of text in a PDF with the certificate's fonts."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    for (family, style), file_name in FONT_FILES.items():
        pdf.add_font(family, style, fonts_dir() / file_name)
    pdf.add_page()
    pdf.set_font("serif", "", 12)
    pdf.cell(text="Гэрчилгээ · Certificate")
    return bytes(pdf.output())


def run(*, seconds: float) -> bool:
    """Measures each variant and prints the table; false when a certificate does not read back."""
    with_script = sample_data(traditional=True)
    without_script = sample_data(traditional=False)
    sample = certificate_pdf(with_script)
    ok = certificate_attachments(sample) == with_script.attachments
    sizes = {
        "baseline": len(baseline_pdf()),
        "with": len(sample),
        "without": len(certificate_pdf(without_script)),
    }
    baseline = Variant("one-line PDF, same fonts (baseline)", baseline_pdf)
    variants = [
        (Variant("certificate, traditional script", lambda: certificate_pdf(with_script)), sizes["with"]),
        (Variant("certificate, no traditional script", lambda: certificate_pdf(without_script)), sizes["without"]),
        (Variant("read embedded files back", lambda: certificate_attachments(sample), compared=False), len(sample)),
    ]
    paired = {variant.name: Variant(baseline.name, baseline_pdf) for variant, _size in variants}
    for variant, _size in [(baseline, 0), *variants]:  # warm up imports and caches
        drive(Variant(variant.name, variant.work), 0.5)
    slices = max(1, round(seconds))
    for variant, _size in variants:
        for _ in range(slices):
            drive(paired[variant.name], 1.0)
            drive(variant, 1.0)
    for bare in paired.values():
        baseline.count += bare.count
        baseline.elapsed += bare.elapsed
        baseline.cpu += bare.cpu

    print()
    print(
        f"Certificate PDFs · one process, one thread · {seconds:g} s per variant in 1 s slices alternating with "
        "the baseline"
    )
    header = f"{'variant':<38} {'per s':>7} {'baseline per s':>14} {'ratio':>7} {'CPU ms':>7} {'bytes':>8}"
    print(header)
    print("-" * len(header))
    rows = [(baseline, baseline, sizes["baseline"])] + [(v, paired[v.name], size) for v, size in variants]
    for variant, bare, size in rows:
        ratio = f"{variant.rate / bare.rate:.3f}" if variant.compared else "-"
        print(
            f"{variant.name:<38} {variant.rate:>7.1f} {bare.rate:>14.1f} {ratio:>7} {variant.cpu_ms:>7.2f} {size:>8,}"
        )
    print(
        "CPU ms: process CPU time per PDF; bytes: the PDF's size (for reading back, the certificate's). Reading "
        "back is not compared with writing: its baseline column only shows the slices it alternated with."
    )
    print(f"Load average (1 min) of this machine ({os.cpu_count()} cores): {os.getloadavg()[0]:.1f} after the run.")
    if not ok:
        print("FAIL: the certificate's embedded files did not read back as embedded.")
    return ok


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf-seconds", type=float, default=5.0, help="per certificate variant")


def django_setup() -> None:
    """Django without a database: the certificate needs only settings and translations."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    arguments(parser)
    args = parser.parse_args()
    django_setup()
    raise SystemExit(0 if run(seconds=args.pdf_seconds) else 1)


if __name__ == "__main__":
    main()
