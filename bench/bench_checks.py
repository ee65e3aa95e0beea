"""Time and memory of the check stage for typical uploads.

    .venv/bin/python bench/bench_checks.py [--runs 5]

Builds three typical uploads in a temporary directory:
- a 12-megapixel phone photo (4000×3000 JPEG, quality 92, with EXIF orientation and GPS);
- a 300-dpi A4 scan (2480×3508 greyscale PNG of printed lines with paper grain, 300 dpi);
- a 3-page PDF (text pages, Helvetica), and a 3-page scanned PDF (the A4 scan as JPEG pages);
then checks each one `--runs` times and prints medians:
- `in-process`: `run_checks` in this process (the pure cost of the checks);
- `isolated`: `run_checks_isolated`, as the worker calls it (adds the child's start, pickling);
- `child peak RSS`: the checking child's peak resident memory (the ceiling to size
  `memory_bytes` and the workers' RAM by). The forkserver's preloaded libraries are part of it.
Finally the benchmark process's own peak RSS, which includes the in-process runs.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from moderation.checks.base import CheckContext, FileUnderCheck
from moderation.checks.isolation import run_checks_isolated
from moderation.checks.pipeline import run_checks
from moderation.file_rules import FileCategory, post_rules
from moderation.policy import Policy

MB = 1024 * 1024


def phone_photo() -> bytes:
    """Smooth areas, edges and sensor noise, so the JPEG is as large as a phone's (~3-5 MB)."""
    size = (4000, 3000)
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(40):
        draw.ellipse(
            (i * 97, i * 61, i * 97 + 600, i * 61 + 400), outline=(i * 6, 90, 200), width=9
        )
    noise = Image.effect_noise(size, 40).convert("RGB")
    img = Image.blend(img, noise, 0.25).filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    exif[0x0112] = 6  # portrait photo stored landscape, as phones do
    exif[0x8825] = {1: "N", 2: (22.0, 45.0, 0.0), 3: "E", 4: (121.0, 8.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def a4_scan() -> Image.Image:
    img = Image.new("L", (2480, 3508), 250)
    draw = ImageDraw.Draw(img)
    for y in range(300, 3300, 60):
        for x in range(200, 2200, 140):
            draw.rectangle((x, y, x + 110, y + 28), fill=30)  # words of printed text
    # Paper grain and scanner noise: a clean synthetic page would compress to almost nothing
    grain = Image.effect_noise(img.size, 25)
    return Image.blend(img.filter(ImageFilter.GaussianBlur(1)), grain, 0.15)


def png_of(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def text_pdf(pages: int = 3) -> bytes:
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for number in range(1, pages + 1):
        page = writer.add_blank_page(595, 842)
        stream = DecodedStreamObject()
        body = "".join(
            f"BT /F1 11 Tf 60 {790 - 16 * i} Td (Page {number}, line {i}: a record.) Tj ET\n"
            for i in range(45)
        )
        stream.set_data(body.encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf(scan: Image.Image, pages: int = 3) -> bytes:
    out = io.BytesIO()
    scan.save(out, "PDF", save_all=True, append_images=[scan] * (pages - 1), resolution=300.0)
    return out.getvalue()


def samples() -> list[tuple[str, str, bytes, FileCategory]]:
    scan = a4_scan()
    return [
        ("12-MP phone JPEG", "photo.jpg", phone_photo(), FileCategory.ATTACHMENT),
        ("300-dpi A4 PNG scan", "scan.png", png_of(scan), FileCategory.RELATIONSHIP),
        ("3-page PDF (text)", "letter.pdf", text_pdf(), FileCategory.RELATIONSHIP),
        ("3-page PDF (scanned)", "scan.pdf", scanned_pdf(scan), FileCategory.RELATIONSHIP),
    ]


def measure(label: str, name: str, data: bytes, category: FileCategory, runs: int, root: Path):
    path = root / f"upload-{uuid.uuid4().hex}"
    path.write_bytes(data)
    in_process, isolated, peaks = [], [], []
    for _ in range(runs):
        for isolate in (False, True):
            work = Path(tempfile.mkdtemp(dir=root))
            file = FileUnderCheck(uuid.uuid4().hex, category, path, len(data), name)
            ctx = CheckContext(Policy(), post_rules(Policy()), work)
            started = time.perf_counter()
            report = run_checks_isolated([file], ctx) if isolate else run_checks([file], ctx)
            elapsed = time.perf_counter() - started
            file_failures = [o.code for o in report.failures if o.file_id]
            if file_failures:
                raise SystemExit(f"{label}: unexpected failures {file_failures}")
            if isolate:
                isolated.append(elapsed)
                peaks.append(report.peak_rss_bytes or 0)
            else:
                in_process.append(elapsed)
    return (
        label,
        len(data) / MB,
        statistics.median(in_process),
        statistics.median(isolated),
        max(peaks) / MB,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-checks-") as tmp:
        root = Path(tmp)
        rows = [measure(*sample, args.runs, root) for sample in samples()]
    print(f"\ncheck stage, median of {args.runs} runs (Policy() defaults)\n")
    header = ("upload", "size MB", "in-process s", "isolated s", "child peak RSS MB")
    print(f"| {header[0]:<22} | {' | '.join(header[1:])} |")
    print(f"|{'-' * 24}|{'|'.join('-' * (len(h) + 2) for h in header[1:])}|")
    for label, size, inproc, iso, peak in rows:
        print(f"| {label:<22} | {size:7.2f} | {inproc:12.2f} | {iso:10.2f} | {peak:17.0f} |")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nbenchmark process peak RSS (includes the in-process runs): {own:.0f} MB")


if __name__ == "__main__":
    main()
