"""The pages of a household register transcript (戶籍謄本): A4 at 300 dpi, a header on every
page, content flowing from page to page, the closing lines and the office's stamps.

A layout (register_table, register_pairs, register_blocks) draws the members; this module gives
it a cursor that moves to a new page when a line does not fit, so that members and their
remarks split over pages as a real transcript's do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from .card import mm
from .fonts import font
from .household import COUNTIES, DISTRICTS, Household
from .marks import box_stamp, office_seal, press

PAGE_W, PAGE_H = mm(210), mm(297)
INK = (22, 22, 22)
LEFT, RIGHT, BOTTOM = mm(15), mm(195), mm(278)


@dataclass
class Sheets:
    """Pages being drawn, and the cursor: `y` is where the next line goes on the last page."""

    hh: Household
    rng: random.Random
    face: str
    size: int  # body text height in pixels (about 9-11 pt at 300 dpi)
    pages: list[Image.Image] = field(default_factory=list)
    y: int = 0
    office: str = ""

    def __post_init__(self) -> None:
        self.office = f"{self.rng.choice(COUNTIES)}{self.rng.choice(DISTRICTS)}戶政事務所"
        self.household_no = f"{self.rng.choice('ABFHKNQ')}{self.rng.randrange(10**7):07d}"
        self.new_page()

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.pages[-1])

    def f(self, scale: float = 1.0, bold: bool = False) -> ImageFont.FreeTypeFont:
        return font(self.face, round(self.size * scale), bold)

    @property
    def line_h(self) -> int:
        return round(self.size * 1.55)

    def new_page(self) -> None:
        self.pages.append(Image.new("RGB", (PAGE_W, PAGE_H), (252, 252, 249)))
        d = self.draw
        d.text((mm(78), mm(12)), "戶籍謄本", font=self.f(1.9, True), fill=INK)
        d.text((LEFT, mm(25)), f"（現戶全戶）　{self.office}", font=self.f(), fill=INK)
        d.text((LEFT, mm(25) + self.line_h), f"戶號：{self.household_no}", font=self.f(), fill=INK)
        d.text(
            (LEFT, mm(25) + 2 * self.line_h), f"住址：{self.hh.address}", font=self.f(), fill=INK
        )
        self.y = mm(25) + 3 * self.line_h + mm(3)

    def fits(self, height: int) -> bool:
        return self.y + height <= BOTTOM

    def ensure(self, height: int) -> bool:
        """Start a new page unless `height` fits; True if a page was started."""
        if self.fits(height):
            return False
        self.new_page()
        return True

    def text(
        self, x: int, text: str, *, y: int | None = None, scale: float = 1.0, bold: bool = False
    ) -> None:
        self.draw.text((x, self.y if y is None else y), text, font=self.f(scale, bold), fill=INK)

    def rule(self, y: int, x0: int = LEFT, x1: int = RIGHT, width: int = 2) -> None:
        self.draw.line([(x0, y), (x1, y)], fill=(70, 70, 70), width=width)

    def wrap(self, text: str, width: int) -> list[str]:
        """`text` cut into lines no wider than `width` pixels (Chinese wraps anywhere)."""
        lines, cur = [], ""
        for char in text:
            if self.f().getlength(cur + char) > width and cur:
                lines.append(cur)
                cur = char.lstrip("　")
            else:
                cur += char
        return [*lines, cur] if cur else lines


def finish(s: Sheets) -> list[Image.Image]:
    """The closing lines, page numbers and the office's stamps; returns the pages."""
    s.ensure(3 * s.line_h)
    s.text(LEFT, "以下空白")
    s.y += s.line_h
    year = s.rng.randint(110, 114)
    s.text(
        LEFT,
        f"列印日期：民國{year}年{s.rng.randint(1, 12)}月{s.rng.randint(1, 28)}日　"
        "本謄本係依戶籍資料核發",
        scale=0.85,
    )
    seal_at = (s.rng.randint(mm(120), mm(165)), min(s.y + mm(8), PAGE_H - mm(25)))
    for n, page in enumerate(s.pages, 1):
        ImageDraw.Draw(page).text(
            (mm(160), mm(14)), f"第{n}頁／共{len(s.pages)}頁", font=s.f(0.85), fill=INK
        )
        # Stamped over the text: anywhere on the page body, members included.
        at = (s.rng.randint(mm(40), mm(170)), s.rng.randint(mm(60), mm(260)))
        press(page, box_stamp("與正本相符"), at, s.rng)
        if s.rng.random() < 0.5:
            at = (s.rng.randint(mm(40), mm(170)), s.rng.randint(mm(60), mm(260)))
            press(page, office_seal(s.office), at, s.rng)
    press(s.pages[-1], office_seal(s.office), seal_at, s.rng)
    return s.pages
