"""Perceptual hashes of document images: the same ID card photographed again (rescaled,
recompressed, shifted a little) hashes to nearly the same bits; a different picture does not.

A DCT hash (pHash): the picture in grey at 64×64, its 2-D cosine transform, and one bit per
low frequency of the top-left 16×16 block (256 bits), set where the coefficient is above the
block's median. Low frequencies carry the layout of light and dark, which survives JPEG
recompression, scaling and small shifts; fine detail (noise, text strokes) does not count.

Finding near copies among many: candidates are the files sharing at least one of `BANDS`
16-bit slices of the hash exactly (an index on (band, value)); only they are compared. Within
15 differing bits a copy always shares a slice (pigeonhole); at 22 bits, what a re-photographed
card differs by in our tests, it does with a probability of about 99%, at 30 bits about 90%.
"""

from functools import cache

import numpy as np
from PIL import Image

#: Side of the grey picture the transform runs on.
SAMPLE = 64
#: Side of the low-frequency block kept: SIDE² bits.
SIDE = 16
BITS = SIDE * SIDE
#: Slices of the hash indexed for lookup, each BITS // BANDS bits wide.
BANDS = 16
BAND_BITS = BITS // BANDS
#: The most differing bits of two pictures of the same document. Re-photographed ID cards in
#: our tests (shifted, cropped, scaled, blurred, JPEG 60) differ by 10-22 bits; two people's
#: cards of the same layout by 64 or more, a card and a register page by about 120.
NEAR_DISTANCE = 40


@cache
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0, :] = np.sqrt(1 / n)
    return m


def perceptual_hash(img: Image.Image) -> str:
    """The picture's 256-bit hash as 64 hex digits."""
    grey = img.convert("L").resize((SAMPLE, SAMPLE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    dct = _dct_matrix(SAMPLE)
    low = (dct @ pixels @ dct.T)[:SIDE, :SIDE]
    bits = (low > np.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:0{BITS // 4}x}"


def distance(a: str, b: str) -> int:
    """How many bits two hashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def bands(phash: str) -> list[tuple[int, int]]:
    """(band number, value) of each slice, as indexed."""
    value = int(phash, 16)
    mask = (1 << BAND_BITS) - 1
    return [(n, (value >> (n * BAND_BITS)) & mask) for n in range(BANDS)]


def is_near(a: str, b: str) -> bool:
    return distance(a, b) <= NEAR_DISTANCE
