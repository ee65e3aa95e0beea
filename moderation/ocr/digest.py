"""Reading chosen boxes of a document in a few OCR calls, and the words put back on the page.

The boxes (a table's cells, a form's pairs) are cut out straight at the resolution they need
and laid side by side into single text lines ("strips"), boxes of like text height together,
each strip read as one raw line (tesseract --psm 13): tesseract sees only what is to be read
and runs no layout analysis of its own. Its layout analysis is what lost short boxes when the
same boxes were stacked as a block (psm 6 and 7 dropped 黃金 or 父：余翰譫 outright; as one
line every box is read). Every word is put back where its box is on the page, so that
columns, cells and lines mean what they meant there.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from .engine import ocr_words, parallelism
from .geometry import Frame
from .text import Word

#: Raw line: no page layout analysis, no line finding.
PSM_LINE = 13
#: Space around a box (in text heights): across, the strokes' ends; along the line, a margin
#: that stays clear of the next line of the page (about half a height away).
PAD_ALONG, PAD_ACROSS = 0.25, 0.12
#: White between boxes in a strip (in text heights): a clear word space.
GAP_EM = 1.0
#: Boxes whose text heights differ by more than this share go to different strips: a line is
#: scaled to one height for the recogniser.
HEIGHT_SPREAD = 0.2
#: A strip's length at most (pixels).
MAX_STRIP = 8000
#: What chi_tra reads into white space and ruling lines: never part of a field.
_NOISE = str.maketrans("", "", "“”\"'‘’[]|「」_—~。、′・")
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Piece:
    key: Box  # the box as the caller gave it
    box: tuple[float, float, float, float]  # padded, on the page (pixels at the frame's dpi)
    x: int  # where it starts in its strip
    width: int  # in the strip
    top: int  # its top in the strip
    scale: float


def even_paper(img: Image.Image) -> Image.Image:
    """Divide each column by its paper (its brightest pixel, smoothed along the row): a
    shadow's edge or a lamp's falloff across a box is gone, dark text stays dark, and the
    box's paper is as white as the strip's (no edge around it to read as a bracket)."""
    arr = np.asarray(img, dtype=np.float32)
    paper = arr.max(axis=0)
    k = max(3, arr.shape[0] // 2)
    paper = np.convolve(np.pad(paper, k, mode="edge"), np.ones(k) / k, mode="same")[k:-k]
    out = arr / np.maximum(paper, 30)[None, :] * 255
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def _padded(box: Box, em: float, size: tuple[int, int]) -> tuple[float, float, float, float]:
    along, across = PAD_ALONG * em, PAD_ACROSS * em
    return (max(0, box[0] - along), max(0, box[1] - across), min(size[0], box[2] + along),
            min(size[1], box[3] + across))  # fmt: skip


def _groups(boxes: list[tuple[Box, float]]) -> list[list[tuple[Box, float]]]:
    """Boxes in reading order, split where the text height changes or a strip gets long."""
    groups: list[list[tuple[Box, float]]] = []
    for box, em in sorted(boxes, key=lambda b: b[1]):
        if groups and em <= groups[-1][0][1] * (1 + HEIGHT_SPREAD):
            groups[-1].append((box, em))
        else:
            groups.append([(box, em)])
    return [_reading_order(g) for g in groups]


def _reading_order(boxes: list[tuple[Box, float]]) -> list[tuple[Box, float]]:
    """Rows of the page top to bottom, each left to right: two members' ID numbers on one band
    of the older transcript then never stand side by side in a strip, where chi_tra would
    read their digits as one word."""
    rows: list[list[tuple[Box, float]]] = []
    for b in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        centre = (b[0][1] + b[0][3]) / 2
        if rows and centre - (rows[-1][0][0][1] + rows[-1][0][0][3]) / 2 < 0.5 * b[1]:
            rows[-1].append(b)
        else:
            rows.append([b])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0][0])]


def _strip(
    frame: Frame, group: list[tuple[Box, float]], scale: float, bold: bool = False
) -> list[tuple[Image.Image, list[Piece]]]:
    """One or more single-line images of the group's boxes, side by side."""
    cuts = []
    for box, em in group:
        page_box = _padded(box, em, frame.size)
        cut = even_paper(frame.cut(page_box, scale))
        if bold:  # thin Ming strokes and faint copies read better a pixel heavier
            cut = cut.filter(ImageFilter.MinFilter(3))
        cuts.append((box, page_box, cut, round(GAP_EM * em * scale)))
    out, start = [], 0
    while start < len(cuts):
        end, width = start, cuts[start][3]
        while end < len(cuts) and (end == start or width + cuts[end][2].width < MAX_STRIP):
            width += cuts[end][2].width + cuts[end][3]
            end += 1
        height = max(c.height for _, _, c, _ in cuts[start:end]) + 2 * cuts[start][3] // 3
        strip = Image.new("L", (width, height), 255)
        pieces, x = [], cuts[start][3]
        for key, page_box, cut, gap in cuts[start:end]:
            top = (height - cut.height) // 2
            strip.paste(cut, (x, top))
            pieces.append(Piece(key, page_box, x, cut.width, top, scale))
            x += cut.width + gap
        out.append((strip, pieces))
        start = end
    return out


