"""Putting OCR words back on the page and choosing between readings (no OCR)."""

from __future__ import annotations

from datetime import date

import numpy as np
from PIL import Image

from moderation.ocr import Declared
from moderation.ocr.compose import pick
from moderation.ocr.digest import Piece, _laid_out, _reading_order, _to_page, even_paper
from moderation.ocr.text import Word

NAME_BOX = (500, 100, 620, 140)
ID_BOX = (700, 100, 900, 140)


def _piece(key: tuple[int, int, int, int], x: int, width: int) -> Piece:
    return Piece(key, tuple(map(float, key)), x, width, 5, 1.0)


def test_a_word_reaching_into_the_gap_stays_with_its_box() -> None:
    pieces = [_piece(NAME_BOX, 10, 120), _piece(ID_BOX, 170, 200)]
    # LSTM boxes are loose: the name's box runs on past its piece, its centre in the gap
    key, word = _to_page(Word("王小明", 12, 5, 156, 40, 90.0), pieces)
    assert (key, word.text) == (NAME_BOX, "王小明")


def test_noise_read_into_white_space_is_dropped() -> None:
    pieces = [_piece(NAME_BOX, 10, 120)]
    assert _to_page(Word("“", 2, 5, 6, 40, 50.0), pieces) is None
    _, word = _to_page(Word("“王小明。", 8, 5, 120, 40, 90.0), pieces)
    assert word.text == "王小明"


def test_a_boxs_words_are_laid_across_it_in_reading_order() -> None:
    words = [Word("稱謂:", 0, 0, 9, 9, 90.0), Word("長子", 0, 0, 9, 9, 80.0)]
    laid = _laid_out((100, 50, 300, 90), words)
    assert [(w.text, w.left, w.width, w.top, w.height) for w in laid] == [
        ("稱謂:", 100, 120, 50, 40),
        ("長子", 220, 80, 50, 40),
    ]


def test_boxes_are_read_row_by_row_left_to_right() -> None:
    # Two members' ID numbers on one band, the right one a little lower, the second
    # member's title between them: never two ID numbers side by side in a strip.
    boxes = [((900, 104, 1100, 140), 36.0), ((100, 100, 300, 136), 36.0),
             ((600, 98, 680, 134), 36.0), ((100, 200, 300, 236), 36.0)]  # fmt: skip
    order = [box[0] for box, _ in _reading_order(boxes)]
    assert order == [100, 600, 900, 100]


def test_a_shadow_across_a_box_is_evened_out() -> None:
    arr = np.full((40, 200), 230, dtype=np.uint8)
    arr[:, 100:] = 120  # the right half in a shadow
    arr[15:25, 20:30] = arr[15:25, 150:160] = 20  # ink on both halves
    even = np.asarray(even_paper(Image.fromarray(arr)))
    assert even[5, 50] > 245 and even[5, 170] > 245  # paper white on both sides
    assert even[20, 25] < 60 and even[20, 155] < 60  # ink still ink


DECLARED = Declared("王小明", "A123456789", date(1985, 2, 3), "王大明", "child")


def test_the_reading_that_says_what_was_declared_is_believed() -> None:
    assert pick(["王小朋", "王小明", "干小明"], DECLARED) == 1
    assert pick(["A12345G789", "A123456789"], DECLARED) == 1
    assert pick(["民國74年2月8日", "民國74年2月3日"], DECLARED) == 1


def test_a_title_is_taken_from_the_readings_that_read_one() -> None:
    assert pick(["戶", "戶長", "戶長", "長"], DECLARED) == 1
    assert pick(["稱調:次", "稱謂:次女"], DECLARED) == 1


def test_otherwise_the_first_reading_stands() -> None:
    assert pick(["陳美玲", "陳美冷"], DECLARED) == 0
    assert pick(["長子", "長女"], DECLARED) == 0  # a title read at once is not second-guessed


def test_a_reading_one_off_the_inmates_name_is_believed_over_one_further_off() -> None:
    # 鄭田枝 read 凶田棱 in pass 1, 仁田枝 at another scale (dev blocks pdf 21064): the row is
    # then judged on all its readings (register.py), not lost as two characters off
    d = Declared("陳枝圓", "L281849927", date(1957, 12, 3), "鄭田枝", "grandparent")
    assert pick(["姓名:凶田棱", "姓名:人孵田枝", "姓名:仁田枝"], d) == 1
    assert pick(["姓名:仁田枝", "姓名:凶田棱"], d) == 0  # the first one off already
    assert pick(["姓名:凶田棱", "姓名:凶田棱"], d) == 0
