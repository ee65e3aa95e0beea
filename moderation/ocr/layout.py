"""Layout analysis without OCR: the text lines of a page and the cells in them.

On a copy at about 125 dpi: the light is evened (ink is what is much darker than the paper
around it), ruling lines are taken out (long straight runs of ink: a table's rules, a card's
edge), the rows with ink give the text bands, and in each band the runs of columns with ink,
split at gaps wider than about a character, give the chunks (a table's cells, a form's
label：value pairs, the words of a remark). The reader then chooses which chunks to OCR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

#: Ink is darker than this share of the paper's local brightness; a rule is looked for in
#: what is darker than FAINT_RATIO (a hairline is grey at this scale, and long runs are
#: unmistakable even so).
INK_RATIO, FAINT_RATIO = 0.6, 0.92
#: The paper is estimated over windows this wide (inches): wider than a stroke.
PAPER_WINDOW_IN = 0.12
#: A horizontal rule is an ink run longer than this share of the page width...
RULE_SHARE = 0.12
#: ... a vertical one longer than this (inches): above the strokes of a large heading.
RULE_IN = 0.26
#: A gap wider than this many band heights ends a chunk (a full-width space is about one).
CHUNK_GAP = 0.8
#: A run of rows this many times the typical band's height is several lines joined; in it,
#: rows with less ink than SPARSE_ROW of its fullest row are gaps between lines.
TALL_BAND, SPARSE_ROW = 2.2, 0.08
#: A vertical run this many text heights long is a rule, not a stroke.
ROW_RULE_EM = 1.3
#: Blocks of this size (inches) with more than SOLID_SHARE ink are a picture, not text.
SOLID_IN, SOLID_SHARE = 0.1, 0.65


@dataclass(frozen=True)
class Chunk:
    """A box of the page (pixels at the frame's dpi) and how it looks."""

    x0: int
    y0: int
    x1: int
    y1: int
    em: float  # the band's text height, pixels at dpi
    density: float  # share of ink pixels

    @property
    def width_em(self) -> float:
        return (self.x1 - self.x0) / self.em


@dataclass
class Band:
    y0: int
    y1: int
    chunks: list[Chunk]


def _darkness(small: Image.Image, dpi: float) -> np.ndarray:
    """Each pixel over the local paper: 1 is paper. The paper is the image closed by a
    window wider than a stroke (a max then a min filter, on a halved copy): every stroke and
    the gaps between a character's strokes are gone, yet the paper level follows a shadow's
    edge to within a stroke's width, where a wider filter would let the lit side's paper make
    the shaded side's paper look like ink."""
    half = small.reduce(2) if min(small.size) > 100 else small
    k = max(3, round(PAPER_WINDOW_IN * dpi * half.width / small.width)) | 1
    paper = half.filter(ImageFilter.MaxFilter(k)).filter(ImageFilter.MinFilter(k))
    paper_arr = np.asarray(paper.resize(small.size, Image.BILINEAR), np.float32)
    return np.asarray(small, np.float32) / np.maximum(paper_arr, 40)


def _thick(a: np.ndarray) -> np.ndarray:
    """`a` grown by a pixel across its rows: a thin rule, antialiased at this scale or a hair
    off straight, stays one unbroken run."""
    out = a.copy()
    out[1:] |= a[:-1]
    out[:-1] |= a[1:]
    return out


def _runs_at_least(ink: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels within a pixel of a straight run of at least `length` ink pixels along `axis`."""
    a = _thick(ink if axis == 1 else ink.T)
    c = np.cumsum(a, axis=1, dtype=np.int32)
    c = np.pad(c, ((0, 0), (1, 0)))
    full = (c[:, length:] - c[:, :-length]) == length  # window [j, j+length) is all ink
    f = np.pad(np.cumsum(full, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    # a pixel x is covered if some full window starts in [x-length+1, x]
    lo = np.clip(np.arange(a.shape[1]) - length + 1, 0, full.shape[1])
    hi = np.clip(np.arange(a.shape[1]) + 1, 0, full.shape[1])
    covered = _thick((f[:, hi] - f[:, lo]) > 0)
    return covered if axis == 1 else covered.T


def _spans(profile: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Runs of non-zero entries, joined across gaps shorter than `min_gap`."""
    idx = np.flatnonzero(profile)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > min_gap)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _chunks(ink: np.ndarray, y0: int, y1: int, scale: float) -> list[Chunk]:
    band = ink[y0:y1]
    h = y1 - y0
    out = []
    for x0, x1 in _spans(band.sum(axis=0), max(2, round(CHUNK_GAP * h))):
        rows = np.flatnonzero(band[:, x0:x1].sum(axis=1))
        cy0, cy1 = y0 + rows[0], y0 + rows[-1] + 1
        density = float(band[:, x0:x1].mean())
        out.append(Chunk(round(x0 / scale), round(cy0 / scale), round(x1 / scale),
                         round(cy1 / scale), h / scale, density))  # fmt: skip
    return out


def _solid(ink: np.ndarray, block: int) -> np.ndarray:
    """Pixels in blocks that are mostly ink: a photo or a blacked-out box, never text (a
    character inks a third of its square, a bold one half)."""
    h, w = ink.shape
    hb, wb = h // block, w // block
    dense = ink[: hb * block, : wb * block].reshape(hb, block, wb, block).mean(axis=(1, 3))
    out = np.zeros_like(ink)
    solid = np.repeat(np.repeat(dense > SOLID_SHARE, block, axis=0), block, axis=1)
    out[: hb * block, : wb * block] = solid
    return out


def _row_spans(ink: np.ndarray) -> list[tuple[int, int]]:
    """Runs of rows with text. A run much taller than the others is rows joined by what is
    left of a table's rules in a photo (faint, not quite straight): it is split where its
    rows hold no more ink than such remains do."""
    profile = ink.sum(axis=1)
    spans = [s for s in _spans(profile >= 2, 1) if s[1] - s[0] >= 4]  # dust is no text
    if not spans:
        return []
    typical = float(np.median([y1 - y0 for y0, y1 in spans]))
    out = []
    for y0, y1 in spans:
        if y1 - y0 <= TALL_BAND * typical:
            out.append((y0, y1))
            continue
        part = profile[y0:y1]
        text = part > max(2.0, SPARSE_ROW * float(part.max()))
        out += [(y0 + a, y0 + b) for a, b in _spans(text, 1) if b - a >= 4]
    return out


def _bands(ink: np.ndarray, scale: float) -> list[Band]:
    return [Band(round(y0 / scale), round(y1 / scale), _chunks(ink, y0, y1, scale))
            for y0, y1 in _row_spans(ink)]  # fmt: skip


def find_bands(small: Image.Image, scale: float, dpi: float) -> list[Band]:
    """Text bands and their chunks of `small`, the page at `scale` times its frame's dpi;
    coordinates are returned at the frame's dpi.

    Vertical rules are taken out twice: the long ones first; then, once the text height is
    known from the bands, the pieces of a table's rules that are a row high (1.3 text
    heights or more: no stroke of a character is that long), which would join a row to
    the one under it."""
    ratio = _darkness(small, dpi * scale)
    ink, faint = ratio < INK_RATIO, ratio < FAINT_RATIO
    rules = _runs_at_least(faint, max(20, round(RULE_SHARE * ink.shape[1])), axis=1)
    rules |= _runs_at_least(faint, max(12, round(RULE_IN * dpi * scale)), axis=0)
    ink &= ~(rules | _solid(ink, max(4, round(SOLID_IN * dpi * scale))))
    bands = _bands(ink, scale)
    if not bands:
        return []
    em = float(np.median([b.y1 - b.y0 for b in bands])) * scale
    ink &= ~_runs_at_least(faint & ~rules, max(6, round(ROW_RULE_EM * em)), axis=0)
    return _bands(ink, scale)
