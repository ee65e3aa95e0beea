"""Sources → what each page says: locate first, then read only what matters, in one deadline.

Per page: decode (a card's JPEG at the scale the card needs), find the document and its
corners (geometry.py), find the text bands and their chunks on a small copy (layout.py),
choose the chunks worth reading (fields, labels, titles; not remarks, stamps or photos:
select.py), then OCR them from single-line strips cut straight at the resolution they need
(digest.py). The cost follows the characters read, not the pixels of the page.

A `PageRead` keeps every reading of every chunk: pass 1 reads each once; `reread` reads the
chunks that may hold a field again at other scales (a character chi_tra misreads at one scale
is often right at another), and compose.py picks per chunk the reading that says what was
declared. Only documents whose fields do not all match after pass 1 pay for pass 2.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .digest import Box, read_boxes
from .geometry import PAPER_CONTRAST, STRICT_CONTRAST, Frame, find_frame
from .idnumber import find_ids
from .layout import find_bands
from .pages import Page, load_pages
from .select import select_boxes, worth_rereading
from .text import Line, Word, find_roc_dates, group_lines, legible_chars
from .types import OcrSource

log = logging.getLogger(__name__)

#: Resolution text is cut at, per document kind: 250 dpi reads a register's 10-pt text as well
#: as 300 and is 20 % faster; the card's small print needs 300.
TARGET_DPI = {"card": 300, "register": 250}
#: Layout analysis runs on a copy at this share of the target resolution.
ANALYSIS_SCALE = 0.5
#: Pass 2 readings: (scale relative to pass 1, strokes a pixel heavier).
RETRIES = ((1.25, False), (0.85, False), (1.0, True))
#: Below this many confidently read characters a page is taken to be turned the wrong way.
MIN_LEGIBLE = 15


@dataclass
class PageRead:
    frame: Frame
    boxes: list[tuple[Box, float]]  # the chunks read, in reading order, with text heights
    #: Per chunk, its words in page coordinates, one list per reading (pass 1 first).
    readings: dict[Box, list[list[Word]]] = field(default_factory=dict)

    @property
    def first(self) -> dict[Box, list[Word]]:
        return {box: rs[0] for box, rs in self.readings.items()}

    @property
    def lines(self) -> list[Line]:
        return group_lines([w for words in self.first.values() for w in words])

    def add(self, words: dict[Box, list[Word]]) -> None:
        for box, ws in words.items():
            self.readings.setdefault(box, []).append(ws)


def _turns(frame: Frame, kind: str) -> list[int]:
    """Quarter turns to try, the likeliest first: a register page is portrait, a card
    landscape; upside down is tried before sideways."""
    w, h = frame.size
    first = 1 if (w > h) != (kind == "card") else 0
    return [first, first + 2, first + 1, first + 3]


def _read_turn(frame: Frame, kind: str, deadline: float) -> PageRead | None:
    small = frame.cut((0, 0, *frame.size), ANALYSIS_SCALE)
    boxes = select_boxes(find_bands(small, ANALYSIS_SCALE, frame.dpi), kind)
    words = read_boxes(frame, boxes, 1.0, deadline)
    if words is None:
        return None
    page = PageRead(frame, boxes)
    page.add(words)
    return page


def _legible(page: PageRead) -> int:
    return legible_chars([w for ws in page.first.values() for w in ws])


def _frame(page: Page, kind: str, contrast: float = PAPER_CONTRAST) -> Frame | None:
    try:
        return find_frame(page.image, page.dpi, kind, TARGET_DPI[kind], contrast)
    except Exception:  # a page we cannot place is a page we cannot read
        log.exception("cannot locate the document on a page")
        return None


def _read_frame(frame: Frame, kind: str, deadline: float) -> PageRead | None:
    """The document read upright: turned as its shape suggests, else as it reads best."""
    best: PageRead | None = None
    for turn in _turns(frame, kind):
        if time.monotonic() >= deadline:
            break
        got = _read_turn(frame.turned(turn), kind, deadline)
        if got is None:  # timeout or a dead tesseract: this page stays unread
            break
        if _legible(got) >= MIN_LEGIBLE:
            return got
        if best is None or _legible(got) > _legible(best):
            best = got
    return best


def _anchors(page: PageRead | None) -> int:
    """How many of a card's two anchors were read: a valid ID number, a date."""
    lines = page.lines if page is not None else []
    return any(find_ids(ln.text) for ln in lines) + any(find_roc_dates(ln.text) for ln in lines)


def _moved(a: Frame, b: Frame) -> bool:
    """The corners differ by more than a fiftieth of the document's width."""
    far = max(abs(p - q) for pa, pb in zip(a.corners, b.corners, strict=True)
              for p, q in zip(pa, pb, strict=True))  # fmt: skip
    return far > 0.02 * abs(a.corners[1][0] - a.corners[0][0]) + 1


def read_page(page: Page, kind: str, deadline: float) -> PageRead | None:
    """The page read upright. A card whose reading holds no ID number or no date is located
    again with a stricter idea of paper (a lamp-lit table beside its shadow was taken for
    card, or the card not told from the table at all) and read again if that finds the card
    elsewhere; the reading with more anchors is kept."""
    frame = _frame(page, kind)
    got = _read_frame(frame, kind, deadline) if frame is not None else None
    if kind != "card" or frame is None or _anchors(got) == 2:
        return got
    strict = _frame(page, kind, STRICT_CONTRAST)
    if strict is None or not strict.photo or (frame.photo and not _moved(frame, strict)):
        return got
    second = _read_frame(strict, kind, deadline)
    return second if _anchors(second) > _anchors(got) else got


def read_document(sources: list[OcrSource], kind: str, deadline: float) -> Iterator[PageRead]:
    """Each readable page, read once; ends quietly when the deadline has passed. A page that
    fails (unreadable, timeout, tesseract crash) is skipped: its fields stay "not found"
    unless another page has them."""
    for page in (page for src in sources for page in load_pages(src, kind)):
        if time.monotonic() >= deadline:
            return
        got = read_page(page, kind, deadline)
        if got is not None:
            yield got


def reread(page: PageRead, deadline: float, settled: frozenset[str] = frozenset()) -> None:
    """Pass 2: the chunks that may hold a field not yet `settled`, again in each of RETRIES,
    the retries side by side (the engine bounds how many images are read at once)."""
    boxes = worth_rereading(page.boxes, page.first, settled)
    if not boxes or time.monotonic() >= deadline:
        return

    def read(retry: tuple[float, bool]) -> dict[Box, list[Word]] | None:
        return read_boxes(page.frame, boxes, retry[0], deadline, bold=retry[1])

    with ThreadPoolExecutor(len(RETRIES), thread_name_prefix="ocr-retry") as pool:
        for words in pool.map(read, RETRIES):
            if words is not None:  # a retry that timed out adds nothing
                page.add(words)