def _to_page(w: Word, pieces: list[Piece]) -> tuple[Box, Word] | None:
    """The word on the page, by the box it overlaps most. (LSTM boxes are loose: the last
    character before a gap often reaches into it, so its centre may lie outside every box.)"""
    right = w.left + w.width

    def overlap(p: Piece) -> float:
        return min(right, p.x + p.width) - max(w.left, p.x)

    p = max(pieces, key=overlap)
    text = w.text.translate(_NOISE)
    if overlap(p) <= -GAP_EM * w.height or not text:
        return None
    x = p.box[0] + (max(w.left, p.x) - p.x) / p.scale
    y = p.box[1] + (w.top - p.top) / p.scale
    width = (min(right, p.x + p.width) - max(w.left, p.x)) / p.scale
    return p.key, Word(text, round(x), round(y), max(1, round(width)),
                       round(w.height / p.scale), w.conf)  # fmt: skip


def strips(
    frame: Frame, boxes: list[tuple[Box, float]], scale: float
) -> list[tuple[Image.Image, list[Piece]]]:
    """The single-line images `boxes` are read from (for inspection)."""
    return [s for group in _groups(boxes) for s in _strip(frame, group, scale)]


def read_boxes(
    frame: Frame,
    boxes: list[tuple[Box, float]],
    scale: float,
    deadline: float,
    *,
    bold: bool = False,
) -> dict[Box, list[Word]] | None:
    """OCR of `boxes` (box, text height): each box's words in page coordinates, in reading
    order (None: OCR failed or ran out of time)."""
    found: dict[Box, list[Word]] = {box: [] for box, _ in boxes}
    dpi = round(frame.dpi * scale)
    cut = [s for group in _groups(boxes) for s in _strip(frame, group, scale, bold)]

    def read(strip: Image.Image) -> list[Word] | None:
        return ocr_words(strip, dpi, deadline - time.monotonic(), PSM_LINE)

    workers = min(len(cut), parallelism())
    if workers > 1:  # the engine's children read the strips side by side
        with ThreadPoolExecutor(workers, thread_name_prefix="ocr-strip") as pool:
            results = list(pool.map(read, (strip for strip, _ in cut)))
    else:
        results = [read(strip) for strip, _ in cut]
    for got, (_, pieces) in zip(results, cut, strict=True):
        if got is None:
            return None
        for w in got:
            placed = _to_page(w, pieces)
            if placed is not None:
                found[placed[0]].append(placed[1])
    return {box: _laid_out(box, words) for box, words in found.items()}


def _laid_out(box: Box, words: list[Word]) -> list[Word]:
    """The box's words side by side across the box, each as wide as its characters, as tall
    as the box: the LSTM's own boxes are too loose to tell cells apart (a character's box
    may be the whole line high or reach into the gap), the layout's chunks are not."""
    words = sorted(words, key=lambda w: w.left)
    total = sum(len(w.text) for w in words)
    x0, y0, x1, y1 = box
    out, done = [], 0
    for w in words:
        left = x0 + (x1 - x0) * done / total
        done += len(w.text)
        right = x0 + (x1 - x0) * done / total
        out.append(Word(w.text, round(left), y0, max(1, round(right - left)), y1 - y0, w.conf))
    return out
