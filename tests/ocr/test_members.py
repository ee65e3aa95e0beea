"""Members out of a register's lines in each layout (lines built by hand, no OCR)."""

from __future__ import annotations

from moderation.ocr.members import Member, read_members
from tests.ocr.linekit import lines


def _values(members: list[Member]) -> list[dict[str, str | None]]:
    keys = ("name", "father", "mother", "spouse")
    return [{"title": m.title, **{k: m.value(k) for k in keys}} for m in members]


def test_a_table_reads_its_kin_columns_in_the_headers_order() -> None:
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 配偶 父 母",
        "戶長 王大明 民國47年6月1日 A123456789 陳美玲 王金水 林阿滿",
        "長子 王小明 民國74年2月3日 K128364418 _ 王大明 陳美玲",
    )
    assert _values(read_members(rows)) == [
        {"title": "戶長", "name": "王大明", "father": "王金水", "mother": "林阿滿",
         "spouse": "陳美玲"},
        {"title": "長子", "name": "王小明", "father": "王大明", "mother": "陳美玲",
         "spouse": None},
    ]  # fmt: skip


def test_two_members_on_one_band_keep_their_own_kin_lines() -> None:
    rows = lines(
        "戶長 王大明 民國47年6月1日 A123456789 配偶 陳美玲 民國49年2月2日 B234567894",
        "父:王金水 母:林阿滿 配偶:陳美玲 _ 父:陳一郎 母:李秀英 配偶:王大明",
    )
    got = _values(read_members(rows))
    assert [m["title"] for m in got] == ["戶長", "配偶"]
    assert (got[0]["father"], got[0]["spouse"]) == ("王金水", "陳美玲")
    assert (got[1]["father"], got[1]["spouse"]) == ("陳一郎", "王大明")


def test_a_labelled_block_continues_on_the_next_page() -> None:
    rows = lines(
        "稱謂:戶長 姓名:王大明 性別:男",
        "出生日期:民國47年6月1日 _ 統一編號:A123456789",
        "記事:民國70年3月2日與陳美玲結婚",
        "稱謂:長子 姓名:王小明 性別:男",
        "出生年月日:民國74年2月3日 _ 統一號碼:K128364418",
        # the page ends; the next one starts with its own header
        "戶籍謄本",
        "戶號:A1234567",
        "父姓名:王大明 母姓名:陳美玲 _",
        "出生地:臺東縣",
    )
    members = read_members(rows)
    assert _values(members)[1] == {"title": "長子", "name": "王小明", "father": "王大明",
                                   "mother": "陳美玲", "spouse": None}  # fmt: skip
    assert members[1].has_id("K128364418") and not members[0].has_id("K128364418")
    assert all("陳美玲結婚" not in c.text for m in members for c in m.cells)


def test_a_row_whose_title_is_unreadable_is_still_a_member() -> None:
    rows = lines("稱謂 姓名 出生日期 統一編號", "#$ 王小明 民國74年2月3日 K128364418")
    (member,) = read_members(rows)
    assert member.title is None and member.has_id("K128364418")


def test_a_header_line_and_a_remark_start_no_member() -> None:
    rows = lines("（現戶全戶） 臺東縣臺東市戶政事務所", "記事 民國90年1月2日與王大明結婚")
    assert read_members(rows) == []


def test_labels_chi_tra_misreads_or_drops_are_still_understood() -> None:
    rows = lines(
        "稱調:配偶 姓名:黃康彩 性別:女",  # 謂 read as 調; 配偶 is the title, not a label
        "出生日期:民國34年3月2日 _ 統一編號:M298865852",
        "父:黃騏塘 :祭德清",  # the 母 before the colon dropped
        "稱謂: 長子 姓名:郭慧永",  # a centred colon set apart from its value
    )
    members = read_members(rows)
    assert [m.title for m in members] == ["配偶", "長子"]
    assert (members[0].value("name"), members[0].value("mother")) == ("黃康彩", "祭德清")
    assert members[1].value("name") == "郭慧永"


def test_a_title_read_twice_over_is_one_title() -> None:
    # 稱謂：配偶 then 配偶 again (a stamp's smudge read as text): no crash, one member
    (member,) = read_members(lines("稱謂:配偶配偶 姓名:黃康彩", "統一編號:M298865852"))
    assert member.value("name") == "黃康彩"


def test_no_reading_of_labels_titles_and_values_crashes_the_reader() -> None:
    # Whatever chi_tra makes of a register, the verdicts come back (seeded, so repeatable)
    import random
    from datetime import date

    from moderation.ocr import Declared
    from moderation.ocr.register import register_fields

    pieces = ["稱謂", "稱調", ":", "配偶", "父", "母", "姓名", "配偶姓名", "長子", "戶長"]
    pieces += ["記事", "民國74年2月3日", "A123456789", "王小明", "王大明", "統一編號", "1"]
    declared = Declared("王小明", "A123456789", date(1985, 2, 3), "王大明", "child")
    rng = random.Random(0)
    for _ in range(300):
        rows = []
        for _ in range(rng.randint(1, 5)):
            cells = ["".join(rng.choices(pieces, k=rng.randint(1, 4))) for _ in range(6)]
            rows.append(" ".join(cells[: rng.randint(1, 6)]))
        assert len(register_fields(lines(*rows), declared)) == 5


