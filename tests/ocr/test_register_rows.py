"""Finding the applicant's and the inmate's rows in register text, and what the register
proves of their relation (no OCR: lines built by hand, one per printed line)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from moderation.ocr import Declared, PrefillField, Status
from moderation.ocr.prefill import verify
from moderation.ocr.register import register_fields
from moderation.ocr.text import Line
from tests.ocr.linekit import lines

REGISTER = lines(
    "稱謂 姓名 出生日期 統一編號 父 母 配偶",
    "戶長 王宥俊 民國54年4月18日 L120044428 王秀華 羅恩家 周家婷",
    "配偶 周家婷 民國42年3月25日 K230661997 陳志淑 邱家涵 王宥俊",
    "長子 王文君 民國65年8月10日 K128364418 王宥俊 周家婷",
)
# The applicant is the 長子, the inmate the 戶長 (his father): the applicant is the "child".
DECLARED = Declared("王文君", "K128364418", date(1976, 8, 10), "王宥俊", "child")


def _by_field(rows: list[Line], d: Declared) -> dict[str, PrefillField]:
    return {f.field: f for f in register_fields(rows, d)}


def _statuses(rows: list[Line], d: Declared) -> dict[str, str]:
    return {k: str(f.status) for k, f in _by_field(rows, d).items()}


def test_rows_found_and_relationship_derived() -> None:
    got = _by_field(REGISTER, DECLARED)
    assert _statuses(REGISTER, DECLARED) == dict.fromkeys(got, Status.MATCH)
    assert got["relationship"].value == "child"
    assert "長子" in got["relationship"].source_text and "戶長" in got["relationship"].source_text


def test_inmate_name_in_a_parent_column_is_not_his_row() -> None:
    # 王宥俊 also appears as the 長子's father; only the 戶長 row is the inmate's own.
    got = _by_field(REGISTER, replace(DECLARED, relationship="parent"))
    assert got["relationship"].status == Status.MISMATCH


def _misread(old: str, new: str) -> list[Line]:
    return lines(*(" ".join(w.text.replace(old, new) for w in ln.words) for ln in REGISTER))


def test_inmate_name_misread_in_a_known_way_is_a_match() -> None:
    # chi_tra reads 宥 as 育 (moderation/ocr/confusions.py)
    got = _by_field(_misread("王宥俊", "王育俊"), DECLARED)
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "王育俊")
    assert got["inmate_name"].confidence < 0.5


def test_relationship_is_derived_through_a_known_misreading() -> None:
    got = _by_field(_misread("王宥俊", "王育俊"), DECLARED)
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "child")


def test_no_relationship_is_derived_from_a_row_that_may_not_be_the_inmates() -> None:
    got = _by_field(_misread("王宥俊", "王宥傑"), DECLARED)
    assert got["relationship"].status == Status.NOT_FOUND
    assert "無法確認" in got["relationship"].source_text  # the reviewer is told why


def test_two_rows_near_the_inmates_name_leave_it_not_found() -> None:
    # Brothers sharing a generation character, neither of them read as the inmate's name
    rows = [*_misread("王宥俊", "王宥傑"), *lines("次子 王宥倫 民國68年2月1日 K128364409")]
    assert _by_field(rows, DECLARED)["inmate_name"].status == Status.NOT_FOUND


def test_the_exact_name_wins_over_a_near_one() -> None:
    rows = [*REGISTER, *lines("次子 王宥傑 民國68年2月1日 K128364409 王宥俊 周家婷")]
    got = _by_field(rows, DECLARED)
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "王宥俊")
    assert "戶長" in got["relationship"].source_text


def test_an_in_law_applicant_is_no_blood_relative_of_the_inmate() -> None:
    # Given the applicant as the head's 弟媳, declaring herself his sister
    rows = [*REGISTER, *lines("弟媳 林美玲 民國60年5月6日 A223456781 林大同 陳秀英")]
    d = replace(DECLARED, name="林美玲", national_id="A223456781", birth_date=date(1971, 5, 6),
                relationship="sibling")  # fmt: skip
    got = _by_field(rows, d)
    assert (got["relationship"].status, got["relationship"].value) == (Status.MISMATCH, "relative")


def test_misread_applicant_name_is_a_match_only_with_the_exact_id() -> None:
    misread = _misread("王文君", "王丈君")
    assert _by_field(misread, DECLARED)["name"].status == Status.MATCH
    other_id = replace(DECLARED, national_id="A123456789")  # then nothing ties the row to us
    assert _by_field(misread, other_id)["name"].status != Status.MATCH


def test_applicant_absent_from_register() -> None:
    got = _by_field(REGISTER, replace(DECLARED, name="林美玲", national_id="A123456789"))
    assert got["name"].status == Status.NOT_FOUND
    assert got["national_id"].status == Status.NOT_FOUND
    assert got["relationship"].status == Status.NOT_FOUND


def test_a_name_in_the_remarks_is_not_a_row() -> None:
    # Given the inmate named only in a remark (記事) of the applicant's household
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 父 母 配偶",
        "戶長 王文君 民國65年8月10日 K128364418 王大同 周家婷",
        "記事 民國90年1月2日與王宥俊同住",
    )
    got = _by_field(rows, replace(DECLARED, relationship="parent"))
    assert got["inmate_name"].status == Status.NOT_FOUND
    assert got["relationship"].status == Status.NOT_FOUND


def _readings(rows: list[Line], read: str, *others: str) -> list[Line]:
    """`rows` as composed after pass 2: the chunks reading `read` were read as `others` at
    the other scales."""
    return [Line([replace(w, alts=others) if w.text == read else w for w in ln.words])
            for ln in rows]  # fmt: skip


def test_a_character_read_differently_at_each_scale_in_the_applicants_parent_is_a_misreading() -> (
    None
):
    # 俊 read 傑, 偉, 僅: not legible; the 戶長 is the 長子's father by the titles, and a
    # child has one father.
    rows = _readings(_misread("王宥俊", "王宥傑"), "王宥傑", "王宥偉", "王宥僅")
    got = _by_field(rows, DECLARED)
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "child")
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "王宥傑")
    assert "差一字" in got["inmate_name"].source_text
    assert got["inmate_name"].confidence < 0.5


def test_a_character_read_the_same_at_each_scale_is_another_person() -> None:
    # The father's brother 王宥俊 and the father 王宥傑: 傑 reads 傑 every time.
    rows = _readings(_misread("王宥俊", "王宥傑"), "王宥傑", "王宥傑", "王宥傑")
    got = _by_field(rows, DECLARED)
    # the roster's 王宥俊 is not on this register: not found, with the reason
    assert got["inmate_name"].status == Status.NOT_FOUND
    assert "另一位家人" in got["inmate_name"].source_text
    assert got["relationship"].status == Status.NOT_FOUND


def test_a_row_one_off_read_once_only_is_not_found_until_read_again() -> None:
    # No other reading of the chunk (pass 1): nothing says whether 傑 is printed or misread,
    # and a mismatch now would outrank what pass 2 finds
    got = _by_field(_misread("王宥俊", "王宥傑"), DECLARED)
    assert got["inmate_name"].status == Status.NOT_FOUND
    assert "差一字" in got["inmate_name"].source_text
    assert got["relationship"].status == Status.NOT_FOUND


def test_a_row_one_off_read_differently_at_each_scale_is_a_mismatch_to_look_at() -> None:
    # 文君 declared by a parent: several children, so no relation from a row one off; the
    # model misreads 君 here (君, 珺, 郡): the reviewer should look
    rows = _readings(_misread("王文君", "王文珺"), "王文珺", "王文琚", "王文郡")
    d = Declared("王宥俊", "L120044428", date(1965, 4, 18), "王文君", "parent")
    assert _by_field(rows, d)["inmate_name"].status == Status.MISMATCH


def test_an_unsteady_character_proves_nothing_for_a_relation_held_by_several() -> None:
    # Declared as the inmate's parent: a parent has several children, often with like names.
    rows = _readings(_misread("王文君", "王文珺"), "王文珺", "王文琚", "王文郡")
    d = Declared("王宥俊", "L120044428", date(1965, 4, 18), "王文君", "parent")
    got = _by_field(rows, d)
    assert got["inmate_name"].status != Status.MATCH
    assert got["relationship"].status != Status.MATCH


# 塏 is not among the characters Debian's chi_tra model writes (model_chars.py): 王宥塏 is
# never read as printed, and its misreading may be the same at every scale.
UNWRITABLE = Declared("王文君", "K128364418", date(1976, 8, 10), "王宥塏", "child")


def _father_read(row: str, column: str) -> list[Line]:
    """REGISTER with the 戶長 (the applicant's father, 王宥塏 in print) read as `row` in his
    own row and as `column` in the 長子's 父 column."""
    return lines(
        "稱謂 姓名 出生日期 統一編號 父 母 配偶",
        f"戶長 {row} 民國54年4月18日 L120044428 王秀華 羅恩家 周家婷",
        f"配偶 周家婷 民國42年3月25日 K230661997 陳志淑 邱家涵 {row}",
        f"長子 王文君 民國65年8月10日 K128364418 {column} 周家婷",
    )


def test_an_unwritable_character_read_differently_in_row_and_column_is_a_misreading() -> None:
    got = _by_field(_father_read("王宥凱", "王宥豈"), UNWRITABLE)
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "child")
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "王宥凱")
    assert got["inmate_name"].confidence < 0.5


