"""Which chunks of a page are worth OCR: fields, labels and titles, not running text.

A register's remarks (記事) are most of its characters and none of its fields: a chunk
longer than PROSE_EM text heights is running text, and after a short chunk (the 記事 label)
a chunk of REMARK_EM or more starts a remark, which runs to the next short chunk; only its
label is read. A
chunk that is mostly ink (a photo, a blacked-out box) is no text. For pass 2, the rows that
were read as page furniture (headers, page numbers, remark labels) are not read again.
"""

from __future__ import annotations

import re

from .cells import COLONS, LABELS
from .digest import Box
from .idnumber import find_ids
from .layout import Band, Chunk
from .text import Word, find_roc_dates

#: A chunk this many text heights long is running text: no field is that long. A labelled
#: date (出生年月日：民國35年10月13日) is 15-16.5 text heights in a wide Ming face, its ink a
#: little lower than its type size.
PROSE_EM = 18.0
#: After a short first chunk (a label), a chunk this long makes the band a remark (a date,
#: the longest field, is under 9 text heights).
REMARK_EM = 9.5
LABEL_EM = 3.2
#: A remark's label (記事, 記事：) is two characters or more: a one-character chunk before a
#: long one is a character the gap split off (統 | 一編號：X225267646: 一 is a thin stroke
#: with wide side bearings) or a one-character title (孫 | its name and date), never a remark.
REMARK_LABEL_EM = 1.6
#: Share of ink above which a chunk is a picture, not text.
BLOB_DENSITY = 0.7
#: Text of rows a second reading cannot help: page headers and footers, remark labels.
FURNITURE = ("戶籍謄本", "現戶", "戶號", "住址", "頁", "以下空白", "列印日期", "記事",
             "中華民國國民身分證", "身分證")  # fmt: skip


def _is_remark(band: Band) -> bool:
    chunks = band.chunks
    return (len(chunks) <= 3 and REMARK_LABEL_EM <= chunks[0].width_em <= LABEL_EM
            and any(c.width_em >= REMARK_EM for c in chunks[1:]))  # fmt: skip


def _remark_text(chunks: list[Chunk]) -> set[int]:
    """Chunks of remarks inside a band: after a label-sized chunk (記事) that a long chunk
    follows, up to the next label-sized one. Two members side by side put two remarks on
    one band (記事 | text | 記事 | text), which _is_remark, made for one, keeps whole."""
    drop, inside = set(), False
    for i, c in enumerate(chunks):
        if c.width_em <= LABEL_EM:
            inside = (
                c.width_em >= REMARK_LABEL_EM
                and i + 1 < len(chunks)
                and chunks[i + 1].width_em >= REMARK_EM
            )
        elif inside:
            drop.add(i)
    return drop


def _box(c: Chunk) -> tuple[Box, float]:
    return (c.x0, c.y0, c.x1, c.y1), c.em


def select_boxes(bands: list[Band], kind: str) -> list[tuple[Box, float]]:
    """The chunks worth reading, as (box, text height), band by band."""
    out = []
    for band in bands:
        chunks = [c for c in band.chunks if c.density < BLOB_DENSITY]
        if kind == "register" and chunks:
            remark = _remark_text(chunks)
            chunks = (
                chunks[:1]
                if _is_remark(band)
                else [c for i, c in enumerate(chunks) if i not in remark]
            )
            chunks = [c for c in chunks if c.width_em <= PROSE_EM]
        out += [_box(c) for c in chunks]
    return out


#: What a box holding only an ID number or a date may say besides it: its label, colons, the
#: date's 民國/年/月/日, digits and letters of a misread number, marks read around it.
_DATA_LEFTOVER = re.compile(
    "|".join(sorted((k for k, v in LABELS.items() if v in ("id", "birth")), key=len, reverse=True))
    + r"|民國|[年月日]|[0-9A-Za-z]|["
    + re.escape(COLONS)
    + r"\s|!丨一了【】()（）\[\]]"
)


def data_fields(text: str) -> frozenset[str] | None:
    """The fields a box can settle when it holds only an ID number (or six digits of one)
    and/or a date and nothing else that could be a name or a title; else None (names,
    titles and kin columns may settle any field, the relationship and the inmate's too)."""
    fields = set()
    if find_roc_dates(text) or "民國" in text:
        fields.add("birth_date")
    if find_ids(text) or sum(ch.isdigit() for ch in re.sub(r"民國.*?日", "", text)) >= 6:
        fields.add("national_id")
    if not fields or len(_DATA_LEFTOVER.sub("", text)) > 1:
        return None
    return frozenset(fields)


#: Labels of register fields no verdict uses (sex, birth place, birth order).
UNUSED_LABELS = ("性別", "出生地", "出生別")
#: A remark's date and its words (民國80年3月5日出生登記, 4日申請登記), read in pass 1 where
#: the layout could not tell it from a field.
_REMARK_WORDS = re.compile(r"\d\s*日[^\x00-\x7f]*[\u4e00-\u9fff]{2}[^\x00-\x7f]*$")


def _no_field(text: str) -> bool:
    """What pass 1 read in the box says it holds no field."""
    bare = text.lstrip(COLONS + " .|!")
    tail = m[0] if (m := _REMARK_WORDS.search(text)) else ""
    # Words after a date, no label among them (民國50年4月17日 父：黃參田 is two fields).
    # A name (2-4 characters) may follow a date in a cell read as one: only a remark's
    # longer words or its closing 登記 say remark.
    remark = (len(tail) >= 9 or tail.endswith("登記")) and not any(
        ch in tail for ch in COLONS + "父母配偶稱謂姓名"
    )
    furniture = len(text) <= 12 and any(mark in text for mark in FURNITURE)
    return furniture or remark or bare.startswith(UNUSED_LABELS)


def worth_rereading(
    boxes: list[tuple[Box, float]], first: dict[Box, list[Word]], settled: frozenset[str]
) -> list[tuple[Box, float]]:
    """The boxes that may hold a field not yet `settled` (matched): not page furniture, not a
    box whose ID number or date already matched (by what pass 1 read there). Rereading only
    those is where pass 2's time goes: a register's dates and numbers are half its boxes."""
    keep = []
    for box, em in boxes:
        text = "".join(w.text for w in first.get(box, []))
        if _no_field(text):
            continue
        fields = data_fields(text)
        if fields is not None and fields <= settled:
            continue
        keep.append((box, em))
    return keep
