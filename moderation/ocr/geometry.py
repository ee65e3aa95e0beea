"""Where the document lies in an image, and how to cut any part of it out straight.

A `Frame` maps the upright, straight document at a chosen resolution onto the source image by
its four corners. Any box of the document is then cut out with one resample (Image.transform),
at the resolution it needs, from the source or a halved copy of it: the cost of preparing a
page follows what is read, not the size of the photo (12 MP photos cost as much as a card).

- A scan or a PDF page fills its image: the corners are the image's, turned by the skew that
  the text rows' projection gives (scanners tilt pages too).
- A photo shows the document on a table: the paper is what is much brighter than its darkest
  surroundings (a ratio, so that a shadow over paper and table does not move the edge); its
  extreme points are the corners, and perspective comes with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from PIL import Image, ImageFilter

from .skew import skew_angle

#: Document sizes in inches (width, height) upright: an ID card, an A4 register page.
PAPER_IN = {"card": (85.6 / 25.4, 54 / 25.4), "register": (210 / 25.4, 297 / 25.4)}
#: The long side, in pixels, of the copy on which the paper is looked for.
FIND_SIDE = 400
#: Paper is this many times brighter than the darkest of its surroundings (a table, a shadow).
PAPER_CONTRAST = 1.6
#: A second look, where the first frame read no ID number or date on a card: a lamp-lit table
#: next to its own shadow can be 1.8 times brighter, and is then taken for paper.
STRICT_CONTRAST = 2.0
#: ... and what lies around it is on average darker than this share of it: else the image is
#: the document itself (a scan of a card, whose photo and print make edges of their own).
BACKGROUND_SHARE = 0.7
Corners = tuple[tuple[float, float], ...]
#: Pixels (on the FIND_SIDE copy) a point of a side may lie off the line fitted along it.
SIDE_TOLERANCE = 3.0
#: The copy a photo's leftover skew is measured on (share of the target resolution).
LEVEL_SCALE = 0.3  # top-left, top-right, bottom-right, bottom-left


def perspective(size: tuple[float, float], corners: Corners) -> tuple[float, ...]:
    """Image.transform(PERSPECTIVE) data mapping the rectangle `size` onto `corners`."""
    w, h = size
    rows, rhs = [], []
    for (u, v), (x, y) in zip(((0, 0), (w, 0), (w, h), (0, h)), corners, strict=True):
        rows += [[u, v, 1, 0, 0, 0, -x * u, -x * v], [0, 0, 0, u, v, 1, -y * u, -y * v]]
        rhs += [x, y]
    return tuple(np.linalg.solve(np.array(rows, float), np.array(rhs, float)))


@dataclass
class Frame:
    """The document `size` (pixels at `dpi`, upright) and its corners in `source`."""

    source: Image.Image  # grey, as decoded
    corners: Corners
    size: tuple[int, int]
    dpi: int
    photo: bool  # found on a background (then the light is uneven too)
    _halves: dict[int, Image.Image] = field(default_factory=dict, repr=False)

    @cached_property
    def source_dpi(self) -> float:
        (x0, y0), (x1, y1) = self.corners[0], self.corners[1]
        return float(np.hypot(x1 - x0, y1 - y0)) / self.size[0] * self.dpi

    def turned(self, quarter_turns: int) -> Frame:
        """The same document turned by 90° steps (counter-clockwise): which corner is on top."""
        k = quarter_turns % 4
        corners = self.corners[k:] + self.corners[:k]
        size = self.size if k % 2 == 0 else self.size[::-1]
        return Frame(self.source, corners, size, self.dpi, self.photo, self._halves)

    def to_source(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f, g, h = perspective(self.size, self.corners)
        den = g * x + h * y + 1
        return (a * x + b * y + c) / den, (d * x + e * y + f) / den

    def levelled(self) -> Frame:
        """The frame turned by what skew is left in it: a photo's corners, fitted on a small
        copy, leave the text rows tilted by a fraction of a degree, enough to run the rows of
        a page's two halves into each other."""
        small = self.cut((0, 0, *self.size), LEVEL_SCALE)
        angle = np.radians(skew_angle(np.asarray(small, dtype=np.float32)))
        if abs(angle) < np.radians(0.1):
            return self
        w, h = self.size
        cx, cy, cos, sin = w / 2, h / 2, np.cos(angle), np.sin(angle)
        turned = [(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
                  for x, y in ((0, 0), (w, 0), (w, h), (0, h))]  # fmt: skip
        corners = tuple(self.to_source(x, y) for x, y in turned)
        return Frame(self.source, corners, self.size, self.dpi, self.photo, self._halves)

    def _level(self, scale: float) -> tuple[Image.Image, int]:
        """The source, or a copy halved n times (a box filter: no stroke skipped), no coarser
        than the cut asks, so that the bicubic resample shrinks by less than 2x."""
        n = 0
        while self.source_dpi / 2 ** (n + 1) >= self.dpi * scale and n < 3:
            n += 1
        if n and n not in self._halves:
            self._halves[n] = self.source.reduce(2**n)
        return (self._halves[n] if n else self.source), 2**n

    def cut(self, box: tuple[float, float, float, float], scale: float = 1.0) -> Image.Image:
        """The document's `box` (pixels at dpi) as an upright image at dpi * scale."""
        x0, y0, x1, y1 = box
        out = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
        src, div = self._level(scale)
        a, b, c, d, e, f, g, h = perspective(self.size, self.corners)
        # Shift to the box's corner and scale: page (x0 + i/scale, y0 + j/scale) -> source.
        den = g * x0 + h * y0 + 1
        data = (a / scale / den / div, b / scale / den / div, (a * x0 + b * y0 + c) / den / div,
                d / scale / den / div, e / scale / den / div, (d * x0 + e * y0 + f) / den / div,
                g / scale / den, h / scale / den)  # fmt: skip
        return src.transform(out, Image.PERSPECTIVE, data, Image.BICUBIC, fillcolor=255)


def _local_min(arr: np.ndarray, k: int) -> np.ndarray:
    """Minimum over about a k x k window, computed on a 2x min-pooled copy (4x less work)."""
    from numpy.lib.stride_tricks import sliding_window_view as windows

    h, w = arr.shape
    pooled = arr[: h // 2 * 2, : w // 2 * 2].reshape(h // 2, 2, w // 2, 2).min(axis=(1, 3))
    k2 = max(3, k // 2) | 1
    pad = np.pad(pooled, k2 // 2, mode="edge")
    low = windows(windows(pad, k2, axis=0).min(axis=-1), k2, axis=1).min(axis=-1)
    full = np.repeat(np.repeat(low, 2, axis=0), 2, axis=1)
    return np.pad(full, ((0, h - full.shape[0]), (0, w - full.shape[1])), mode="edge")


def _window(mask: np.ndarray, k: int) -> np.ndarray:
    """Erosion of a boolean mask by a k x k square (dilation is the erosion of the inverse)."""
    from numpy.lib.stride_tricks import sliding_window_view as windows

    pad = np.pad(mask, k // 2, mode="edge")
    return windows(windows(pad, k, axis=0).all(axis=-1), k, axis=1).all(axis=-1)


def _paper_mask(arr: np.ndarray, contrast: float) -> np.ndarray:
    """The paper: each row from the first to the last pixel that is much brighter than the
    darkest around it. Inside the paper only its edges and its ink stand out that way; a
    convex document covers every row between them (and a shadow darkens both sides alike)."""
    k = max(3, max(arr.shape) // 12) | 1
    edge = (arr > contrast * np.maximum(_local_min(arr, k), 12)) & (arr > 60)
    # Opened: lines and specks (a shadow's edge on the table) go, the paper's rim stays.
    size = max(5, k // 4) | 1
    edge = _window(~_window(~edge, size), size)
    has = edge.any(axis=1)
    first = np.argmax(edge, axis=1)
    last = edge.shape[1] - 1 - np.argmax(edge[:, ::-1], axis=1)
    width = np.where(has, last - first + 1, 0)
    # Rows whose run is a sliver of the paper's width are what is left of such a line.
    has &= width >= 0.25 * width.max()
    cols = np.arange(edge.shape[1])
    return has[:, None] & (cols >= first[:, None]) & (cols <= last[:, None])


def paper_corners(grey: Image.Image, contrast: float = PAPER_CONTRAST) -> Corners | None:
    """The corners of the paper on a darker background, or None if nothing stands out (the
    image is the document: a scan, a PDF page)."""
    small = grey.reduce(max(1, max(grey.size) // FIND_SIDE))
    factor = grey.width / small.width
    # Blurred: the noise of a dark table must not read as paper against its own darkest pixel.
    arr = np.asarray(small.filter(ImageFilter.GaussianBlur(1.5)), dtype=np.float32)
    paper = _paper_mask(arr, contrast)
    border = np.concatenate([paper[:2].ravel(), paper[-2:].ravel(), paper[:, :2].ravel(),
                             paper[:, -2:].ravel()])  # fmt: skip
    if border.mean() > 0.3 or not 0.08 < paper.mean() < 0.92:  # paper to the edges, or none
        return None
    if arr[~paper].mean() > BACKGROUND_SHARE * arr[paper].mean():  # no darker table around
        return None
    corners = _fitted_corners(paper)
    if corners is None:
        return None
    quad = np.array(corners)
    x, y = quad[:, 0], quad[:, 1]
    area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
    if not 0.9 <= paper.sum() / max(area, 1) <= 1.1:  # the bright region is no quadrilateral
        return None
    return tuple((float(px) * factor, float(py) * factor) for px, py in quad)


def _fit(along: np.ndarray, across: np.ndarray) -> tuple[float, float] | None:
    """across = a * along + b along a side, ignoring strays (a shadow's streak, a rounded
    corner, a lit stretch of table beside a dark shadow that runs on from the paper): fitted
    through the middle of the side, and through each of its halves, the line most points lie
    on is refitted through them."""
    n = len(along)
    if n < 10:
        return None
    best: np.ndarray | None = None
    for keep in (slice(n // 6, n - n // 6), slice(n // 6, n // 2), slice(n // 2, n - n // 6)):
        a, b = np.polyfit(along[keep], across[keep], 1)
        good = np.abs(across - (a * along + b)) <= SIDE_TOLERANCE
        good[: n // 6] = good[n - n // 6 :] = False
        if best is None or good.sum() > best.sum():
            best = good
    if best is None or best.sum() < 5:
        return None
    a, b = np.polyfit(along[best], across[best], 1)
    return float(a), float(b)


def _fitted_corners(paper: np.ndarray) -> Corners | None:
    """Corners where the paper's four fitted sides meet."""
    rows, cols = np.flatnonzero(paper.any(axis=1)), np.flatnonzero(paper.any(axis=0))
    h, w = paper.shape
    sides = (
        _fit(rows, np.argmax(paper[rows], axis=1).astype(float)),  # left: x = a*y + b
        _fit(cols, np.argmax(paper[:, cols], axis=0).astype(float)),  # top: y = a*x + b
        _fit(rows, w - np.argmax(paper[rows, ::-1], axis=1).astype(float)),  # right
        _fit(cols, h - np.argmax(paper[::-1, cols], axis=0).astype(float)),  # bottom
    )
    if any(s is None for s in sides):
        return None
    left, top, right, bottom = sides

    def meet(vertical: tuple[float, float], horizontal: tuple[float, float]) -> tuple[float, float]:
        (a1, b1), (a2, b2) = vertical, horizontal
        x = (a1 * b2 + b1) / (1 - a1 * a2)
        return x, a2 * x + b2

    return (meet(left, top), meet(right, top), meet(right, bottom), meet(left, bottom))


def _sides(corners: Corners) -> tuple[float, float]:
    c = np.array(corners)
    top, right = np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[2] - c[1])
    bottom, left = np.linalg.norm(c[2] - c[3]), np.linalg.norm(c[3] - c[0])
    return (top + bottom) / 2, (left + right) / 2


def find_frame(
    grey: Image.Image,
    dpi: float | None,
    kind: str,
    target_dpi: int,
    contrast: float = PAPER_CONTRAST,
) -> Frame:
    """The document in `grey` (any orientation: the reader turns the frame if it reads
    nothing), straightened, at `target_dpi`."""
    paper_w, paper_h = PAPER_IN[kind]
    corners = paper_corners(grey, contrast)
    if corners is not None:
        width, height = _sides(corners)
        if (width > height) != (paper_w > paper_h):  # turned by a quarter: top on a side
            corners, (width, height) = corners[1:] + corners[:1], (height, width)
        if abs(width / height - paper_w / paper_h) < 0.12 * paper_w / paper_h:
            size = (round(paper_w * target_dpi), round(paper_h * target_dpi))
            return Frame(grey, corners, size, target_dpi, photo=True).levelled()
    return _scan_frame(grey, dpi, kind, target_dpi)


def _scan_frame(grey: Image.Image, dpi: float | None, kind: str, target_dpi: int) -> Frame:
    """The whole image, straightened by its skew; its resolution from the file or, without
    one, from the document's known width."""
    w, h = grey.size
    if dpi is None:
        paper_w = PAPER_IN[kind][0] if kind == "card" and w > h else min(PAPER_IN[kind])
        dpi = w / paper_w
    small = grey.reduce(max(1, max(grey.size) // 800))
    angle = np.radians(skew_angle(np.asarray(small, dtype=np.float32)))
    cx, cy, cos, sin = w / 2, h / 2, np.cos(angle), np.sin(angle)
    # The page's corners, turned back by the skew around the centre (PIL's rotate convention).
    corners = tuple((cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
                    for x, y in ((0, 0), (w, 0), (w, h), (0, h)))  # fmt: skip
    size = (round(w * target_dpi / dpi), round(h * target_dpi / dpi))
    return Frame(grey, corners, size, target_dpi, photo=False)
