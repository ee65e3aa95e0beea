"""Rendered pages → the files a family uploads: a scan (PNG), a scanner app's PDF, a grey
low-resolution copy (JPEG without DPI) and a phone photo (JPEG, 8 or 12 megapixels).

The photo is what phones make of a document on a table: the page in perspective and turned,
a lamp's falloff, a shadow across part of it (a hand, the phone), a glare spot, blur, sensor
noise and JPEG compression. Built with Pillow's own operations so that a 12-MP photo takes
about a second to make.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

SCAN_DPI = 300
LOWRES_DPI = 150
VARIANTS = ("scan", "pdf", "lowres", "photo")


def _jpeg(img: Image.Image, quality: int, dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    kw = {"dpi": (dpi, dpi)} if dpi else {}
    img.save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def _tilt(doc: Image.Image, rng: random.Random, degrees: float) -> Image.Image:
    """A scanner's feed is a little crooked too."""
    angle = rng.uniform(-degrees, degrees)
    return doc.rotate(angle, Image.BICUBIC, fillcolor=(250, 250, 250)) if abs(angle) > 0.1 else doc


def _perspective(quad_out: list[tuple[float, float]], size_in: tuple[int, int]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE): output pixel → input pixel, mapping the
    output quadrilateral `quad_out` onto the input rectangle."""
    w, h = size_in
    quad_in = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(quad_out, quad_in, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return list(np.linalg.solve(np.array(rows, float), np.array(rhs, float)))


def _soft(size: tuple[int, int], draw_small, blur: float) -> Image.Image:
    """An L image drawn at 1/8 size and enlarged: smooth light maps at little cost."""
    small = Image.new("L", (size[0] // 8, size[1] // 8), 0)
    draw_small(ImageDraw.Draw(small), small.size)
    return small.filter(ImageFilter.GaussianBlur(blur)).resize(size, Image.BILINEAR)


def _frame_size(rng: random.Random, portrait: bool) -> tuple[int, int]:
    long, short = rng.choice(((4032, 3024), (4032, 3024), (3264, 2448)))  # 12 MP or 8 MP
    return (short, long) if portrait else (long, short)


def _placed(
    doc: Image.Image, size: tuple[int, int], rng: random.Random, portrait: bool
) -> list[tuple[float, float]]:
    """Where the document's corners land in the photo: scaled, shifted, turned, in perspective."""
    fw, fh = size
    share = rng.uniform(0.82, 0.93) if portrait else rng.uniform(0.38, 0.62)
    w = fw * share if not portrait else fh * share * doc.width / doc.height
    h = w * doc.height / doc.width
    cx, cy = fw / 2 + rng.uniform(-0.04, 0.04) * fw, fh / 2 + rng.uniform(-0.03, 0.03) * fh
    t = np.radians(rng.uniform(2.0, 6.0) * rng.choice((-1, 1)))
    quad = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = sx * w / 2, sy * h / 2
        x, y = x * np.cos(t) - y * np.sin(t), x * np.sin(t) + y * np.cos(t)
        jitter = 0.035 * w  # perspective: each corner a little off
        quad.append((cx + x + rng.uniform(-jitter, jitter), cy + y + rng.uniform(-jitter, jitter)))
    return quad


