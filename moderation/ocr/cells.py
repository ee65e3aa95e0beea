"""A line's cells: the words between wide gaps (a table's columns, a form's label：value pairs).

Words inside one cell stand close (Chinese characters about 0.1 em apart, a full-width colon
0.6 em); cells are separated by a column gap or a full-width space and more. OCR text carries
no spaces, so the boxes are what tell one cell from the next.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .text import Line, Word

#: A gap wider than this many times the line's text height starts a new cell (the reader's
#: chunks are at least 0.8 apart, and their words laid out without gaps: layout.py, digest.py).
CELL_GAP = 0.6

#: Form labels of registers → the field they name. Longest first, so 父姓名 wins over 父.
LABELS: dict[str, str] = {
    "身分證統一編號": "id", "出生年月日": "birth", "統一編號": "id", "統一號碼": "id",
    "出生日期": "birth", "配偶姓名": "spouse", "父姓名": "father", "母姓名": "mother",
    "稱謂": "title", "姓名": "name", "配偶": "spouse", "出生地": "place", "出生別": "order",
    "性別": "sex", "記事": "remark", "戶號": "household", "住址": "address", "父": "father",
    "母": "mother",
    # 統一編號 and 統一號碼 split at the thin 一 (統： | 編號.): the tail names the ID, and
    # must not be read as 戶號 one character off
    "編號": "id", "號碼": "id",
}  # fmt: skip
COLONS = ":：;；.。、，,"
#: What chi_tra reads from a colon or a rule beside a label or value (了 for a Ming face's
#: full-width colon); never a name's first character nor a label's.
MARKS = COLONS + "了人一丨【〔[(（|!/『‵"
_LABEL_RE = re.compile("|".join(sorted(LABELS, key=len, reverse=True)))


@dataclass(frozen=True)
class Cell:
    words: tuple[Word, ...]

    @property
    def line(self) -> Line:
        return Line(list(self.words))

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def x0(self) -> int:
        return min(w.left for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.left + w.width for w in self.words)


def cells(line: Line) -> list[Cell]:
    words = sorted(line.words, key=lambda w: w.left)
    if not words:
        return []
    gap = CELL_GAP * statistics.median(w.height for w in words)
    out: list[list[Word]] = [[words[0]]]
    for w in words[1:]:
        prev = out[-1][-1]
        if w.left - (prev.left + prev.width) > gap:
            out.append([w])
        else:
            out[-1].append(w)
    return [Cell(tuple(ws)) for ws in out]


@dataclass(frozen=True)
class Labelled:
    """One label：value pair in a cell: the field, and the value's place in the cell's text."""

    field: str
    cell: Cell
    start: int
    end: int

    @property
    def value(self) -> str:
        return self.cell.text[self.start : self.end]


def _label_starts(text: str) -> list[tuple[int, int, str]]:
    """Labels that open a pair, as (start, end, label): at the cell's start, or followed by a
    colon, or two characters or longer after a value of two or more (a one-character 父/母
    inside a value may be part of a name)."""
    found = []
    for m in _LABEL_RE.finditer(text):
        colon = text[m.end() : m.end() + 1] in COLONS and m.end() < len(text)
        if m.start() == 0 or colon or (len(m.group(0)) > 1 and m.start() >= 3):
            found.append((m.start(), m.end(), m.group(0)))
    if not found or found[0][0] != 0:
        misread = _misread_label(text)
        if misread and not (found and found[0][0] < misread[1]):  # not a label found whole
            found.insert(0, misread)
    return _title_before_name(text, found)


def _title_before_name(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """After 稱謂：, 配偶 (or 父, 母) is the title, not a label: 稱謂：配偶 姓名：… run together
    reads as 稱謂： then the label 配偶姓名 (or 母姓名), whose 姓名 is the next label."""
    out = list(found)
    for i in range(len(out) - 1):
        (_, end, label), (start, stop, nxt) = out[i], out[i + 1]
        if not label or LABELS[label] != "title" or text[end:start].strip("".join(COLONS)):
            continue
        if nxt in ("配偶姓名", "父姓名", "母姓名"):  # 稱謂 母姓名：… is the title 母, 姓名：…
            out[i + 1] = (start + len(nxt) - 2, stop, "姓名")
        elif nxt in ("配偶", "父", "母"):
            out[i + 1] = (start, start, "")  # no label here: marks the title's value only
    return [f for f in out if f[2]]


def _misread_label(text: str) -> tuple[int, int, str] | None:
    """A label with one character misread before its colon (稱調： for 稱謂：), or one
    character read into it (姓和名：)."""
    colon = next((i for i, ch in enumerate(text[:8]) if ch in ":："), -1)
    if colon < 0:
        colon = next((i for i, ch in enumerate(text[:8]) if ch in COLONS), -1)
    if colon < 2:
        return None
    head = text[:colon].replace("-", "一").replace(".", "")  # 統.-號碼 for 統一號碼
    for label in LABELS:
        if len(label) == len(head) and sum(a != b for a, b in zip(label, head, strict=True)) <= 1:
            return 0, colon, label
    for label in LABELS:  # a character read into it (姓和名： for 姓名：)
        if (
            len(label) >= 2
            and len(head) == len(label) + 1
            and any(head[:i] + head[i + 1 :] == label for i in range(1, len(head) - 1))
        ):
            return 0, colon, label
    return None


_FIELD_LABEL = {"mother": "母", "spouse": "配偶"}
#: A pair whose label chi_tra dropped (": 王美玲" after 父：…) takes the label that follows.
_NEXT = {"father": "mother", "mother": "spouse"}


def labelled(cell: Cell, after: str | None = None) -> list[Labelled]:
    """The label：value pairs of a cell, or [] when the cell does not start with a label.
    `after`: the field of the pair before this cell on its line, if any."""
    text = cell.text
    starts = _label_starts(text)
    # A stray mark before the label (".配偶：" where a dot of the colon before was read
    # into this cell, 人性別：女 or 了出生地 from a rule's or a colon's end) does not stop it
    # being a label.
    lead = len(text) - len(text.lstrip(MARKS))
    if (not starts or starts[0][0] != lead) and text[:1] in COLONS and after in _NEXT:
        starts.insert(0, (0, 0, _FIELD_LABEL[_NEXT[after]]))
    if not starts or starts[0][0] not in (0, lead):
        return []
    out = []
    for i, (_, end, label) in enumerate(starts):
        start = end
        while start < len(text) and text[start] in COLONS:
            start += 1
        stop = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        out.append(Labelled(LABELS[label], cell, start, stop))
    return out
