"""Generated test documents: Taiwanese ID-card fronts and household registers (戶籍謄本).

Rendered with Pillow and Debian's Noto CJK font at 300 dpi, then degraded into the variants a
family actually uploads: a flat scan (PNG), a scan inside a PDF, a low-resolution copy (JPEG) and
a phone photo (JPEG: rotation, blur, uneven light, compression, no DPI). Everything is seeded so a
failing case can be regenerated exactly. Shared by tests/ocr and bench/bench_ocr.py.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from moderation.ocr import Declared, declaration

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_BOLD_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_TC_INDEX = 3  #: face "Noto Sans CJK TC" inside the collection
SCAN_DPI = 300
LOWRES_DPI = 150
VARIANTS = ("scan", "pdf", "lowres", "photo")

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "志明家豪建宏俊傑冠宇宗翰怡君淑芬雅婷美玲秀英嘉佳穎承恩宥廷柏品妤詩涵子晴文華國強麗惠"
LETTERS = "ABCDEFGHJKLMNPQTUVXYWZIO"
LETTER_VALUES = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
COUNTIES = ("臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "花蓮縣", "臺東縣")
DISTRICTS = ("中正區", "大安區", "信義區", "北區", "東區", "西屯區", "鳳山區", "吉安鄉")


def make_national_id(rng: random.Random, sex: int) -> str:
    """A random ID with a valid check digit (weights 1,9,8,7,...,1 over letter value + digits)."""
    letter = rng.choice(LETTERS)
    digits = [sex] + [rng.randrange(10) for _ in range(7)]
    n = LETTER_VALUES[letter]
    weighted = sum(d * w for d, w in zip(digits, range(8, 0, -1), strict=True))
    total = n // 10 + (n % 10) * 9 + weighted
    return letter + "".join(map(str, digits)) + str((10 - total % 10) % 10)


@dataclass
class Person:
    name: str
    national_id: str
    birth_date: date
    sex: int  # 1 male, 2 female (the ID's first digit)
    title: str = ""  # 稱謂 in a household register
    father: str = ""
    mother: str = ""


def make_person(
    rng: random.Random,
    *,
    surname: str | None = None,
    sex: int | None = None,
    born: tuple[int, int] = (1950, 2005),
) -> Person:
    sex = sex or rng.choice((1, 2))
    given = "".join(rng.sample(GIVEN, 2))
    birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
    return Person((surname or rng.choice(SURNAMES)) + given, make_national_id(rng, sex), birth, sex)


def roc(d: date) -> str:
    return f"民國{d.year - 1911}年{d.month}月{d.day}日"


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_BOLD_PATH if bold else FONT_PATH, size, index=FONT_TC_INDEX)


def mm(x: float, dpi: int = SCAN_DPI) -> int:
    return round(x / 25.4 * dpi)


# ---------------------------------------------------------------- ID card front
def make_id_card(p: Person, rng: random.Random) -> Image.Image:
    """The front of a 國民身分證 at 300 dpi (85.6 x 54 mm), with a guilloche-like background."""
    w, h = mm(85.6), mm(54)
    img = Image.new("RGB", (w, h), (232, 240, 246))
    d = ImageDraw.Draw(img)
    for i in range(0, w + h, 14):  # faint security pattern: the part that trips global thresholds
        d.line([(i, 0), (i - h, h)], fill=(214, 226, 238), width=2)
    d.rounded_rectangle([0, 0, w - 1, h - 1], radius=30, outline=(150, 160, 170), width=3)
    dark = (25, 25, 30)
    d.text((mm(14), mm(3)), "中華民國國民身分證", font=font(58, True), fill=(30, 60, 120))
    d.text((mm(5), mm(13)), "姓名", font=font(34), fill=dark)
    d.text((mm(17), mm(11.5)), p.name, font=font(62, True), fill=dark)
    birth = p.birth_date
    d.text((mm(5), mm(22)), "出生年月日", font=font(34), fill=dark)
    d.text(
        (mm(5), mm(27)),
        f"民國 {birth.year - 1911}年 {birth.month}月 {birth.day}日",
        font=font(40),
        fill=dark,
    )
    d.text((mm(5), mm(33.5)), "性別", font=font(34), fill=dark)
    d.text((mm(17), mm(33)), "男" if p.sex == 1 else "女", font=font(40), fill=dark)
    issued = date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
    d.text((mm(5), mm(40)), "發證日期", font=font(34), fill=dark)
    d.text(
        (mm(23), mm(39.5)),
        f"民國{issued.year - 1911}年{issued.month}月{issued.day}日換發",
        font=font(34),
        fill=dark,
    )
    d.text((mm(5), mm(47)), "統一編號", font=font(34), fill=dark)
    d.text((mm(23), mm(46)), p.national_id, font=font(46, True), fill=(160, 20, 30))
    x0, y0 = mm(58), mm(13)  # the photo: a grey face-ish blob, no text
    d.rectangle([x0, y0, x0 + mm(24), y0 + mm(31)], fill=(180, 185, 190))
    d.ellipse([x0 + mm(6), y0 + mm(4), x0 + mm(18), y0 + mm(19)], fill=(120, 110, 105))
    d.pieslice([x0 + mm(1), y0 + mm(18), x0 + mm(23), y0 + mm(44)], 180, 360, fill=(70, 75, 90))
    return img


# ---------------------------------------------------------------- household register
@dataclass
class Household:
    members: list[Person]
    applicant: Person
    inmate: Person
    relationship: str  # applicant -> inmate, the Declared.relationship code
    extra: dict[str, str] = field(default_factory=dict)


def make_household(rng: random.Random, relationship: str) -> Household:
    """A household whose 稱謂 make `relationship` (applicant to inmate) derivable."""
    sur = rng.choice(SURNAMES)
    head = make_person(rng, surname=sur, sex=1, born=(1950, 1965))
    spouse = make_person(rng, sex=2, born=(1950, 1965))
    head.title, spouse.title = "戶長", "配偶"
    head.father, head.mother = make_person(rng, surname=sur).name, make_person(rng).name
    spouse.father, spouse.mother = make_person(rng).name, make_person(rng).name
    kids = []
    for i, (sex, title) in enumerate([(1, "長子"), (2, "長女"), (1, "次子")][: rng.randint(2, 3)]):
        k = make_person(rng, surname=sur, sex=sex, born=(1975 + 5 * i, 1979 + 5 * i))
        k.title, k.father, k.mother = title, head.name, spouse.name
        kids.append(k)
    members = [head, spouse, *kids]
    son = kids[0]
    daughter_in_law = make_person(rng, sex=2, born=(1976, 1985))
    daughter_in_law.title = "媳"
    daughter_in_law.father, daughter_in_law.mother = make_person(rng).name, make_person(rng).name
    grandchild = make_person(rng, surname=sur, born=(2008, 2018))
    grandchild.title, grandchild.father, grandchild.mother = "孫", son.name, daughter_in_law.name
    if relationship in ("grandparent", "grandchild") or rng.random() < 0.5:
        members += [daughter_in_law, grandchild]
    pairs = {
        "spouse": (spouse, head),
        "parent": (head, son),
        "child": (son, head),
        "sibling": (kids[1], son),
        "grandparent": (head, grandchild),
        "grandchild": (grandchild, head),
    }
    applicant, inmate = pairs[relationship]
    if rng.random() < 0.5 and relationship in ("spouse", "sibling"):
        applicant, inmate = inmate, applicant  # symmetric: vary who is the head
    return Household(members, applicant, inmate, relationship)


def make_register(hh: Household, rng: random.Random) -> Image.Image:
    """One A4 page of a 戶籍謄本 (現戶全戶) at 300 dpi: header, address, one row per member."""
    w, h = mm(210), mm(297)
    img = Image.new("RGB", (w, h), (252, 252, 250))
    d = ImageDraw.Draw(img)
    ink = (20, 20, 20)
    d.text((mm(80), mm(15)), "戶籍謄本", font=font(80, True), fill=ink)
    office = f"{rng.choice(COUNTIES)}{rng.choice(DISTRICTS)}戶政事務所"
    d.text((mm(20), mm(32)), f"（現戶全戶）　{office}", font=font(40), fill=ink)
    d.text((mm(20), mm(42)), f"戶號：F{rng.randrange(10**7):07d}", font=font(40), fill=ink)
    d.text(
        (mm(20), mm(50)),
        f"住址：{rng.choice(COUNTIES)}{rng.choice(DISTRICTS)}"
        f"中山路{rng.randint(1, 300)}號{rng.randint(2, 12)}樓",
        font=font(40),
        fill=ink,
    )
    cols = [
        ("稱謂", 20),
        ("姓名", 40),
        ("出生日期", 72),
        ("統一編號", 118),
        ("父", 152),
        ("母", 178),
    ]
    top, row_h = mm(64), mm(13)
    d.line([(mm(18), top - mm(2)), (mm(198), top - mm(2))], fill=ink, width=3)
    for label, x in cols:
        d.text((mm(x), top), label, font=font(40, True), fill=ink)
    d.line([(mm(18), top + mm(9)), (mm(198), top + mm(9))], fill=ink, width=3)
    for i, m in enumerate(hh.members):
        y = top + mm(11) + i * row_h
        cells = [m.title, m.name, roc(m.birth_date), m.national_id, m.father, m.mother]
        for (_, x), text in zip(cols, cells, strict=True):
            d.text((mm(x), y), text, font=font(40), fill=ink)
        d.line(
            [(mm(18), y + row_h - mm(2)), (mm(198), y + row_h - mm(2))], fill=(90, 90, 90), width=1
        )
    y = top + mm(13) + len(hh.members) * row_h
    d.text((mm(20), y), "以下空白", font=font(40), fill=ink)
    d.text(
        (mm(20), h - mm(30)),
        f"列印日期：民國{rng.randint(110, 114)}年{rng.randint(1, 12)}月"
        f"{rng.randint(1, 28)}日　本謄本係依戶籍資料核發",
        font=font(34),
        fill=ink,
    )
    return img


# ---------------------------------------------------------------- variants
def _jpeg(img: Image.Image, quality: int, dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    kw = {"dpi": (dpi, dpi)} if dpi else {}
    img.save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def phone_photo(doc: Image.Image, rng: random.Random, portrait: bool) -> Image.Image:
    """The document lying on a table, photographed: skew, margin, blur, shading, noise."""
    fw, fh = (2250, 3000) if portrait else (2000, 1500)
    target_w = int(fw * rng.uniform(0.72, 0.85))
    doc = doc.resize((target_w, round(doc.height * target_w / doc.width)), Image.LANCZOS)
    angle = rng.uniform(2.0, 5.0) * rng.choice((-1, 1))
    mask = Image.new("L", doc.size, 255).rotate(angle, Image.BICUBIC, expand=True)
    doc = doc.rotate(angle, Image.BICUBIC, expand=True, fillcolor=(0, 0, 0))
    base = np.full(
        (fh, fw, 3),
        (rng.randint(70, 120), rng.randint(60, 95), rng.randint(45, 70)),
        dtype=np.float32,
    )
    frame = Image.fromarray(
        np.clip(
            base + np.random.default_rng(rng.randrange(2**32)).normal(0, 8, base.shape), 0, 255
        ).astype(np.uint8)
    )
    frame.paste(
        doc,
        (
            (fw - doc.width) // 2 + rng.randint(-40, 40),
            (fh - doc.height) // 2 + rng.randint(-40, 40),
        ),
        mask,
    )
    # Uneven light: a lamp on one side, a shadow on the other.
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    cx, cy = rng.uniform(0, fw), rng.uniform(0, fh)
    dist = np.hypot(xx - cx, yy - cy) / np.hypot(fw, fh)
    light = 1.0 - rng.uniform(0.35, 0.5) * dist
    arr = np.asarray(frame, dtype=np.float32) * light[..., None]
    arr += np.random.default_rng(rng.randrange(2**32)).normal(0, 4, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.3)))


def write_variant(
    doc: Image.Image, variant: str, out: Path, rng: random.Random, *, portrait: bool
) -> Path:
    """Write `doc` (rendered at 300 dpi) as one upload variant; returns the file path."""
    if variant == "scan":
        path = out.with_suffix(".png")
        doc.save(path, dpi=(SCAN_DPI, SCAN_DPI))
    elif variant == "pdf":  # what a scanner app emits: one JPEG per page, page size = paper size
        path = out.with_suffix(".pdf")
        Image.open(io.BytesIO(_jpeg(doc, 85))).save(path, "PDF", resolution=SCAN_DPI)
    elif variant == "lowres":  # a photocopy scanned at 150 dpi, grey, JPEG without DPI
        path = out.with_suffix(".jpg")
        scale = LOWRES_DPI / SCAN_DPI
        small = doc.convert("L").resize(
            (round(doc.width * scale), round(doc.height * scale)), Image.LANCZOS
        )
        path.write_bytes(_jpeg(small, 75))
    elif variant == "photo":
        path = out.with_suffix(".jpg")
        path.write_bytes(_jpeg(phone_photo(doc, rng, portrait), rng.randint(55, 70)))
    else:
        raise ValueError(variant)
    return path


@dataclass
class Case:
    kind: str  # "card" | "register"
    variant: str
    path: Path
    truth: Person | Household


def make_card_case(seed: int, variant: str, out_dir: Path) -> Case:
    rng = random.Random(f"card-{seed}")
    p = make_person(rng)
    doc = make_id_card(p, rng)
    path = write_variant(doc, variant, out_dir / f"card-{seed}-{variant}", rng, portrait=False)
    return Case("card", variant, path, p)


def declared_for(case: Case) -> Declared:
    """The declaration for a generated case, built as the OCR worker builds it: from the
    applicant's account fields, the roster's inmate name and the chosen relationship. Nothing
    else the generator knows (the inmate's birth date, row or title) may leak into it."""
    if case.kind == "card":
        return declaration(case.truth, inmate_name=None, relationship=None)
    hh = case.truth
    return declaration(hh.applicant, inmate_name=hh.inmate.name, relationship=hh.relationship)


RELATIONSHIPS = ("spouse", "parent", "child", "sibling", "grandparent", "grandchild")


def make_register_case(seed: int, variant: str, out_dir: Path) -> Case:
    rng = random.Random(f"register-{seed}")
    hh = make_household(rng, RELATIONSHIPS[seed % len(RELATIONSHIPS)])
    doc = make_register(hh, rng)
    path = write_variant(doc, variant, out_dir / f"register-{seed}-{variant}", rng, portrait=True)
    return Case("register", variant, path, hh)
