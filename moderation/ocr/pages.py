"""Turning an OcrSource into page images with a resolution, cheaply and without trusting it.

PDFs: the embedded page scan is taken as is (~15-30 ms) with its effective DPI (pixels over the
size it is drawn at); only pages without one are rasterised (~2.8 s for A4 at 300 dpi).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageOps

from .types import OcrSource

log = logging.getLogger(__name__)

#: Pages read per PDF: a card is one page, a register transcript rarely more than two.
MAX_PDF_PAGES = 3
#: Refuse to decode more pixels than a 600-dpi A4 page (the file checks refuse bombs earlier;
#: this is a second line for what reaches OCR).
MAX_PIXELS = 40_000_000
#: A DPI outside this range in the file's metadata is a default (72, 96) or nonsense.
PLAUSIBLE_DPI = (100, 1200)
RENDER_DPI = 250


@dataclass
class Page:
    image: Image.Image  # mode L
    dpi: float | None  # None: unknown, estimate from the document's size


def _plausible(dpi: float | None) -> float | None:
    return dpi if dpi and PLAUSIBLE_DPI[0] <= dpi <= PLAUSIBLE_DPI[1] else None


def _image_pages(src: OcrSource) -> list[Page]:
    with Image.open(src.path, formats=["PNG", "JPEG"]) as img:
        if img.width * img.height > MAX_PIXELS:
            raise ValueError(f"image too large: {img.size}")
        img = ImageOps.exif_transpose(img)
        meta = img.info.get("dpi", (0, 0))[0]
        # Grey straight away: OCR needs no colour, and one conversion of an A4 scan is ~0.1 s.
        return [Page(img.convert("L"), _plausible(src.dpi) or _plausible(float(meta)))]


def _embedded_scan(page: pdfium.PdfPage) -> Page | None:
    """The page's one big image, if the page is a scan, with the DPI it is drawn at."""
    pw, ph = page.get_size()
    best = None
    for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= 0.6 * pw * ph:  # covers most of the page
            best = obj
    if best is None:
        return None
    w, h = best.get_px_size()
    if w * h > MAX_PIXELS:
        raise ValueError(f"embedded image too large: {w}x{h}")
    left, _, right, _ = best.get_bounds()
    img = best.get_bitmap(render=False).to_pil().convert("L")
    # A rotated or flipped placement would need the matrix; rasterise those instead.
    a, b, c, d, _, _ = best.get_matrix().get()
    if b or c or a < 0 or d < 0:
        return None
    return Page(img, _plausible(w / ((right - left) / 72)))


def _pdf_pages(src: OcrSource) -> list[Page]:
    pdf = pdfium.PdfDocument(str(src.path))
    try:
        pages = []
        for i in range(min(len(pdf), MAX_PDF_PAGES)):
            page = pdf[i]
            scan = _embedded_scan(page)
            if scan is None:  # not a scan: rasterise, within the pixel ceiling
                w, h = page.get_size()
                dpi = min(RENDER_DPI, 72 * (MAX_PIXELS / max(w * h, 1)) ** 0.5)
                scan = Page(page.render(scale=dpi / 72, grayscale=True).to_pil(), dpi)
            pages.append(scan)
        return pages
    finally:
        pdf.close()


def load_pages(src: OcrSource) -> list[Page]:
    """The source's pages; [] when it cannot be read (the fields then come out as not found)."""
    try:
        with open(src.path, "rb") as fh:
            head = fh.read(1024)
        return _pdf_pages(src) if b"%PDF-" in head else _image_pages(src)
    except Exception as exc:  # any unreadable input means "not found", never raise
        log.warning("cannot read %s for OCR: %s", src.path, exc)
        return []
