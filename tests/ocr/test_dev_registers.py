"""Registers of the DEV split that the reader once got wrong, read whole (real tesseract).

Each is a document of bench_ocr's DEV rows (seeds below 1,000,000) where one kind of
misreading cost a field; the verdicts must now be the ones a right reader gives, and the
guarantees hold: a `match` only where the register proves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.ocr import PrefillField
from tests.ocr.conftest import prefill
from tests.ocr.docgen import expected_for, make_register_case

#: (layout, variant, seed, type face): what went wrong.
CASES = {
    # 長子. | 蔡昌瑩: a mark read after the title, the name in the next cell
    "mark_after_title": ("pairs", "pdf", 11018, "uming"),
    # 張柄笔 on the roster: the model cannot write 笔 and reads 筆
    "variant_form": ("blocks", "pdf", 21011, "serif"),
    # 統 | 一編號：X…: the ID's chunk was taken for a remark after a one-character label
    "split_label": ("blocks", "pdf", 21016, "serif"),
    # 鄭 read 体, 伺, 鄒 in every row: the inmate's surname only, unsteadily
    "surname_misread": ("pairs", "scan", 10039, "cwming"),
    # a daughter 許廷明 beside the roster's 許瑯明, who lives elsewhere: not the inmate
    "another_member": ("pairs", "scan", 10022, "light"),
    # the grandfather's row reads 蘇文忘; his son's 父 column, named in the applicant's, 蘇文志
    "grandparent_chain": ("pairs", "scan", 10028, "uming"),
}


def _report(fields: dict[str, PrefillField]) -> str:
    return "\n".join(f"{f.field}: {f.status} read={f.value!r} from {f.source_text!r}"
                     for f in fields.values())  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_dev_register_reads_right(tmp_path: Path, name: str) -> None:
    layout, variant, seed, face = CASES[name]
    case = make_register_case(seed, variant, tmp_path, layout=layout, font=face)
    got = prefill(case)
    assert {k: str(f.status) for k, f in got.items()} == expected_for(case), _report(got)


@pytest.mark.slow
def test_a_name_two_off_with_the_id_confirmed_and_a_surname_misread(tmp_path: Path) -> None:
    # 傅 read 傳 or 便 throughout (sans scan): the applicant 傅德冀 reads 傳德荔, and 傅德蔓 at
    # another scale; the inmate 傅起建 reads 便起建 and 傳起建
    case = make_register_case(10015, "scan", tmp_path, layout="pairs", font="sans")
    got = prefill(case)
    assert got["name"].status == "match", _report(got)
    assert got["inmate_name"].status == "match", _report(got)
