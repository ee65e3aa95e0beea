"""The front of a Taiwanese national ID card (國民身分證), drawn at 300 dpi.

85.6 x 54 mm. The printed fields sit where the 2005 card has them (name, birth date, sex,
issue date and place, the ID number in red at the bottom), shifted a little per card as a
printer's registration shifts them, in the given face over a guilloche background.
"""

from __future__ import annotations

import math
import random
from datetime import date

from PIL import Image, ImageDraw

from .fonts import font
from .names import Person, roc

DPI = 300
ISSUE_PLACES = ("北市", "新北市", "桃市", "中市", "南市", "高市", "花縣", "東縣", "屏縣")


def mm(x: float, dpi: int = DPI) -> int:
    return round(x / 25.4 * dpi)


def _guilloche(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    """Fine coloured waves and rosettes: what trips a global threshold on a photographed card."""
    for k in range(26):
        amp, period, phase = rng.uniform(8, 30), rng.uniform(120, 400), rng.uniform(0, 6.3)
        y0 = k * h / 26
        colour = (rng.randint(190, 225), rng.randint(205, 235), rng.randint(215, 240))
        pts = [(x, y0 + amp * math.sin(x / period * 6.28 + phase)) for x in range(0, w, 8)]
        draw.line(pts, fill=colour, width=2)
    cx, cy = rng.uniform(0.25, 0.5) * w, rng.uniform(0.4, 0.7) * h
    for r in range(40, 260, 22):  # a plum-blossom rosette behind the fields
        draw.ellipse([cx - r, cy - r * 0.8, cx + r, cy + r * 0.8], outline=(225, 210, 225), width=2)


def make_id_card(p: Person, rng: random.Random, face: str = "sans") -> Image.Image:
    w, h = mm(85.6), mm(54)
    img = Image.new("RGB", (w, h), (226 + rng.randint(0, 10), 236, 242))
    d = ImageDraw.Draw(img)
    _guilloche(d, w, h, rng)
    d.rounded_rectangle([0, 0, w - 1, h - 1], radius=30, outline=(150, 160, 170), width=3)
    dx, dy = rng.uniform(-1.2, 1.2), rng.uniform(-0.8, 0.8)  # printer registration

    def at(x: float, y: float) -> tuple[int, int]:
        return mm(x + dx), mm(y + dy)

    dark, blue = (25, 25, 30), (30, 60, 120)
    d.text(at(14, 3), "中華民國國民身分證", font=font(face, 58, True), fill=blue)
    d.text(at(5, 13), "姓　名", font=font(face, 32), fill=dark)
    d.text(at(18, 11.5), p.name, font=font(face, 62 if len(p.name) < 4 else 54, True), fill=dark)
    d.text(at(5, 22), "出生年月日", font=font(face, 32), fill=dark)
    d.text(at(5, 27), roc(p.birth_date, spaced=True), font=font(face, 40), fill=dark)
    d.text(at(5, 33.5), "性　別", font=font(face, 32), fill=dark)
    d.text(at(18, 33), "男" if p.sex == 1 else "女", font=font(face, 40), fill=dark)
    issued = date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
    d.text(at(5, 40), "發證日期", font=font(face, 32), fill=dark)
    d.text(
        at(22, 39.5),
        f"{roc(issued)}（{rng.choice(ISSUE_PLACES)}）{rng.choice('換補初')}發",
        font=font(face, 30),
        fill=dark,
    )
    d.text(at(5, 47), "統一編號", font=font(face, 32), fill=dark)
    d.text(at(26, 46), p.national_id, font=font("sans", 46, True), fill=(170, 25, 35))
    x0, y0 = mm(58), mm(13)  # the photo: a grey face-ish blob, no text
    d.rectangle([x0, y0, x0 + mm(24), y0 + mm(31)], fill=(180, 185, 190))
    d.ellipse([x0 + mm(6), y0 + mm(4), x0 + mm(18), y0 + mm(19)], fill=(120, 110, 105))
    d.pieslice([x0 + mm(1), y0 + mm(18), x0 + mm(23), y0 + mm(44)], 180, 360, fill=(70, 75, 90))
    return img
