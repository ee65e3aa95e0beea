"""Layout analysis without OCR: text bands, their chunks, rules and pictures (pages drawn here)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from moderation.ocr.layout import find_bands
from moderation.ocr.select import PROSE_EM, select_boxes
from tests.ocr.gen.fonts import font

DPI = 250
SCALE = 0.5  # the reader analyses a copy at half its resolution


def _page(draw_on) -> Image.Image:
    """An A5-ish white page at 250 dpi, drawn on by `draw_on(draw)`."""
    img = Image.new("L", (1500, 1100), 255)
    draw_on(ImageDraw.Draw(img))
    return img.resize((750, 550), Image.BILINEAR)  # the analysis copy


def _text(d: ImageDraw.ImageDraw, xy: tuple[int, int], text: str) -> None:
    d.text(xy, text, font=font("sans", 34), fill=0)


def test_each_text_line_is_a_band_and_each_cell_a_chunk() -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        for row, y in enumerate((100, 200, 300)):
            for col, x in enumerate((100, 400, 800)):
                _text(d, (x, y), f"長子{row}{col}")

    bands = find_bands(_page(draw), SCALE, DPI)
    assert len(bands) == 3
    assert [len(b.chunks) for b in bands] == [3, 3, 3]
    assert all(abs(b.chunks[1].x0 - 400) < 10 for b in bands)


def test_a_tables_rules_are_no_text_and_do_not_join_its_rows() -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        for y in (80, 180, 280, 380):
            d.line([(60, y), (1400, y)], fill=0, width=3)
        for x in (60, 380, 780, 1400):
            d.line([(x, 80), (x, 380)], fill=0, width=3)
        for y in (115, 215, 315):
            for x in (100, 400, 800):
                _text(d, (x, y), "王小明")

    bands = find_bands(_page(draw), SCALE, DPI)
    assert len(bands) == 3
    assert all(len(b.chunks) == 3 for b in bands)  # the vertical rules split no cell off


def test_a_photo_is_no_text() -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        d.rectangle([1000, 50, 1350, 500], fill=60)  # the card's photo, beside the fields
        for y in (100, 200, 300, 400):
            _text(d, (100, y), "出生年月日")

    bands = find_bands(_page(draw), SCALE, DPI)
    assert len(bands) == 4
    assert all(c.x1 < 1000 for b in bands for c in b.chunks)


def test_a_remark_is_read_by_its_label_only() -> None:
    remark = "民國八十年三月四日與王大明結婚民國八十年三月六日申請登記"

    def draw(d: ImageDraw.ImageDraw) -> None:
        _text(d, (100, 100), "長子")
        _text(d, (300, 100), "王小明")
        _text(d, (600, 100), "民國74年2月3日")
        _text(d, (100, 200), "記事")
        _text(d, (300, 200), remark[:20])
        _text(d, (100, 300), remark)  # a remark's next line: running text only

    bands = find_bands(_page(draw), SCALE, DPI)
    boxes = select_boxes(bands, "register")
    rows = {b.y0: [box for box, _ in boxes if box[1] >= b.y0 - 5 and box[3] <= b.y1 + 5]
            for b in bands}  # fmt: skip
    field_row, remark_row, prose_row = (rows[b.y0] for b in bands)
    assert len(field_row) == 3
    assert len(remark_row) == 1 and remark_row[0][2] < 300  # the label 記事 alone
    assert prose_row == []
    assert all((box[2] - box[0]) / em <= PROSE_EM for box, em in boxes)