def phone_photo(doc: Image.Image, rng: random.Random, portrait: bool) -> Image.Image:
    size = _frame_size(rng, portrait)
    quad = _placed(doc, size, rng, portrait)
    coeffs = _perspective(quad, doc.size)
    page = doc.transform(size, Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    mask = Image.new("L", doc.size, 255).transform(size, Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    table = tuple(rng.randint(50, 120) for _ in range(3))
    frame = Image.new("RGB", size, table)
    frame.paste(page, (0, 0), mask)

    lamp = rng.uniform(0, size[0] / 8), rng.uniform(0, size[1] / 8)

    depth = rng.uniform(45, 80)

    def falloff(d: ImageDraw.ImageDraw, s: tuple[int, int]) -> None:
        for r in range(max(s), 0, -4):  # brightest at the lamp, 70-80 % at the far corner
            v = int(255 - (r / max(s)) * depth)
            d.ellipse([lamp[0] - r, lamp[1] - r, lamp[0] + r, lamp[1] + r], fill=v)

    light = _soft(size, falloff, 6)
    if rng.random() < 0.7:  # a shadow over one side of the page
        edge = rng.uniform(0.25, 0.75)
        darkness = int(255 * rng.uniform(0.55, 0.8))

        def shadow(d: ImageDraw.ImageDraw, s: tuple[int, int]) -> None:
            d.rectangle([0, 0, s[0], s[1]], fill=255)
            x0, x1 = edge * s[0], (edge + rng.uniform(-0.2, 0.2)) * s[0]
            d.polygon([(x0, 0), (s[0], 0), (s[0], s[1]), (x1, s[1])], fill=darkness)

        light = ImageChops.multiply(light, _soft(size, shadow, 3))
    frame = ImageChops.multiply(frame, Image.merge("RGB", [light] * 3))
    if rng.random() < 0.7:  # glare: a soft bright spot where the lamp reflects
        gx, gy = (
            rng.uniform(min(p[0] for p in quad), max(p[0] for p in quad)) / 8,
            rng.uniform(min(p[1] for p in quad), max(p[1] for p in quad)) / 8,
        )
        r, peak = rng.uniform(15, 45), rng.randint(60, 130)

        def glare(d: ImageDraw.ImageDraw, s: tuple[int, int]) -> None:
            d.ellipse([gx - r, gy - r * 0.6, gx + r, gy + r * 0.6], fill=peak)

        frame = ImageChops.add(frame, Image.merge("RGB", [_soft(size, glare, r / 3)] * 3))
    # Seeded (Image.effect_noise is not): the same seed must give the same photo.
    grain = np.random.default_rng(rng.randrange(2**32)).normal(128, rng.uniform(4, 9), size[::-1])
    noise = Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8))
    frame = ImageChops.add(frame, Image.merge("RGB", [noise] * 3), 1.0, -128)
    return frame.filter(ImageFilter.GaussianBlur(rng.uniform(0.7, 1.4)))


def write_pages(
    pages: list[Image.Image], variant: str, out: Path, rng: random.Random, *, portrait: bool
) -> list[Path]:
    """Write rendered 300-dpi pages as one upload variant: one file per page, or one PDF."""
    if variant == "pdf":  # what a scanner app emits: one JPEG per page, page size = paper size
        path = out.with_suffix(".pdf")
        jpegs = [Image.open(io.BytesIO(_jpeg(_tilt(p, rng, 0.6), 82))) for p in pages]
        jpegs[0].save(path, "PDF", resolution=SCAN_DPI, save_all=True, append_images=jpegs[1:])
        return [path]
    paths = []
    for n, page in enumerate(pages):
        stem = out.with_name(f"{out.name}-p{n + 1}" if len(pages) > 1 else out.name)
        paths.append(_write_one(page, variant, stem, rng, portrait=portrait))
    return paths


def _write_one(
    doc: Image.Image, variant: str, out: Path, rng: random.Random, *, portrait: bool
) -> Path:
    if variant == "scan":
        path = out.with_suffix(".png")
        _tilt(doc, rng, 0.8).save(path, dpi=(SCAN_DPI, SCAN_DPI))
    elif variant == "lowres":  # a photocopy scanned at 150 dpi, grey, JPEG without DPI
        path = out.with_suffix(".jpg")
        scale = LOWRES_DPI / SCAN_DPI
        small = (
            _tilt(doc, rng, 0.8)
            .convert("L")
            .resize((round(doc.width * scale), round(doc.height * scale)), Image.LANCZOS)
        )
        path.write_bytes(_jpeg(small, 75))
    elif variant == "photo":
        path = out.with_suffix(".jpg")
        path.write_bytes(_jpeg(phone_photo(doc, rng, portrait), rng.randint(80, 92)))
    else:
        raise ValueError(variant)
    return path


def write_variant(
    doc: Image.Image, variant: str, out: Path, rng: random.Random, *, portrait: bool
) -> Path:
    """One rendered page as one upload variant; returns the file path."""
    return write_pages([doc], variant, out, rng, portrait=portrait)[0]
