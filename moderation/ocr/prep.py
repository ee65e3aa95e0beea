"""Image preparation before tesseract: grey, find the document, deskew, even the light, scale.

Why each step (first-pass verdicts on generated phone photos, tests/ocr/docgen.py):
- find the paper and crop it: its width gives the resolution of a photo that has no DPI, and a
  wrong DPI wrecks tesseract's layout analysis (issue 6, PITFALLS);
- deskew: a table tilted 3-5° mixes its rows; reading it unrotated and straightening only the
  word boxes got 6/8 registers right, rotating the image 8/8;
- even the light: global thresholds lose the shaded side of a photo (PITFALLS); on our photos,
  whose shading is mild, it gained 19/20 vs 18/20, for 0.08 s;
- scale to a known resolution: right DPI, and the fewest pixels that still read well.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

#: Document widths in inches, to estimate the resolution of images without a usable DPI.
CARD_WIDTH_IN = 85.6 / 25.4
A4_WIDTH_IN = 210 / 25.4
#: Resolution we hand to tesseract per document kind (chosen by measurement: 250 dpi reads the
#: register's 10-pt text as well as 300 dpi, 20 % faster; the card's small print needs 300).
TARGET_DPI = {"card": 300, "register": 250}
#: ... but a low-resolution copy is enlarged only to this, since enlarging adds pixels and no
#: detail: a 150-dpi register reads as well at 200 as at 250 dpi (10/10 each), 20 % faster.
ENLARGE_DPI = {"card": 300, "register": 200}
#: Resampling for deskewing: bilinear reads as well as bicubic (10/10 registers, 9/10 cards on
#: photos) and rotates an A4 photo in 0.12 s instead of 0.24 s.
ROTATE_FILTER = Image.BILINEAR
_ANALYSIS_SIDE = 800  # px: the long side of the copy used to find the document and its skew


@dataclass
class Prepared:
    image: Image.Image  # mode L
    dpi: int
    angle: float  # degrees the image was rotated by
    cropped: bool


def _doc_box(small: np.ndarray) -> tuple[int, int, int, int] | None:
    """Bounding box of the bright paper on a darker background, or None if it fills the frame."""
    thr = (np.percentile(small, 90) + np.percentile(small, 10)) / 2
    bright = small > thr
    rows, cols = bright.mean(axis=1), bright.mean(axis=0)
    ys, xs = np.flatnonzero(rows > 0.5), np.flatnonzero(cols > 0.5)
    if len(ys) < 10 or len(xs) < 10:
        return None
    y0, y1, x0, x1 = ys[0], ys[-1] + 1, xs[0], xs[-1] + 1
    inside = small[y0:y1, x0:x1].mean()
    outside = np.concatenate(
        [small[:y0].ravel(), small[y1:].ravel(), small[:, :x0].ravel(), small[:, x1:].ravel()]
    )
    if (y1 - y0) * (x1 - x0) > 0.9 * small.size or outside.size == 0:
        return None
    if inside - outside.mean() < 40:  # no contrast with the table: not a document edge
        return None
    return int(x0), int(y0), int(x1), int(y1)


def _skew(small: Image.Image) -> float:
    """Skew angle by projection profile: text rows give the sharpest row histogram when level.

    Projects the ink pixels' coordinates instead of rotating the image per angle (40x faster).
    """
    arr = np.asarray(small, dtype=np.float32)
    ys, xs = np.nonzero(arr < arr.mean() - 2 * arr.std())
    if len(ys) < 50:
        return 0.0

    def score(a: float) -> float:
        t = np.radians(a)  # PIL's rotate(a) turns counter-clockwise: undo a clockwise skew
        rows = np.round(ys * np.cos(t) - xs * np.sin(t)).astype(np.int64)
        return float(np.var(np.diff(np.bincount(rows - rows.min()))))

    best = max(np.arange(-7, 7.01, 0.5), key=score)
    return float(max(np.arange(best - 0.4, best + 0.41, 0.1), key=score))


def _even_light(grey: Image.Image) -> Image.Image:
    """Divide by the paper's own brightness (a max-filtered, blurred copy): flat white paper."""
    small = grey.reduce(8) if min(grey.size) > 400 else grey
    bg = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(6))
    bg_arr = np.asarray(bg.resize(grey.size, Image.BILINEAR), dtype=np.float32)
    out = np.asarray(grey, dtype=np.float32) / np.maximum(bg_arr, 1) * 255
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def upright_guess(img: Image.Image, kind: str) -> int:
    """Quarter turn that puts the document the right way by its shape: a card is landscape
    (1.58:1), a register page portrait (1.41:1). Which of 90/270 is unknown; the reader tries
    the other one when the text comes out illegible."""
    ratio = img.height / img.width
    if kind == "card" and 1.45 < ratio < 1.75:
        return 90
    if kind == "register" and 1.3 < 1 / ratio < 1.55:
        return 90
    return 0


