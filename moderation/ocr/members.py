"""Household members out of a register's lines, whatever the layout.

Three layouts are read alike (tests/ocr/gen draws each):
- a ruled table: a row starts with the 稱謂 and holds name, birth date, ID number and the 父,
  母 and 配偶 columns, whose order the header row gives;
- two members on one band: a second 稱謂 after the first member's ID number starts the second;
  their 父/母/配偶 stand labelled on the line under each;
- labelled blocks: 稱謂：… starts a member, the label：value pairs that follow belong to it, on
  this page or the next, until the next 稱謂.
A labelled pair belongs to the latest member whose columns it lies under, so that the two
halves of a band keep their own. Remarks (記事) are never a member's fields: a name in them
(與王小明結婚) is not a row of the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .cells import COLONS, MARKS, Cell, Labelled, cells, labelled
from .idnumber import find_ids
from .kinship import title_at_start
from .text import Line, find_roc_dates
from .verify import by_digits

KIN = ("father", "mother", "spouse")
#: What chi_tra reads before a value from the colon or the rule beside it; never a name's first
#: character.
STRAY = MARKS
STRAY_AFTER = COLONS + "丨|】〕])）!"
#: Fields a table's header row may name, by their label.
_HEADER_FIELDS = {"title", "name", "birth", "id", "father", "mother", "spouse", "order", "place"}


@dataclass
class Member:
    title: str | None = None
    #: field → (cell, start, end): where the value was read (name, father, mother, spouse).
    values: dict[str, tuple[Cell, int, int]] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)  # every cell of the member but remarks
    x0: int = 0
    x1: int = 0

    def value(self, name: str) -> str | None:
        """The value as read, without marks read around it (a Ming face's full-width colon
        reads as ：了 before every value of a page; no name starts with 了)."""
        found = self.values.get(name)
        if not found:
            return None
        value = found[0].text[found[1] : found[2]].lstrip(STRAY).rstrip(STRAY_AFTER)
        # A rule's end read as 一 after a name (何改鈞一); a two-character name keeps its 一.
        return value[:-1] if value.endswith("一") and len(value) >= 4 else value

    @property
    def lines(self) -> list[Line]:
        return [c.line for c in self.cells]

    @property
    def source(self) -> str:
        return " ".join(c.line.display for c in self.cells)[:80]

    def has_id(self, national_id: str) -> bool:
        """The number is in the member's cells: valid as read, or its nine digits after a
        misread letter (verify._by_digits)."""
        if any(c.value == national_id for cell in self.cells for c in find_ids(cell.text)):
            return True
        return by_digits(self.lines, national_id) is not None

    def covers(self, cell: Cell) -> bool:
        return cell.x0 < self.x1 and cell.x1 > self.x0


def _title_spilt(row: list[Cell]) -> list[Cell]:
    """A title's last character read into the next cell (稱謂：孫 | 女姓名：陳素梅) goes back to
    the title: else 孫女 is 孫 and the next cell, which no longer starts with its label, is
    no name."""
    out = list(row)
    for i in range(1, len(out)):
        pairs = labelled(out[i - 1])
        text = out[i].text
        if not pairs or pairs[-1].field != "title" or len(text) < 3:
            continue
        longer = pairs[-1].value.rstrip(COLONS) + text[0]
        if title_at_start(longer) != longer or not labelled(Cell((replace(
                out[i].words[0], text=text[1:]),))):  # fmt: skip
            continue
        first, prev = out[i].words[0], out[i - 1]
        step = first.width // max(1, len(first.text))
        moved = replace(first, text=first.text[0], left=prev.x1, width=step)
        rest = (replace(first, text=first.text[1:], left=first.left + step,
                        width=first.width - step),) if len(first.text) > 1 else ()  # fmt: skip
        out[i - 1] = Cell((*prev.words, moved))
        out[i] = Cell((*rest, *out[i].words[1:]))
    return out


def _joined(row: list[Cell]) -> list[Cell]:
    """A label with its colon and nothing after it takes the next cell as its value (a
    centred full-width colon leaves a gap as wide as a cell's in some Ming faces). So does a
    bare label whose colon went to the value (母 | ：王美玲) or was lost (母 | 王美玲) on a
    line of labels, and a date or ID label before its value; on a table row (it holds a
    date or an ID) a bare 配偶 is a title."""
    out: list[Cell] = []
    data = any(find_ids(c.text) or find_roc_dates(c.text) for c in row)
    for cell in row:
        prev = out[-1] if out else None
        pairs = labelled(prev) if prev is not None else []
        bare = len(pairs) == 1 and pairs[0].start >= pairs[0].end
        colon = prev is not None and (
            prev.text[-1:] in COLONS
            or cell.text[:1] in COLONS
            or not data
            or (bare and _fits(pairs[0].field, cell.text))
        )
        bare = bare and colon
        # 配偶, 父, 母 are labels too: after 稱謂： they are the value; 姓名 is not (a table
        # header's 稱謂. | 姓名: the mark after 稱謂 is no colon of a pair).
        value = not labelled(cell) or (
            bare
            and pairs[0].field == "title"
            and title_at_start(cell.text) is not None
            and (prev.text[-1:] in COLONS or cell.text.startswith(("配偶", "父", "母")))
        )
        if prev is not None and bare and value:
            out[-1] = Cell(prev.words + cell.words)
            continue
        out.append(cell)
    return _title_spilt(out)


def _fits(label: str, text: str) -> bool:
    """The cell is what a birth-date or ID label announces (出生日期 | 民國50年4月17日 with
    the colon lost): the pair is whole again, not a label and a stray date."""
    if label == "birth":
        return bool(find_roc_dates(text)) and title_at_start(text) is None
    return label == "id" and bool(find_ids(text))


def _header(row: list[Cell]) -> dict[str, float] | None:
    """A table header: three or more cells that are labels alone (no colon) → x centre."""
    found = {}
    for cell in row:
        if cell.text[-1:] in COLONS:
            continue
        pairs = labelled(cell)
        alone = len(pairs) == 1 and pairs[0].start >= pairs[0].end
        if alone and pairs[0].field in _HEADER_FIELDS:
            found[pairs[0].field] = (cell.x0 + cell.x1) / 2
    return found if len(found) >= 3 else None


#: Part of a date split over two cells by a wide gap (民國80年12月 | 14日): never a name.
_DATE_PART = re.compile(r"民國|\d\s*[年月]|^\W?\d{1,2}\s*日$")


def _kind(cell: Cell) -> str:
    text = cell.text
    if find_ids(text) or sum(ch.isdigit() for ch in text) >= 6:  # an ID with a letter misread
        return "id"
    if find_roc_dates(text) or _DATE_PART.search(text):
        return "birth"
    return "name"


def _title_alone(text: str, title: str) -> bool:
    """The cell is the title, maybe with marks read after it (長媳一 | 李論霖: the rule
    before the name read as 一), or the title and a colon's mark before the name
    (配偶.何改鈞): a second member's start on a band, not a kin column's name that starts
    like a title (孫大同, 孫一心)."""
    end = text.find(title) + len(title)
    return text[end:].strip(STRAY + STRAY_AFTER) == "" or text[end : end + 1] in tuple(COLONS)


class _Reader:
    """The state while reading lines in order: the members so far and the latest header."""

    def __init__(self) -> None:
        self.members: list[Member] = []
        self.header: dict[str, float] | None = None
        self.band: list[Member] = []  # the members started on the latest line that started any
        self.lines = 0
        self.band_line = -1

    def start(self, title: str | None, first: Cell) -> Member:
        m = Member(title=title, cells=[first], x0=first.x0, x1=first.x1)
        self.members.append(m)
        if self.band_line != self.lines:
            self.band, self.band_line = [], self.lines
        self.band.append(m)
        return m

    def owner(self, cell: Cell) -> Member | None:
        """The member of the latest band whose columns the cell lies under; a band of one
        member (a block) owns every line until the next: a value reaching past its block's
        short first line (媳 張榮武) is not the member's above, whose values were wider."""
        covering = next((m for m in reversed(self.band) if m.covers(cell)), None)
        return covering or (self.band[0] if len(self.band) == 1 else None)

    def line(self, line: Line) -> None:
        self.lines += 1
        row = _joined(cells(line))
        header = _header(row)
        if header:
            self.header = header
            return
        holds_id = any(find_ids(c.text) for c in row)
        holds_data = holds_id or any(find_roc_dates(c.text) for c in row)
        current: Member | None = None  # a member started on this line
        seen_id, after = False, None
        for i, cell in enumerate(row):
            title = title_at_start(cell.text)
            starts_row = bool(title) and (
                (i == 0 and holds_data) or (seen_id and _title_alone(cell.text, title))
            )
            pairs = [] if starts_row else labelled(cell, after)
            if pairs:  # 配偶, 父, 母: a row's title before its data, else a label
                current, after = self._pairs(pairs, current), pairs[-1].field
                continue
            if starts_row:
                current, seen_id = self.start(title, cell), False
                rest = cell.text.index(title) + len(title)
                # Only a mark after the title (長子. | 蔡昌瑩): the name is the next cell.
                if cell.text[rest:].strip(STRAY + STRAY_AFTER):
                    current.values.setdefault("name", (cell, rest, len(cell.text)))
                continue
            if current is None and i == 0 and holds_id and len(row) >= 3:
                current = self.start(None, cell)  # a row whose title was misread
                continue
            if current is not None:
                seen_id |= self._table_cell(current, cell)
            elif find_ids(cell.text) and (owner := self.owner(cell)) is not None:
                _add_cell(owner, cell)  # an ID whose label was misread (統-號碼): its block's

    def _pairs(self, pairs: list[Labelled], current: Member | None) -> Member | None:
        """Label：value pairs: to the member started on this line, else to the one whose
        columns they lie under (the next lines of a block, a half's 父/母/配偶 line)."""
        for p in pairs:
            if p.field == "title":
                current = self.start(title_at_start(p.value), p.cell)
                continue
            if p.field in ("remark", "household", "address"):
                continue
            owner = current or self.owner(p.cell)
            if owner is None:
                continue
            if not owner.cells or owner.cells[-1] is not p.cell:
                _add_cell(owner, p.cell)
            if p.field in ("name", *KIN) and p.start < p.end:
                owner.values.setdefault(p.field, (p.cell, p.start, p.end))
        return current

    def _table_cell(self, m: Member, cell: Cell) -> bool:
        """A cell of a table row: its column by the header if any, else by what it holds."""
        _add_cell(m, cell)
        kind = _kind(cell)
        if kind != "name":
            return kind == "id"
        column = self._column(cell)
        if column not in ("name", *KIN):  # no header, or it says nothing here: by order
            column = next((f for f in ("name", *KIN) if f not in m.values), None)
        if column is not None:
            m.values.setdefault(column, (cell, 0, len(cell.text)))
        return False

    def _column(self, cell: Cell) -> str | None:
        if not self.header:
            return None
        centre = (cell.x0 + cell.x1) / 2
        return min(self.header, key=lambda f: abs(self.header[f] - centre))


def _add_cell(m: Member, cell: Cell) -> None:
    m.cells.append(cell)
    m.x0, m.x1 = min(m.x0, cell.x0), max(m.x1, cell.x1)


def read_members(lines: list[Line]) -> list[Member]:
    """The members of a register, in the order they stand (pages in order, top to bottom)."""
    reader = _Reader()
    for line in lines:
        reader.line(line)
    return reader.members
