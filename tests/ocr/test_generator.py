"""The test documents are broader than what the reader was built on, and seeded."""

from __future__ import annotations

import random

import pytest

from tests.ocr.docgen import FONTS, SPLITS, make_register_pages
from tests.ocr.gen.fonts import font
from tests.ocr.gen.household import SCENARIOS, make_household
from tests.ocr.gen.name_stats import GIVEN, counts
from tests.ocr.gen.names import POPULAR_GIVEN, make_person


def test_names_use_thousands_of_characters_at_their_real_frequency() -> None:
    rng = random.Random(1)
    names = [make_person(rng, family="王").name[1:] for _ in range(4000)]
    chars = {c for name in names for c in name}
    known = {c for c, _ in counts(GIVEN)} | set(POPULAR_GIVEN)
    assert len(known) > 1900
    assert len(chars) > 1000  # not 44
    assert chars <= known


def test_the_held_out_seeds_are_apart_from_the_ones_tests_use() -> None:
    dev, held_out = SPLITS["dev"], SPLITS["held_out"]
    assert dev.stop <= held_out.start


@pytest.mark.parametrize("face", FONTS)
def test_every_face_draws_traditional_chinese(face: str) -> None:
    f = font(face, 40)
    assert f.getmask("戶籍謄本").getbbox() is not None


def test_a_step_parent_is_not_the_mother_in_the_childs_row() -> None:
    hh = make_household(random.Random(3), "step_parent")
    assert (hh.applicant.title, hh.relationship) == ("配偶", "parent")
    assert hh.applicant.name not in (hh.inmate.father, hh.inmate.mother)
    assert hh.expected["relationship"] == "not_found"


@pytest.mark.parametrize("scenario", ["elsewhere_child", "elsewhere_parent"])
def test_an_inmate_registered_elsewhere_is_no_member(scenario: str) -> None:
    hh = make_household(random.Random(4), scenario)
    assert hh.inmate.name not in [m.name for m in hh.members]
    assert hh.expected["relationship"] == SCENARIOS[scenario][1]


def test_a_long_register_goes_on_over_pages_with_its_stamps() -> None:
    rng = random.Random(5)
    hh = make_household(rng, "grandchild")
    for m in hh.members:  # every member with several remarks: the blocks cannot fit a page
        m.remarks = (*m.remarks, *m.remarks, *m.remarks)
    pages = make_register_pages(hh, rng, "blocks", "uming")
    assert len(pages) >= 2
    reds = [sum(1 for r, g, _ in page.reduce(8).getdata() if r - g > 50) for page in pages]
    assert all(n > 100 for n in reds), reds  # a red stamp pressed on every page
