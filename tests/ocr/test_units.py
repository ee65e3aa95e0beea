"""The pure parts: ID check digit and repairs, ROC dates, lines, names, the summary.

稱謂 → relationship is in test_kinship.py."""

from __future__ import annotations

import pytest

from moderation.ocr import PrefillField, Status, summary_flag
from moderation.ocr.confusions import known_confusion
from moderation.ocr.idnumber import find_ids, is_valid
from moderation.ocr.text import Line, Word, find_roc_dates, group_lines
from moderation.ocr.verify import verify_name
from tests.ocr.docgen import make_national_id


def test_check_digit() -> None:
    assert is_valid("A123456789")  # the textbook example
    assert not is_valid("A123456788")
    assert not is_valid("A323456789")  # second digit must be 1/2 (or 8/9)
    assert not is_valid("a123456789x")


def test_generated_ids_are_valid() -> None:
    import random

    rng = random.Random(1)
    assert all(is_valid(make_national_id(rng, rng.choice((1, 2)))) for _ in range(200))


@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("統一編號A123456789", "A123456789"),
        ("統一編號“_A12345678S", None),  # S→5 breaks the check digit: no repair
        ("A1234S6789", "A123456789"),  # S→5 where the check digit then holds
        ("AI23456789", "A123456789"),  # I→1
        ("A12345B783", "A123458783"),  # B→8
        ("812345678O", "B123456780"),  # 8→B as the letter, O→0, and the check digit holds
        ("8123456789", None),  # B123456789: the check digit fails, so no repair
    ],
)
def test_id_repairs_only_where_the_check_digit_holds(ocr: str, expected: str | None) -> None:
    found = [c.value for c in find_ids(ocr)]
    assert found == ([expected] if expected else [])


def test_repairs_are_counted() -> None:
    (cand,) = find_ids("xxA1234S6789yy")
    assert (cand.value, cand.raw, cand.repairs, cand.start) == ("A123456789", "A1234S6789", 1, 2)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("民國75年3月5日", "1986-03-05"),
        ("民國 54年 7月 17日", "1965-07-17"),
        ("出生日期民國102年12月6日", "2013-12-06"),
        ("民國54年7月179", "1965-07-17"),  # 日 read as 9
        ("民國5O年1O月I日", "1961-10-01"),  # O/I read for 0/1 inside a date
    ],
)
def test_roc_dates(text: str, iso: str) -> None:
    assert [d.isoformat() for d, _, _ in find_roc_dates(text)] == [iso]


def test_impossible_dates_are_ignored() -> None:
    assert find_roc_dates("民國75年13月5日") == []


def test_lines_are_rebuilt_from_word_boxes() -> None:
    # Table cells of one row come back as separate blocks; they belong to one line.
    words = [
        Word("林晴文", 400, 105, 120, 40, 90),
        Word("戶長", 100, 100, 80, 40, 80),
        Word("長子", 100, 200, 80, 40, 70),
        Word("Q126459990", 900, 198, 300, 40, 95),
    ]
    lines = group_lines(words)
    assert [ln.text for ln in lines] == ["戶長林晴文", "長子Q126459990"]
    assert lines[0].conf(0, 2) == pytest.approx(0.8)
    assert Line([]).conf() == 0.0


def _verdict(name: str, status: Status) -> PrefillField:
    return PrefillField(name, None, None, status, 0.0, "")


def test_summary_flag_is_in_chinese_and_english_in_a_fixed_order() -> None:
    flag = summary_flag(
        [
            _verdict("name", Status.MATCH),
            _verdict("relationship", Status.MISMATCH),
            _verdict("national_id", Status.MATCH),
            _verdict("birth_date", Status.NOT_FOUND),
        ]
    )
    assert flag.message == "身分證號 ✓、姓名 ✓、出生日期 ?、關係 ✗"
    assert flag.message_en == "ID no. ✓, name ✓, birth date ?, relationship ✗"


def test_summary_flag_has_one_entry_per_field_across_files() -> None:
    card = [_verdict("name", Status.MATCH), _verdict("national_id", Status.MATCH)]
    register = [
        _verdict("name", Status.MATCH),
        _verdict("national_id", Status.NOT_FOUND),
        _verdict("inmate_name", Status.MATCH),
    ]
    assert summary_flag(card + register).message == "身分證號 ✓、姓名 ✓、收容人姓名 ✓"


def test_a_mismatch_in_any_file_is_the_fields_summary() -> None:
    # someone else's card beside one's own register: the ✓ of one must not hide the ✗ of the other
    files = [
        _verdict("national_id", Status.MATCH),
        _verdict("national_id", Status.MISMATCH),
        _verdict("national_id", Status.NOT_FOUND),
    ]
    assert summary_flag(files).message_en == "ID no. ✗"
    assert summary_flag(list(reversed(files))).message_en == "ID no. ✗"


def test_a_match_in_any_file_beats_not_found() -> None:
    files = [_verdict("birth_date", Status.NOT_FOUND), _verdict("birth_date", Status.MATCH)]
    assert summary_flag(files).message == "出生日期 ✓"


def test_summary_flag_when_nothing_was_read() -> None:
    assert summary_flag([]) == ("文件辨識：沒有讀到任何欄位", "OCR: nothing read")


def _line(text: str) -> Line:
    return Line([Word(text, 0, 0, 10, 10, 90.0)])


def test_one_misread_name_character_needs_the_id_to_be_a_match() -> None:
    lines = [_line("中華民國國民身分證"), _line("姓名呂芬英")]  # 吳 read as 呂
    assert verify_name(lines, "吳芬英", id_confirmed=True).status == Status.MATCH
    assert verify_name(lines, "吳芬英", id_confirmed=True).confidence < 0.5
    assert verify_name(lines, "吳芬英").status == Status.MISMATCH
    assert verify_name(lines, "吳芬英").value == "呂芬英"
    assert verify_name(lines, "吳明").status == Status.MISMATCH  # 2 characters: no tolerance


def test_a_name_character_not_read_at_all_needs_the_id_to_be_a_match() -> None:
    lines = [_line("中華民國國民身分證"), _line("姓名吳英")]  # 芬 not read
    assert verify_name(lines, "吳芬英", id_confirmed=True).status == Status.MATCH
    assert verify_name(lines, "吳芬英", id_confirmed=True).confidence < 0.5
    assert verify_name(lines, "吳芬英").status == Status.MISMATCH


def test_a_name_is_not_found_inside_the_cards_printed_words() -> None:
    lines = [_line("中華民國國民身分證"), _line("出生年月日")]
    assert verify_name(lines, "林國民", id_confirmed=True).status == Status.NOT_FOUND


@pytest.mark.parametrize(
    ("read", "known"),
    [
        ("王育俊", True),  # 宥 → 育, measured
        ("王宥俊", False),  # no misreading at all
        ("王育傑", False),  # a second character differs too
        ("王宥傑", False),  # 俊 → 傑 is not a known misreading
        ("育宥俊", False),  # the confusion goes one way, at its own place
        ("王育", False),
    ],
)
def test_known_confusions_are_one_measured_substitution(read: str, known: bool) -> None:
    assert known_confusion("王宥俊", read) is known


@pytest.mark.parametrize(
    ("name", "read"),
    [("謝褔田", "謝福田"), ("余煌裕", "佘煌裕")],  # dev blocks scan 20076, pairs scan 10056
)
def test_confusions_measured_on_dev_registers_are_known(name: str, read: str) -> None:
    assert known_confusion(name, read) and not known_confusion(read, name)
