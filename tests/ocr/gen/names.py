"""People for generated documents: names, national ID numbers, birth dates.

Names are drawn so that the reader is measured on characters it was not tuned on: surnames
and given-name characters as often as they stand in real Taiwanese names (name_stats.py,
1,938 given-name characters counted over 18,846 names), plus, for the younger generations,
characters popular in names given since the 1990s. A reader that knows a few dozen name
characters meets thousands here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import cache

from .name_stats import GIVEN, SURNAMES, counts

#: Characters popular in names given since the 1990s (the counts come from older people).
POPULAR_GIVEN = (
    "家豪建宏俊傑冠宇宗翰承恩柏彥廷哲翔霖凱維博威宥睿辰謙浩軒崇峻毅銓鈞瑋琳璇瑩姿珊綺潔"
    "茹倩婉芸薇儀慈馨瀅綾怡君雅婷淑芬惠玲詩涵晴妤瑜琪芳若彤語心瑄萱穎嘉佳昀恩筱蓁品妍"
)
#: Shares of given-name characters: by real frequency, any counted character alike (the long
#: tail), and the younger generations' favourites.
BY_FREQUENCY, ANY_COUNTED = 0.7, 0.15


@cache
def _weighted(packed: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    pairs = counts(packed)
    return tuple(c for c, _ in pairs), tuple(n for _, n in pairs)


LETTERS = "ABCDEFGHJKLMNPQTUVXYWZIO"
LETTER_VALUES = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def make_national_id(rng: random.Random, sex: int) -> str:
    """A random ID with a valid check digit (weights 1,9,8,7,...,1 over letter value + digits)."""
    letter = rng.choice(LETTERS)
    digits = [sex] + [rng.randrange(10) for _ in range(7)]
    n = LETTER_VALUES[letter]
    weighted = sum(d * w for d, w in zip(digits, range(8, 0, -1), strict=True))
    total = n // 10 + (n % 10) * 9 + weighted
    return letter + "".join(map(str, digits)) + str((10 - total % 10) % 10)


def surname(rng: random.Random) -> str:
    chars, weights = _weighted(SURNAMES)
    return rng.choices(chars, weights)[0]


def given_char(rng: random.Random) -> str:
    chars, weights = _weighted(GIVEN)
    roll = rng.random()
    if roll < BY_FREQUENCY:
        return rng.choices(chars, weights)[0]
    return rng.choice(chars if roll < BY_FREQUENCY + ANY_COUNTED else POPULAR_GIVEN)


def given_name(rng: random.Random, generation: str = "") -> str:
    """Two characters mostly, one sometimes; `generation` is a shared first character."""
    if not generation and rng.random() < 0.03:
        return given_char(rng)
    first = generation or given_char(rng)
    second = given_char(rng)
    while second == first:
        second = given_char(rng)
    return first + second


@dataclass
class Person:
    name: str
    national_id: str
    birth_date: date
    sex: int  # 1 male, 2 female (the ID's first digit)
    title: str = ""  # 稱謂 in a household register, relative to the head
    father: str = ""
    mother: str = ""
    spouse: str = ""
    birthplace: str = ""
    remarks: tuple[str, ...] = ()  # 記事 lines


def make_person(
    rng: random.Random,
    *,
    family: str | None = None,
    sex: int | None = None,
    born: tuple[int, int] = (1950, 2005),
    generation: str = "",
) -> Person:
    sex = sex or rng.choice((1, 2))
    birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
    name = (family or surname(rng)) + given_name(rng, generation)
    return Person(name, make_national_id(rng, sex), birth, sex)


def roc(d: date, *, spaced: bool = False) -> str:
    if spaced:
        return f"民國 {d.year - 1911}年 {d.month}月 {d.day}日"
    return f"民國{d.year - 1911}年{d.month}月{d.day}日"
