"""People for generated documents: names, national ID numbers, birth dates.

Names are drawn so that the reader is measured on characters it was not tuned on. Surnames: the
most common ones in Taiwan (Ministry of the Interior name statistics), some rarer ones and
compound surnames. Given-name characters: half from the characters popular in Taiwanese names,
half from the whole Big5 "frequently used" level (5,401 characters, the set a household register
office prints without a special glyph), so that thousands of distinct characters occur.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import cache

#: The hundred commonest surnames (about 96 % of the population), most common first.
COMMON_SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁"
    "趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓阮馬董温唐藍石蔣古紀姚連馮歐程湯田康姜白汪鄒尤巫鐘"
    "黎涂龔嚴韓袁金童陸夏柳邵"
)
RARE_SURNAMES = "凃錢伍倪溫于譚駱熊任甘秦顧毛章史官萬俞雷粘饒殷龐葛易喬鄔麥車練賀魯闕"
COMPOUND_SURNAMES = ("歐陽", "張簡", "范姜", "司馬", "諸葛", "上官", "東方")
#: Characters popular in given names (both sexes, several generations).
POPULAR_GIVEN = (
    "志明家豪建宏俊傑冠宇宗翰承恩文雄金龍正彬輝柏彥廷德賢忠國華信銘宇翔成霖哲榮鴻偉強誠"
    "凱維博仁威憲勝義永昌佑遠中興財發聰進武安民淑芬惠美玲麗貞雅婷秀英娟琴怡君珍蘭鳳珠"
    "雲雯卿玉月娥欣素梅香碧霞蓉靜萍枝蓮雪慧敏宜蓁筱涵詩晴妤瑜琪芳若彤語心瑄萱穎嘉佳"
    "昀恩睿宥辰謙浩軒崇峻毅銓鈞瑋琳璇瑩姿珊綺潔茹倩婉芸薇儀慈馨瀅綾"
)


@cache
def big5_level1() -> str:
    """The 5,401 characters of Big5's frequently-used level, decoded from the codec itself."""
    out = []
    for hi in range(0xA4, 0xC7):
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                char = bytes([hi, lo]).decode("big5")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= char <= "\u9fff":
                out.append(char)
    return "".join(out)


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
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(COMPOUND_SURNAMES)
    return rng.choice(RARE_SURNAMES if roll < 0.10 else COMMON_SURNAMES)


def given_char(rng: random.Random) -> str:
    return rng.choice(POPULAR_GIVEN if rng.random() < 0.5 else big5_level1())


def given_name(rng: random.Random, generation: str = "") -> str:
    """Two characters mostly, one sometimes; `generation` is a shared first character."""
    if not generation and rng.random() < 0.08:
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
