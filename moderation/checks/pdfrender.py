"""PDFs, part 2: pages rendered to pixels with pdfium (pypdfium2), the library made for it.

The sanitized copy of a PDF is a new PDF made only of the rendered page images (decision
recorded for issue 3): reviewers and inmates get a file that looks the same, keeps its pages
together and opens anywhere, while no font, script, form, link, attachment or metadata of the
original survives. Its text layer is lost; OCR is what reads the text (the worker's OCR stage
reads the stored PDF; callers that want page images for OCR get 300-dpi greyscale renders of
the first pages in `ocr_images`, unless `CheckContext.ocr_renders` is off). The preview is the
first page, small.

`FileFacts.width/height` of a PDF are those of its first page's sanitized render.

Every render is capped in pixels by the same policy ceiling as images: a page can declare any
size (a 200-inch MediaBox at 300 dpi is 3.6 gigapixels).
"""

import logging
import math

import pypdfium2 as pdfium
from PIL import Image

from moderation.checks import imaging
from moderation.checks.base import (
    CheckCode,
    CheckContext,
    CheckOutcome,
    FileFacts,
    FileUnderCheck,
    ok,
    work_path,
)
from moderation.checks.pdfs import encrypted, too_many_pages, unreadable
from moderation.document_hash import perceptual_hash

log = logging.getLogger(__name__)

#: PDF points per inch.
POINTS_PER_INCH = 72
#: pdfium's FPDF_ERR_PASSWORD: the file needs a password pypdf thought it did not.
PDFIUM_PASSWORD_ERROR = 4
#: Pixel ceiling of one page of the sanitized copy: A3 at 200 dpi. Pages are held in memory
#: until the PDF is written, so ten poster-sized pages must not each take the full ceiling.
VIEW_MAX_PIXELS = 10_000_000
#: JPEG quality of the page images inside the sanitized PDF.
PAGE_QUALITY = 85


def render_pdf(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> list[CheckOutcome]:
    if facts.detected_type != "application/pdf":
        return []
    policy = ctx.policy
    try:
        doc = pdfium.PdfDocument(file.path)
    except pdfium.PdfiumError as exc:
        log.info("pdfium cannot open %s: %s", file.file_id, exc)
        locked = getattr(exc, "err_code", None) == PDFIUM_PASSWORD_ERROR
        return [encrypted(file) if locked else unreadable(file)]
    try:
        # Filled-in form fields are drawn only with the form environment (pypdfium2's pdfium
        # is built without a JavaScript engine, so this runs no script).
        doc.init_forms()
        count = len(doc)
        if count == 0:
            return [unreadable(file)]
        if count > policy.max_pdf_pages:  # pdfium may see pages that pypdf did not
            return [too_many_pages(file, policy.max_pdf_pages)]
        pages = []
        for index in range(count):
            page = doc[index]
            try:
                view_max = min(VIEW_MAX_PIXELS, policy.max_image_pixels)
                pages.append(_render(page, policy.pdf_view_dpi, view_max)[0])
                if ctx.ocr_renders and index < policy.pdf_ocr_pages:
                    _write_ocr_image(file, facts, ctx, page, index)
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        log.info("pdfium cannot render %s: %s", file.file_id, exc)
        return [unreadable(file)]
    finally:
        doc.close()
    facts.pages = count
    facts.width, facts.height = pages[0].size
    _write_sanitized(file, facts, ctx, pages)
    return [ok(file.file_id, CheckCode.PDF_RENDERED)]


def _render(
    page: pdfium.PdfPage, dpi: int, max_pixels: int, grey: bool = False
) -> tuple[Image.Image, int]:
    """The page as an image at `dpi`, or lower if that would pass `max_pixels`; and the DPI."""
    width_pt, height_pt = page.get_size()
    scale = dpi / POINTS_PER_INCH
    pixels = max(width_pt * scale, 1) * max(height_pt * scale, 1)
    if pixels > max_pixels:
        scale *= math.sqrt(max_pixels / pixels)
    bitmap = page.render(scale=scale, grayscale=grey, may_draw_forms=True)
    try:
        return bitmap.to_pil().copy(), round(scale * POINTS_PER_INCH)
    finally:
        bitmap.close()


def _write_ocr_image(
    file: FileUnderCheck, facts: FileFacts, ctx: CheckContext, page: pdfium.PdfPage, index: int
) -> None:
    """A lossless greyscale render at the DPI tesseract reads best (~300)."""
    image, dpi = _render(page, ctx.policy.pdf_ocr_dpi, ctx.policy.max_image_pixels, grey=True)
    target = work_path(ctx, file, f"ocr-{index + 1}.png")
    image.convert("L").save(target, "PNG", compress_level=1)
    facts.ocr_images.append((target, dpi))


def _write_sanitized(
    file: FileUnderCheck, facts: FileFacts, ctx: CheckContext, pages: list[Image.Image]
) -> None:
    clean = [imaging.pixels_only(p.convert("RGB")) for p in pages]
    target = work_path(ctx, file, "sanitized")
    clean[0].save(
        target,
        "PDF",
        save_all=True,
        append_images=clean[1:],
        resolution=float(ctx.policy.pdf_view_dpi),
        quality=PAGE_QUALITY,
    )
    facts.sanitized_path, facts.sanitized_type = target, "application/pdf"
    facts.preview_path = work_path(ctx, file, "preview")
    imaging.save_preview(clean[0], facts.preview_path)
    facts.phash = perceptual_hash(clean[0])