def test_a_label_whose_colon_strayed_or_went_missing_keeps_its_value() -> None:
    # Ming faces: the colon read into the value's cell (：王金水), lost (母 林阿滿), or read
    # before the next label (.配偶：); a full-width colon read as ：了 before the value.
    rows = lines(
        "稱謂：戶長 _ 姓名：了王大明 _ 性別：男",
        "父姓名 ：王金水 母 林阿滿 .配偶： 陳美玲",
    )
    assert _values(read_members(rows)) == [
        {"title": "戶長", "name": "王大明", "father": "王金水", "mother": "林阿滿",
         "spouse": "陳美玲"},
    ]  # fmt: skip


def test_a_date_split_over_two_cells_is_no_kin_column() -> None:
    rows = lines(
        "稱謂 姓名 出生日期 _ 統一編號 父 母",
        "次子 宋玲洲 民國80年12月 !4日 L120839507 宋寶純 沈翰蓮",
    )
    assert _values(read_members(rows)) == [
        {"title": "次子", "name": "宋玲洲", "father": "宋寶純", "mother": "沈翰蓮", "spouse": None}
    ]


def test_an_id_number_whose_label_was_misread_stays_with_its_block() -> None:
    rows = lines(
        "稱謂：配偶 _ 姓名：陳雲泗 _ 性別：女",
        "出生年月日：民國35年10月13日 _ _ _ 統.-號碼:O230496109",
        "稱謂：長女 _ 姓名：徐宗興 _ 性別：女",
        "出生年月日：民國61年4月15日 _ _ _ 統-號碼：U232057088",
    )
    spouse, daughter = read_members(rows)
    assert spouse.has_id("O230496109") and not spouse.has_id("U232057088")
    assert daughter.has_id("U232057088")


def test_a_rules_end_read_after_a_name_is_no_part_of_it() -> None:
    rows = lines(
        "稱謂 姓名 出生日期 統一編號 父 母",
        "長子 何毅薇 民國70年1月1日 Y134639659 何改鈞一 林阿滿|",
        "次子 何小一 民國71年1月1日 J193032304 王建一 林阿滿",  # a name that ends in 一 keeps it
    )
    assert [(m.value("father"), m.value("mother")) for m in read_members(rows)] == [
        ("何改鈞", "林阿滿"),
        ("王建一", "林阿滿"),
    ]


def test_the_second_member_of_a_band_starts_at_its_title_with_a_mark_after_it() -> None:
    rows = lines(
        "戶長 謝朋豎 民國35年11月1日 U201462308 配偶.何改鈞 民國33年2月16日 164453408",
        "長子 何毅薇 民國60年9月7日 Y134639659 孫大同",  # a kin name that starts like a title
    )
    head, spouse, son = read_members(rows)
    assert (spouse.title, spouse.value("name")) == ("配偶", "何改鈞")
    assert spouse.has_id("W164453408") and not head.has_id("W164453408")  # letter dropped
    assert son.value("name") == "何毅薇" and son.value("father") == "孫大同"


def test_a_line_under_a_block_is_that_blocks_even_where_the_block_above_was_wider() -> None:
    rows = lines(
        "稱謂：次子 _ 姓名：蕭豪鉦 _ 性別：男",
        "出生年月日：民國87年9月9日 _ _ 統一號碼：C122542724",
        "稱謂：媳 姓名：張榮武",  # a short first line: its cells end left of the ID column
        "出生年月日：民國86年9月19日 _ _ 統一號碼： U280331728",
    )
    son, wife = read_members(rows)
    assert wife.has_id("U280331728") and not son.has_id("U280331728")


def test_a_titles_last_character_read_into_the_next_cell_goes_back_to_the_title() -> None:
    # 稱謂：孫女 read as 稱謂：孫 | 女姓名：陳素梅 (the gap fell inside the title)
    rows = lines("稱謂:孫 女姓名:陳素梅 性別:女", "稱謂 長 子姓名:陳宗湘 性別:男")
    got = _values(read_members(rows))
    assert [(m["title"], m["name"], m["father"]) for m in got] == [
        ("孫女", "陳素梅", None),
        ("長子", "陳宗湘", None),
    ]


def test_a_title_that_is_also_a_label_after_a_colonless_title_label() -> None:
    # 稱謂 配偶 | 姓名 and 稱謂 母姓名 with the colons lost: the titles 配偶 and 母
    rows = lines("稱謂 配偶 姓名:王大明", "稱謂 母姓名:楊士慨 性別:女")
    got = _values(read_members(rows))
    assert [(m["title"], m["name"], m["mother"]) for m in got] == [
        ("配偶", "王大明", None),
        ("母", "楊士慨", None),
    ]


