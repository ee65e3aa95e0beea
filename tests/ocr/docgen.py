"""Generated test documents: Taiwanese ID-card fronts and household registers (戶籍謄本).

The cases the OCR tests and bench/bench_ocr.py read, built from tests/ocr/gen: three register
layouts (a ruled table, two members per band, the labelled blocks of the electronic
transcript) over one to three pages with remarks and red stamps, five type faces (sans and
Ming), names from thousands of characters, and four upload variants (scan, PDF, grey
low-resolution copy, 8-12 MP phone photo). Everything is seeded so a failing case can be
regenerated exactly.

Seeds are split: DEV seeds are what tests and tuning look at; HELD_OUT seeds are only ever
measured (bench/bench_ocr.py reports on them), never used to choose a threshold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from moderation.ocr import Declared, OcrSource, declaration
from tests.ocr.gen.card import make_id_card
from tests.ocr.gen.fonts import FONTS
from tests.ocr.gen.household import SCENARIOS, Household, make_household
from tests.ocr.gen.names import Person, make_national_id, make_person, roc
from tests.ocr.gen.register_blocks import draw_blocks
from tests.ocr.gen.register_page import Sheets, finish
from tests.ocr.gen.register_table import draw_pairs, draw_table
from tests.ocr.gen.variants import LOWRES_DPI, SCAN_DPI, VARIANTS, write_pages, write_variant

__all__ = [
    "FONTS",
    "LAYOUTS",
    "LOWRES_DPI",
    "SCAN_DPI",
    "SCENARIOS",
    "SPLITS",
    "VARIANTS",
    "Case",
    "Household",
    "Person",
    "declared_for",
    "expected_for",
    "make_card_case",
    "make_national_id",
    "make_person",
    "make_register",
    "make_register_case",
    "make_register_pages",
    "roc",
    "write_variant",
]

LAYOUTS = ("table", "pairs", "blocks")
_DRAW = {"table": draw_table, "pairs": draw_pairs, "blocks": draw_blocks}
#: Seed ranges: tests and tuning use DEV only; the benchmark reports on HELD_OUT.
SPLITS = {"dev": range(0, 1_000_000), "held_out": range(1_000_000, 2_000_000)}
SCENARIO_NAMES = tuple(SCENARIOS)


def make_register_pages(
    hh: Household, rng: random.Random, layout: str = "table", face: str = "sans"
) -> list[Image.Image]:
    """The transcript's pages (RGB, 300 dpi)."""
    sheets = Sheets(hh, rng, face, rng.randint(38, 44))
    _DRAW[layout](sheets)
    return finish(sheets)


def make_register(hh: Household, rng: random.Random) -> Image.Image:
    """The first page of a ruled-table transcript in Noto Sans (what older callers draw)."""
    return make_register_pages(hh, rng)[0]


@dataclass
class Case:
    kind: str  # "card" | "register"
    variant: str
    path: Path  # the first file
    truth: Person | Household
    paths: list[Path] = field(default_factory=list)  # every file (a page per image)
    layout: str = "card"
    font: str = "sans"
    seed: int = 0

    @property
    def sources(self) -> list[OcrSource]:
        return [OcrSource(p) for p in self.paths or [self.path]]


def make_card_case(seed: int, variant: str, out_dir: Path, *, font: str | None = None) -> Case:
    rng = random.Random(f"card-{seed}")
    face = font or FONTS[seed % len(FONTS)]
    p = make_person(rng)
    doc = make_id_card(p, rng, face)
    path = write_variant(doc, variant, out_dir / f"card-{seed}-{variant}", rng, portrait=False)
    return Case("card", variant, path, p, [path], "card", face, seed)


def make_register_case(
    seed: int,
    variant: str,
    out_dir: Path,
    *,
    layout: str | None = None,
    font: str | None = None,
    scenario: str | None = None,
) -> Case:
    """A register for `seed`; layout, face and scenario follow the seed unless given."""
    rng = random.Random(f"register-{seed}")
    layout = layout or LAYOUTS[seed % len(LAYOUTS)]
    face = font or FONTS[seed // len(LAYOUTS) % len(FONTS)]
    scenario = scenario or SCENARIO_NAMES[seed % len(SCENARIO_NAMES)]
    hh = make_household(rng, scenario)
    pages = make_register_pages(hh, rng, layout, face)
    paths = write_pages(pages, variant, out_dir / f"register-{seed}-{variant}", rng, portrait=True)
    return Case("register", variant, paths[0], hh, paths, layout, face, seed)


def declared_for(case: Case) -> Declared:
    """The declaration for a generated case, built as the OCR worker builds it: from the
    applicant's account fields, the roster's inmate name and the chosen relationship. Nothing
    else the generator knows (the inmate's birth date, row or title) may leak into it."""
    if case.kind == "card":
        return declaration(case.truth, inmate_name=None, relationship=None)
    hh = case.truth
    return declaration(hh.applicant, inmate_name=hh.inmate.name, relationship=hh.relationship)


def expected_for(case: Case) -> dict[str, str]:
    """The verdict per field a right reader gives for this case's own declaration."""
    if case.kind == "card":
        return dict.fromkeys(("name", "national_id", "birth_date"), "match")
    return dict(case.truth.expected)