def test_an_unwritable_character_read_the_same_in_row_and_column_is_another_person() -> None:
    # The father 王宥凱 and his brother 王宥塏, the inmate: 凱 reads 凱 everywhere.
    got = _by_field(_father_read("王宥凱", "王宥凱"), UNWRITABLE)
    assert got["inmate_name"].status != Status.MATCH
    assert got["relationship"].status == Status.NOT_FOUND


def test_a_writable_character_read_differently_in_row_and_column_is_not_a_misreading() -> None:
    # 俊 is a character the model writes: read 傑 in one place and 偉 in another, the two
    # places may well name two people.
    got = _by_field(_father_read("王宥傑", "王宥偉"), DECLARED)
    assert got["inmate_name"].status != Status.MATCH
    assert got["relationship"].status != Status.MATCH


def test_the_mothers_column_proves_the_heads_spouse_read_off_at_an_unwritable_character() -> None:
    # The head's 配偶 beside the head's 長子 may be his step-mother; his 母 column names her.
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 父 母 配偶",
        "戶長 王宥俊 民國54年4月18日 L120044428 王秀華 羅恩家 周家凱",
        "配偶 周家凱 民國42年3月25日 K230661997 陳志淑 邱家涵 王宥俊",
        "長子 王文君 民國65年8月10日 K128364418 王宥俊 周家豈",
    )
    got = _by_field(rows, replace(DECLARED, inmate_name="周家塏"))
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "child")
    assert got["inmate_name"].status == Status.MATCH


