"""What is read again and what is skipped: remarks on two-member bands, settled fields in pass 2,
and the engine's children reading side by side."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from moderation.ocr import engine
from moderation.ocr.layout import Band, Chunk
from moderation.ocr.members import read_members
from moderation.ocr.select import data_fields, select_boxes, worth_rereading
from moderation.ocr.text import Word
from tests.ocr.linekit import lines

EM = 30


def _chunk(x0: int, width_em: float) -> Chunk:
    return Chunk(x0, 100, x0 + round(width_em * EM), 100 + EM, EM, 0.2)


def test_two_remarks_on_one_band_are_read_by_their_labels_only() -> None:
    # Given a band of the two-member layout: 記事 | remark | its tail | 記事 | remark
    label1, text1, tail1 = _chunk(100, 2.3), _chunk(200, 17.0), _chunk(760, 6.2)
    label2, text2 = _chunk(1050, 2.3), _chunk(1150, 15.5)
    band = Band(100, 100 + EM, [label1, text1, tail1, label2, text2])
    boxes = [box for box, _ in select_boxes([band], "register")]
    assert boxes == [(c.x0, c.y0, c.x1, c.y1) for c in (label1, label2)]


def test_a_band_of_two_members_fields_is_read_whole() -> None:
    # title | name | date | ID | title | name | date | ID: no chunk is a remark's length
    widths = (1.9, 2.9, 7.3, 4.9, 0.9, 2.9, 6.8, 5.1)
    chunks = [_chunk(100 + 150 * i, w) for i, w in enumerate(widths)]
    assert len(select_boxes([Band(100, 100 + EM, chunks)], "register")) == len(chunks)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("C131573531", {"national_id"}),
        ("統一號碼:J本67186500", {"national_id"}),
        ("出生日期：民國50年4月17日", {"birth_date"}),
        ("民國74年月15日", {"birth_date"}),
        ("民國74年11月19日A145973252", {"birth_date", "national_id"}),
        ("長子黃政文民國74年11月19日A145973252", None),  # a name in it: any field
        ("姓名:黃禎南", None),
        ("出生年月日", None),
    ],
)
def test_a_box_of_an_id_or_a_date_only_settles_those_fields(text, fields) -> None:
    assert data_fields(text) == (frozenset(fields) if fields else None)


def _first(*texts: str) -> tuple[list, dict]:
    boxes = [((0, 40 * i, 300, 40 * i + 30), 30.0) for i in range(len(texts))]
    first = {
        box: [Word(t, 0, box[1], 300, 30, 90.0)] for (box, _), t in zip(boxes, texts, strict=True)
    }
    return boxes, first


def test_pass_two_reads_again_only_what_may_hold_an_unsettled_field() -> None:
    texts = ("姓名:黃禎南", "民國50年4月17日", "C131573531", "性別:男",
             "民國94年8月10日換領國民身分證", "4日申請登記", "配偶:許涵場",
             "民國50年4月17日黃參田")  # fmt: skip
    boxes, first = _first(*texts)

    def kept(settled: set[str]) -> list[str]:
        got = worth_rereading(boxes, first, frozenset(settled))
        return [texts[boxes.index(b)] for b in got]

    # Nothing settled: every field box, never sex, remarks or furniture
    assert kept(set()) == ["姓名:黃禎南", "民國50年4月17日", "C131573531", "配偶:許涵場",
                           "民國50年4月17日黃參田"]  # fmt: skip
    # The ID and the birth date matched: their boxes are not read again; a name after a date is
    assert kept({"national_id", "birth_date", "name"}) == [
        "姓名:黃禎南",
        "配偶:許涵場",
        "民國50年4月17日黃參田",
    ]


def test_a_date_label_whose_colon_was_lost_keeps_its_date() -> None:
    rows = lines("稱謂:戶長 姓名:黃禎南 性別:男", "出生日期 民國50年4月17日 統一編號:C131573531")
    (head,) = read_members(rows)
    assert "出生日期民國50年4月17日" in [c.text for c in head.cells]


def test_a_pair_of_members_on_one_row_is_still_two() -> None:
    # The bare 配偶 after an ID is the second member's title, not a label taking the name.
    rows = lines("戶長 王大明 民國47年6月1日 A123456789 配偶 陳美玲 民國49年2月2日 B234567894")
    assert [m.title for m in read_members(rows)] == ["戶長", "配偶"]


@pytest.mark.slow
def test_two_threads_read_on_two_children_at_once() -> None:
    pool = engine.PoolEngine(size=2)
    img = Image.new("L", (400, 60), 255)
    start = threading.Barrier(2)

    def read() -> None:
        start.wait()
        assert pool.ocr(img, 300, 30) is not None

    try:
        threads = [threading.Thread(target=read) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(pool.procs()) == 2  # both children started: neither thread waited
    finally:
        pool.close()
    assert pool.procs() == []


def test_a_one_character_chunk_before_a_long_one_is_no_remark_label() -> None:
    # date | 統 | 一編號：X225267646: the thin 一 left a gap after 統; a remark's label,
    # 記事, is two characters or more
    date, tung, rest = _chunk(100, 13.0), _chunk(700, 1.0), _chunk(760, 10.2)
    band = Band(100, 100 + EM, [date, tung, rest])
    boxes = [box for box, _ in select_boxes([band], "register")]
    assert (rest.x0, rest.y0, rest.x1, rest.y1) in boxes
    # a one-character title before a long chunk (孫 | name and date run together)
    title, data = _chunk(100, 1.0), _chunk(160, 11.0)
    assert len(select_boxes([Band(100, 100 + EM, [title, data])], "register")) == 2
