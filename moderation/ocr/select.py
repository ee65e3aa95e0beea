"""Which chunks of a page are worth OCR: fields, labels and titles, not running text.

A register's remarks (記事) are most of its characters and none of its fields: a chunk
longer than PROSE_EM text heights is running text, and after a short first chunk (the 記事
label) a chunk of REMARK_EM or more means the band is a remark; only its label is read. A
chunk that is mostly ink (a photo, a blacked-out box) is no text. For pass 2, the rows that
were read as page furniture (headers, page numbers, remark labels) are not read again.
"""

from __future__ import annotations

from .digest import Box
from .layout import Band, Chunk
from .text import Word

#: A chunk this many text heights long is running text: no field is that long. A labelled
#: date (出生年月日：民國35年10月13日) is 15-16.5 text heights in a wide Ming face, its ink a
#: little lower than its type size.
PROSE_EM = 18.0
#: After a short first chunk (a label), a chunk this long makes the band a remark (a date,
#: the longest field, is under 9 text heights).
REMARK_EM = 9.5
LABEL_EM = 3.2
#: Share of ink above which a chunk is a picture, not text.
BLOB_DENSITY = 0.7
#: Text of rows a second reading cannot help: page headers and footers, remark labels.
FURNITURE = ("戶籍謄本", "現戶", "戶號", "住址", "頁", "以下空白", "列印日期", "記事",
             "中華民國國民身分證", "身分證")  # fmt: skip


def _is_remark(band: Band) -> bool:
    chunks = band.chunks
    return (len(chunks) <= 3 and chunks[0].width_em <= LABEL_EM
            and any(c.width_em >= REMARK_EM for c in chunks[1:]))  # fmt: skip


def _box(c: Chunk) -> tuple[Box, float]:
    return (c.x0, c.y0, c.x1, c.y1), c.em


def select_boxes(bands: list[Band], kind: str) -> list[tuple[Box, float]]:
    """The chunks worth reading, as (box, text height), band by band."""
    out = []
    for band in bands:
        chunks = [c for c in band.chunks if c.density < BLOB_DENSITY]
        if kind == "register" and chunks:
            chunks = chunks[:1] if _is_remark(band) else chunks
            chunks = [c for c in chunks if c.width_em <= PROSE_EM]
        out += [_box(c) for c in chunks]
    return out


def worth_rereading(
    boxes: list[tuple[Box, float]], first: dict[Box, list[Word]]
) -> list[tuple[Box, float]]:
    """The boxes that may hold a field: not page furniture (by what pass 1 read there)."""
    keep = []
    for box, em in boxes:
        text = "".join(w.text for w in first.get(box, []))
        if len(text) > 12 or not any(mark in text for mark in FURNITURE):
            keep.append((box, em))
    return keep