def test_an_applicant_name_with_a_character_not_read_is_a_match_only_with_the_exact_id() -> None:
    # 王文君 read as 王 | 君: the unread 文 left a gap as wide as a column's
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 父 母 配偶",
        "長子 王 君 民國65年8月10日 K128364418 王宥俊 周家婷",
    )
    assert _by_field(rows, DECLARED)["name"].status == Status.MATCH
    assert _by_field(rows, DECLARED)["name"].confidence < 0.5
    other_id = replace(DECLARED, national_id="A123456789")
    assert _by_field(rows, other_id)["name"].status != Status.MATCH


def test_a_name_in_a_form_the_model_cannot_write_is_read_in_its_other_form() -> None:
    # The roster writes 張柄笔; the model cannot write 笔 and reads the register's 筆.
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 父 母",
        "戶長 張忠儀 民國50年1月2日 X158860539 張文義 周文青",
        "長子 張柄玉 民國81年3月23日 K145679132 張忠儀 陳華玲",
        "長女 張柄筆 民國85年5月19日 L244604197 張忠儀 陳華玲",
    )
    d = Declared("張柄玉", "K145679132", date(1992, 3, 23), "張柄笔", "sibling")
    got = {f.field: f for f in verify("register", rows, d)}
    assert {k: f.status for k, f in got.items()} == dict.fromkeys(got, Status.MATCH)
    assert got["inmate_name"].expected == "張柄笔"  # the reviewer sees the roster's form
    # 笔 is one form of 筆 only: another character in its place is no match
    other = {f.field: f for f in verify("register", rows, replace(d, inmate_name="張柄筠"))}
    assert other["inmate_name"].status != Status.MATCH