def test_a_mark_after_a_title_leaves_the_name_to_the_next_cell() -> None:
    # 長子. | 蔡昌瑩: the mark was read with the title, the name in a cell of its own
    rows = lines(
        "長女 蔡帆鑫 民國74年7月22日 Y210561843 長子. 蔡昌瑩 民國78年7月21日 K151088763",
        "父:蔡家志 母:雷邦禎 _ _ 父:蔡家志 母:雷邦禎 配偶:謝米彤",
    )
    got = _values(read_members(rows))
    assert [(m["title"], m["name"], m["father"]) for m in got] == [
        ("長女", "蔡帆鑫", "蔡家志"),
        ("長子", "蔡昌瑩", "蔡家志"),
    ]


def test_the_second_member_of_a_band_starts_at_its_title_with_a_rules_end_after_it() -> None:
    # 長媳一 | 李論霖: the rule before the name read as 一 with the title (dev pairs pdf 11058)
    rows = lines(
        "長女 陳榮縈 民國84年11月8日 X279649505 長媳一 李論霖 民國81年5月26日 Q269423629",
        "父:陳容桂 母:李淮霞 _ _ 父:蔡卻馨 母:何誠興 配偶:陳榮宇",
        "戶長 王大明 民國47年6月1日 A123456789 孫一心 王金水 林阿滿",  # a kin name: 孫一心
    )
    got = _values(read_members(rows))
    assert [(m["title"], m["name"], m["spouse"]) for m in got] == [
        ("長女", "陳榮縈", None),
        ("長媳", "李論霖", "陳榮宇"),
        ("戶長", "王大明", "林阿滿"),
    ]
    assert got[1]["father"] == "蔡卻馨" and got[0]["father"] == "陳容桂"
    assert got[2]["father"] == "孫一心"


def test_a_table_header_with_a_mark_after_its_title_label_keeps_its_name_column() -> None:
    # 稱謂. | 姓名: the mark read after 稱謂 had joined 姓名 to it as its value, so the header
    # lost its name column and every name went to the 配偶 column (dev table pdf 1073)
    rows = lines(
        "稱謂. 姓名 出生日期 統- -編號 配偶 父 母",  # 統一編號 split at its thin 一
        "戶長 羅昇玉 民國40年10月1日 Q106362432 _ 張瑄浚 羅瑞貿 曾昆水",
        "長子 羅賢琳 民國64年7月10日 P197886197 _ 陳光興 羅昇玉 雷桐如",
    )
    got = _values(read_members(rows))
    assert [(m["title"], m["name"], m["spouse"], m["father"]) for m in got] == [
        ("戶長", "羅昇玉", "張瑄浚", "羅瑞貿"),
        ("長子", "羅賢琳", "陳光興", "羅昇玉"),
    ]


def test_a_label_with_a_mark_read_before_it_is_still_a_label() -> None:
    # 人性別:女: the colon's end before it read as 人; the cell had become the 父 column, and
    # the 父姓名 line under it lost its place (dev blocks pdf 21049)
    rows = lines(
        "稱謂:長女 姓名:廖旺順 人性別:女",
        "出生年月日:民國86年11月20日 _ 統一編號:Q266459494",
        "父姓名:廖惠羚 母姓名:陳貞學 _",
        "了出生地:臺東縣",
        "稱謂:長子 姓名:劉乃俊 ./性別:男",  # and a slash (dev blocks scan 20069)
        "『父姓名:劉翔庭 母:陳謙宏",
    )
    got, son = _values(read_members(rows))
    assert (got["name"], got["father"], got["mother"]) == ("廖旺順", "廖惠羚", "陳貞學")
    assert (son["name"], son["father"], son["mother"]) == ("劉乃俊", "劉翔庭", "陳謙宏")


def test_the_tail_of_a_split_id_label_is_no_household_number_label() -> None:
    # 統一編號 read 統: | 編號. : 編號 one off 戶號 had made the ID a household number, and the
    # member had no ID (dev blocks scan 20048)
    rows = lines(
        "稱謂:長子 姓名:葉源昌 性別:男",
        "出生年月日: 民國72年8月25日 統: -編號 N198252327",
        "稱謂:長女 姓名:葉源岳 性別:女",
        "出生年月日: 民國74年1月16日 統: 編號. W265566504",
        "戶號:H7189295",
    )
    son, daughter = read_members(rows)
    assert daughter.has_id("W265566504") and not son.has_id("W265566504")
    assert son.has_id("N198252327")


def test_a_label_with_a_character_read_into_it_is_still_a_label() -> None:
    # 姓和名: for 姓名: the label had become the head's name (dev blocks scan 20043)
    rows = lines(
        "稱謂 :戶長 姓和名: 莊圍城 性別: 男",
        "出生日期 民國41年4月8日 統一號碼: Y198658836",
        "父姓名: 莊富維 母: 柯怡 配偶: 葉詩雅",
    )
    (got,) = _values(read_members(rows))
    assert (got["title"], got["name"], got["father"]) == ("戶長", "莊圍城", "莊富維")
