"""Red seals and stamps pressed over a printed page, as a household office stamps a transcript.

Drawn in red ink that is partly transparent (the text under it stays visible, darker where both
overlap) and uneven (a stamp never inks fully), at a random angle.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .fonts import font

RED = (205, 35, 45)


def _centered(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str, face: str, size: int
) -> None:
    f = font(face, size, bold=True)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=f)
    x = (box[0] + box[2] - (right - left)) // 2 - left
    y = (box[1] + box[3] - (bottom - top)) // 2 - top
    draw.text((x, y), text, font=f, fill=255)


def office_seal(office: str, dpi: int = 300) -> Image.Image:
    """The round seal of a household registration office (about 38 mm): ring, name, a star."""
    d = round(38 / 25.4 * dpi)
    mask = Image.new("L", (d, d), 0)  # 255 where the stamp inks
    draw = ImageDraw.Draw(mask)
    ring = max(6, d // 40)
    draw.ellipse([ring, ring, d - ring, d - ring], outline=255, width=ring)
    _centered(draw, (0, d // 6, d, d // 2), office[:4], "serif", d // 7)
    _centered(draw, (0, d // 2 - d // 10, d, d // 2 + d // 10), "★", "sans", d // 8)
    _centered(draw, (0, d // 2, d, 5 * d // 6), "戶籍謄本專用章", "serif", d // 9)
    return mask


def box_stamp(text: str, dpi: int = 300) -> Image.Image:
    """A rectangular stamp, e.g. 與正本相符 or a date stamp (about 55 x 16 mm)."""
    w, h = round(55 / 25.4 * dpi), round(16 / 25.4 * dpi)
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    draw.rectangle([4, 4, w - 5, h - 5], outline=255, width=max(5, h // 25))
    _centered(draw, (0, 0, w, h), text, "serif", int(h * 0.5))
    return mask


def press(page: Image.Image, mask: Image.Image, at: tuple[int, int], rng: random.Random) -> None:
    """Press a stamp `mask` onto the RGB `page` at `at` (its centre), rotated and unevenly inked."""
    mask = mask.rotate(rng.uniform(-25, 25), Image.BICUBIC, expand=True)
    noise = np.random.default_rng(rng.randrange(2**32)).uniform(0.45, 1.0, mask.size[::-1])
    patchy = Image.fromarray((np.asarray(mask, np.float32) * noise).astype(np.uint8))
    patchy = patchy.filter(ImageFilter.GaussianBlur(1.2))
    x, y = at[0] - mask.width // 2, at[1] - mask.height // 2
    region = page.crop((x, y, x + mask.width, y + mask.height))
    strength = rng.uniform(0.6, 0.9)
    alpha = patchy.point(lambda v: int(v * strength))
    # Multiply: red ink darkens what is under it instead of covering it.
    inked = ImageChops.multiply(region, Image.new("RGB", region.size, RED))
    region.paste(inked, (0, 0), alpha)
    page.paste(region, (x, y))
