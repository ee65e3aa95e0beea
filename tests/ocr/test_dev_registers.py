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
    # 長媳一 | 李論霖: a rule's end read after the band's second title
    "rule_after_title": ("pairs", "pdf", 11058, "uming"),
    # the 配偶 column read 邱妓 (a character dropped), 邱娟雲 and 邱妨雲 at other scales
    "column_read_short": ("pairs", "scan", 10070, "sans"),
    # 稱謂. | 姓名: the header's title label took 姓名 as its value
    "header_mark": ("table", "pdf", 1073, "uming"),
    # the father's 父 column reads 魏國只, 魏國路 (炅, a character the model cannot write)
    "parents_column_one_off": ("table", "scan", 44, "cwming"),
    # the 孫女 reads 李豪雪, and 李豪震 (霞 as 震, a known confusion) at another scale
    "known_confusion_elsewhere": ("table", "scan", 69, "cwming"),
    # the 孫's 父 column reads 東筱猜, 喇筱猜: the surname only, unsteadily
    "parent_surname_misread": ("table", "scan", 57, "light"),
    # 人性別：女: a mark before the label made it the 父 column
    "mark_before_label": ("blocks", "pdf", 21049, "cwming"),
    # 鄭田枝 read 凶田棱 in pass 1, 仁田枝 at another scale
    "reading_one_off": ("blocks", "pdf", 21064, "cwming"),
    # 統： | 編號.: the ID label's tail read as 戶號
    "split_id_label": ("blocks", "scan", 20048, "uming"),
    # 姓和名：: a character read into the label
    "character_in_label": ("blocks", "scan", 20043, "uming"),
    # 謝褔田 read 謝福田 every time (衤 for 礻); 余煌裕 read 佘煌裕 (a step-parent's row)
    "measured_confusion": ("blocks", "scan", 20076, "serif"),
    "measured_confusion_step": ("pairs", "scan", 10056, "serif"),
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
