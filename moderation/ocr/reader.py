"""Sources → OCR lines, pass by pass, within one overall deadline.

Pass 1 reads every page at the resolution that is best on average, turned upright (by its
shape, then by trying the other turns while the text comes out illegible). A field chi_tra
misreads at one scale is usually read right at another (a dropped digit, 上 for L), so pass 2
reads the pages again at RETRY_SCALE. The passes are produced lazily: the caller stops as soon
as every field matches, so a clean document costs one pass and only doubtful ones pay more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from PIL import Image

from .engine import ocr_words
from .pages import Page, load_pages
from .prep import Prepared, prepare, upright_guess
from .text import Line, Word, group_lines, legible_chars
from .types import OcrSource

log = logging.getLogger(__name__)

#: Pass 2 scale relative to pass 1 (measured: 350 dpi recovers most card misreads at 300).
RETRY_SCALE = 7 / 6


#: Below this many confidently read characters a page is taken to be turned the wrong way.
MIN_LEGIBLE = 15


def _prepare(page: Page, kind: str, turn: int) -> Prepared | None:
    try:
        image = page.image.rotate(turn, expand=True) if turn else page.image
        return prepare(image, page.dpi, kind)
    except Exception:  # a page we cannot prepare is a page we cannot read
        log.exception("cannot prepare a page for OCR")
        return None


def _rescaled(p: Prepared, scale: float) -> tuple[Image.Image, int]:
    size = (round(p.image.width * scale), round(p.image.height * scale))
    return p.image.resize(size, Image.LANCZOS), round(p.dpi * scale)


def _first_pass(page: Page, kind: str, deadline: float) -> Iterator[tuple[Prepared, list[Word]]]:
    """Read the page upright: the turn its shape suggests first, the others if illegible."""
    guess = upright_guess(page.image, kind)
    for turn in (guess, guess + 180, guess + 90, guess + 270):
        p = _prepare(page, kind, turn % 360)
        remaining = deadline - time.monotonic()
        if p is None or remaining <= 0:
            return
        words = ocr_words(p.image, p.dpi, remaining) or []
        yield p, words
        if legible_chars(words) >= MIN_LEGIBLE:
            return


def read_pages(
    sources: list[OcrSource], kind: str, deadline: float
) -> Iterator[tuple[int, list[Line]]]:
    """(pass number, lines) for each readable page; ends quietly when the deadline has passed.

    A page that fails (unreadable, timeout, tesseract crash) is skipped: its fields stay "not
    found" unless another page or pass has them.
    """
    upright: list[Prepared] = []
    for page in (page for src in sources for page in load_pages(src)):
        best: tuple[int, Prepared | None] = (-1, None)
        for p, words in _first_pass(page, kind, deadline):
            if words:
                yield 0, group_lines(words)
            best = max(best, (legible_chars(words), p), key=lambda b: b[0])
        if best[1] is not None:
            upright.append(best[1])
    for p in upright:  # pass 2, at another scale, only if the caller still wants more
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        image, dpi = _rescaled(p, RETRY_SCALE)
        words = ocr_words(image, dpi, remaining)
        if words:
            yield 1, group_lines(words)