def _crop(
    grey: Image.Image, small: Image.Image, box: tuple[int, int, int, int], margin: float = 0.0
) -> Image.Image:
    scale = grey.width / small.width
    pad = margin * max(small.size)
    x0, y0, x1, y1 = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
    return grey.crop(tuple(round(max(v, 0) * scale) for v in (x0, y0, x1, y1)))


def _straighten_and_crop(grey: Image.Image) -> tuple[Image.Image, float, bool]:
    factor = max(grey.size) / _ANALYSIS_SIDE
    small = grey.reduce(max(1, int(factor))) if factor > 1 else grey
    box = _doc_box(np.asarray(small, dtype=np.float32))
    # Scanners tilt pages too, so the skew is measured always (~20 ms), not only on photos.
    angle = _skew(small.crop(box) if box else small)
    if abs(angle) >= 0.5:  # below that tesseract copes, and a rotation costs a resample
        if box:  # rotate the paper and a rim of table only: a third fewer pixels to resample
            grey = _crop(grey, small, box, margin=0.02)
        # Fill like the surroundings: a dark table keeps the paper's edge findable below.
        grey = grey.rotate(angle, ROTATE_FILTER, expand=True, fillcolor=0 if box else 255)
        small = grey.reduce(max(1, int(factor))) if factor > 1 else grey
        box = _doc_box(np.asarray(small, dtype=np.float32))
    if box:
        grey = _crop(grey, small, box)
    return grey, angle, box is not None


def _scale(grey: Image.Image, dpi: float, kind: str) -> tuple[Image.Image, int]:
    target = min(TARGET_DPI[kind], max(ENLARGE_DPI[kind], dpi))
    if abs(dpi - target) / target <= 0.1:
        return grey, round(dpi)
    size = (round(grey.width * target / dpi), round(grey.height * target / dpi))
    # Shrinking: bicubic, 30 % faster than Lanczos on A4 and as good (20/20 registers read
    # right; bilinear blurred 長子 into 虐王 on 2 of 20). Enlarging: Lanczos' sharper edges.
    return grey.resize(size, Image.BICUBIC if target < dpi else Image.LANCZOS), round(target)


def prepare(img: Image.Image, dpi: float | None, kind: str) -> Prepared:
    grey, angle, cropped = _straighten_and_crop(img.convert("L"))
    lit = np.asarray(grey.reduce(8) if min(grey.size) > 400 else grey, dtype=np.float32)
    if cropped or np.percentile(lit, 95) - np.percentile(lit, 60) > 25:
        grey = _even_light(grey)
    if cropped or dpi is None:  # physical size known from the document kind (a card, or A4)
        portrait = grey.height > 1.2 * grey.width
        dpi = grey.width / (A4_WIDTH_IN if kind == "register" or portrait else CARD_WIDTH_IN)
    grey, dpi_out = _scale(grey, dpi, kind)
    return Prepared(grey, dpi_out, angle, cropped)
