"""Finding the applicant's and inmate's rows in register text (no OCR: lines built by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from moderation.ocr import Declared, Status
from moderation.ocr.register import register_fields
from moderation.ocr.text import Line, Word


def _lines(*rows: str) -> list[Line]:
    # One word per space-separated cell, as tesseract returns a table row.
    return [Line([Word(cell, 100 * i, 60 * n, 90, 40, 90.0) for i, cell in enumerate(row.split())])
            for n, row in enumerate(rows)]


REGISTER = _lines(
    "稱謂 姓名 出生日期 統一編號 父 母",
    "戶長 王宥俊 民國54年4月18日 L120044428 王秀華 羅恩家",
    "配偶 周家婷 民國42年3月25日 K230661997 陳志淑 邱家涵",
    "長子 王文君 民國65年8月10日 K128364418 王宥俊 周家婷",
)
# The applicant is the 長子, the inmate the 戶長 (his father): the applicant is the "child".
DECLARED = Declared("王文君", "K128364418", date(1976, 8, 10), "王宥俊", "child",
                    date(1965, 4, 18))


def _by_field(lines: list[Line], d: Declared) -> dict[str, object]:
    return {f.field: f for f in register_fields(lines, d)}


def test_rows_found_and_relationship_derived() -> None:
    got = _by_field(REGISTER, DECLARED)
    assert {k: f.status for k, f in got.items()} == {
        "name": Status.MATCH, "national_id": Status.MATCH, "birth_date": Status.MATCH,
        "relationship": Status.MATCH, "inmate_name": Status.MATCH}
    assert got["relationship"].value == "child"
    assert "長子" in got["relationship"].source_text and "戶長" in got["relationship"].source_text


def test_inmate_name_in_a_parent_column_is_not_his_row() -> None:
    # 王宥俊 also appears as the 長子's father; only the 戶長 row is the inmate's own.
    got = _by_field(REGISTER, replace(DECLARED, relationship="parent"))
    assert got["relationship"].status == Status.MISMATCH


def test_misread_inmate_name_needs_the_birth_date_to_confirm_it() -> None:
    misread = _lines(*(ln.display.replace("王宥俊", "王育俊") for ln in REGISTER))
    confirmed = _by_field(misread, DECLARED)["inmate_name"]
    assert (confirmed.status, confirmed.value) == (Status.MATCH, "王育俊")
    assert confirmed.confidence < 0.5
    unconfirmed = _by_field(misread, replace(DECLARED, inmate_birth_date=None))
    assert unconfirmed["inmate_name"].status == Status.NOT_FOUND
    assert unconfirmed["relationship"].status == Status.NOT_FOUND


def test_misread_applicant_name_is_a_match_only_with_the_exact_id() -> None:
    misread = _lines(*(ln.display.replace("王文君", "王丈君") for ln in REGISTER))
    assert _by_field(misread, DECLARED)["name"].status == Status.MATCH
    other_id = replace(DECLARED, national_id="A123456789")  # then nothing ties the row to us
    assert _by_field(misread, other_id)["name"].status != Status.MATCH


def test_applicant_absent_from_register() -> None:
    got = _by_field(REGISTER, replace(DECLARED, name="林美玲", national_id="A123456789"))
    assert got["name"].status == Status.NOT_FOUND
    assert got["national_id"].status == Status.NOT_FOUND
    assert got["relationship"].status == Status.NOT_FOUND
