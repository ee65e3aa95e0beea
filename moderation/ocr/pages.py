"""Turning an OcrSource into page images with a resolution, cheaply and without trusting it.

PDFs: the embedded page scan is taken as is (~15-30 ms) with its effective DPI (pixels over the
size it is drawn at); only pages without one are rasterised (~2.8 s for A4 at 300 dpi).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
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


def grey_for(img: Image.Image, kind: str | None) -> Image.Image:
    """Grey as the reader needs it: a register's red seals and stamps vanish in the red
    channel (black text stays black); anything else by luminance, which keeps a card's red
    ID number dark."""
    if kind == "register" and img.mode in ("RGB", "RGBA", "P"):
        return img.convert("RGB").getchannel("R")
    return img.convert("L")


def _card_draft(img: Image.Image) -> None:
    """Decode a large JPEG of a card at the smallest scale that still gives the card about
    300 dpi (JPEG decodes at 1/2, 1/4, 1/8 almost for free): a 12-MP photo costs a quarter.
    The card is found on a 1/8 copy first."""
    from .geometry import PAPER_IN, paper_corners

    probe = Image.open(img.filename, formats=["JPEG"])  # type: ignore[attr-defined]
    probe.draft("L", (img.width // 8, img.height // 8))
    corners = paper_corners(probe.convert("L"))
    if corners is None:
        img.draft("L", img.size)
        return
    c = np.array(corners) * img.width / probe.width
    long_side = max(np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[2] - c[1]))  # turned?
    shrink = int(long_side / (300 * PAPER_IN["card"][0] * 0.95))
    shrink = 1 << (max(1, min(4, shrink)).bit_length() - 1)  # a power of two JPEG can skip
    img.draft("L", (img.width // shrink, img.height // shrink))


def _image_pages(src: OcrSource, kind: str | None) -> list[Page]:
    with Image.open(src.path, formats=["PNG", "JPEG"]) as img:
        if img.width * img.height > MAX_PIXELS:
            raise ValueError(f"image too large: {img.size}")
        full_width = img.width
        if img.format == "JPEG" and kind == "card" and img.width * img.height > 4_000_000:
            _card_draft(img)
        elif img.format == "JPEG" and kind != "register":
            img.draft("L", img.size)  # luminance only: no colour decoded at all
        img = ImageOps.exif_transpose(img)
        meta = float(img.info.get("dpi", (0, 0))[0]) * img.width / full_width
        return [Page(grey_for(img, kind), _plausible(src.dpi) or _plausible(meta))]


def _embedded_scan(page: pdfium.PdfPage, kind: str | None) -> Page | None:
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
    img = grey_for(best.get_bitmap(render=False).to_pil(), kind)
    # A rotated or flipped placement would need the matrix; rasterise those instead.
    a, b, c, d, _, _ = best.get_matrix().get()
    if b or c or a < 0 or d < 0:
        return None
    return Page(img, _plausible(w / ((right - left) / 72)))


def _pdf_pages(src: OcrSource, kind: str | None) -> list[Page]:
    pdf = pdfium.PdfDocument(str(src.path))
    try:
        pages = []
        for i in range(min(len(pdf), MAX_PDF_PAGES)):
            page = pdf[i]
            scan = _embedded_scan(page, kind)
            if scan is None:  # not a scan: rasterise, within the pixel ceiling
                w, h = page.get_size()
                dpi = min(RENDER_DPI, 72 * (MAX_PIXELS / max(w * h, 1)) ** 0.5)
                scan = Page(page.render(scale=dpi / 72, grayscale=True).to_pil(), dpi)
            pages.append(scan)
        return pages
    finally:
        pdf.close()


def load_pages(src: OcrSource, kind: str | None = None) -> list[Page]:
    """The source's pages; [] when it cannot be read (the fields then come out as not found)."""
    try:
        with open(src.path, "rb") as fh:
            head = fh.read(1024)
        return _pdf_pages(src, kind) if b"%PDF-" in head else _image_pages(src, kind)
    except Exception as exc:  # any unreadable input means "not found", never raise
        log.warning("cannot read %s for OCR: %s", src.path, exc)
        return []