GRANDCHILD = lines(
    "稱謂 姓名 出生日期 統一編號 父 母 配偶",
    "戶長 鍾添肎 民國40年1月2日 N226465327 鍾茹鶯 李華象 蘇文志",
    "配偶 蘇文忘 民國42年4月18日 C147222223 蘇炳軍 彭豪重 鍾添肎",  # 志 read 忘
    "長子 蘇蓮君 民國65年3月1日 V125766857 蘇文志 鍾添肎 張詩秀",
    "孫 蘇錦 民國95年11月1日 B180121877 蘇蓮君 張詩秀",
)
# The applicant is the 孫, the inmate the head's 配偶, his father's father.
GRANDCHILD_D = Declared("蘇錦", "B180121877", date(2006, 11, 1), "蘇文志", "grandchild")


def test_the_fathers_own_father_column_proves_a_grandparent_whose_row_reads_one_off() -> None:
    got = _by_field(GRANDCHILD, GRANDCHILD_D)
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "grandchild")
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "蘇文志")
    # declared as a child of the inmate: the columns say grandchild, a mismatch
    wrong = _by_field(GRANDCHILD, replace(GRANDCHILD_D, relationship="child"))
    assert wrong["relationship"].status == Status.MISMATCH


def test_a_grandparent_chain_needs_both_columns_to_name_the_member_exactly() -> None:
    # the 孫's father column names 蘇蓮清, no member of the register
    rows = lines(*(" ".join(w.text for w in ln.words).replace("蘇蓮君 張詩秀", "蘇蓮清 張詩秀")
                   for ln in GRANDCHILD))  # fmt: skip
    got = _by_field(rows, GRANDCHILD_D)
    assert got["relationship"].status == Status.NOT_FOUND
    assert got["inmate_name"].status != Status.MATCH


def test_the_applicants_own_column_proves_a_parent_whose_row_reads_one_off() -> None:
    # The 戶長's row reads 王宥傑 (printed 王宥俊); the 長子's 父 column reads it exactly.
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 父 母 配偶",
        "戶長 王宥傑 民國54年4月18日 L120044428 王秀華 羅恩家 周家婷",
        "長子 王文君 民國65年8月10日 K128364418 王宥俊 周家婷",
    )
    got = _by_field(rows, DECLARED)
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "child")
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "王宥俊")


SIBLINGS = lines(
    "稱謂 姓名 出生日期 統一編號 父 母",
    "戶長 鄭宏美 民國40年1月2日 G106080063 鄭翰新 游聰成",
    "長女 体榕宏 民國66年8月26日 F245954290 鄭宏美 黃怡國",  # 鄭 read 体
    "次女 鄭承龍 民國67年3月27日 F299346904 鄭宏美 黃怡國",
)
SIBLING_D = Declared("鄭承龍", "F299346904", date(1978, 3, 27), "鄭榕宏", "sibling")


def test_a_surname_read_differently_at_each_scale_beside_the_given_name_is_the_inmates() -> None:
    rows = _readings(SIBLINGS, "体榕宏", "伺榕宏", "鄒榕宏")
    got = _by_field(rows, SIBLING_D)
    assert (got["inmate_name"].status, got["inmate_name"].value) == (Status.MATCH, "体榕宏")
    assert got["inmate_name"].confidence < 0.5
    assert (got["relationship"].status, got["relationship"].value) == (Status.MATCH, "sibling")


def test_a_surname_read_the_same_at_each_scale_is_another_familys() -> None:
    rows = _readings(SIBLINGS, "体榕宏", "体榕宏", "体榕宏")
    got = _by_field(rows, SIBLING_D)
    assert got["inmate_name"].status != Status.MATCH
    assert got["relationship"].status == Status.NOT_FOUND


def test_applicant_name_two_off_where_another_reading_gives_one_of_them() -> None:
    # 傅德冀 read 傳德荔, and 傅德蔓 at another scale: only 冀 is never read
    rows = _readings(lines("孫 傳德荔 民國91年2月16日 K186506130"), "傳德荔", "傅德蔓", "便德功")
    d = Declared("傅德冀", "K186506130", date(2002, 2, 16), "傅起建", "grandchild")
    assert _by_field(rows, d)["name"].status == Status.MATCH
    other_id = replace(d, national_id="K186506121")  # no ID confirmed: no tolerance
    assert _by_field(rows, other_id)["name"].status != Status.MATCH
    never = _readings(lines("孫 傳德荔 民國91年2月16日 K186506130"), "傳德荔", "便德蔓")
    assert _by_field(never, d)["name"].status == Status.MISMATCH  # 傅 and 冀 never read
