"""Register layouts of the older computer-printed transcript: a ruled table.

- `table`: one row per member (稱謂, 姓名, 出生日期, 統一編號 and the 父/母/配偶 columns in one of
  two orders), the member's remarks (記事) in a full-width row under it;
- `pairs`: two members side by side on each band, their parents and spouse labelled on the line
  under them, a vertical rule between the halves.
"""

from __future__ import annotations

from .card import mm
from .names import Person, roc
from .register_page import LEFT, RIGHT, Sheets

#: (label, width in mm); the kin columns come in one of two orders.
_BASE = (("稱謂", 17), ("姓名", 25), ("出生日期", 37), ("統一編號", 30))
_KIN_ORDERS = ((("父", 23), ("母", 23), ("配偶", 25)), (("配偶", 25), ("父", 23), ("母", 23)))
_CELL = {
    "稱謂": "title",
    "姓名": "name",
    "統一編號": "national_id",
    "父": "father",
    "母": "mother",
    "配偶": "spouse",
}


def _cell(p: Person, label: str) -> str:
    return roc(p.birth_date) if label == "出生日期" else getattr(p, _CELL[label])


def _columns(s: Sheets) -> list[tuple[str, int]]:
    """(label, x) of each column, and RIGHT as the closing edge."""
    x, out = LEFT, []
    for label, width in (*_BASE, *s.rng.choice(_KIN_ORDERS)):
        out.append((label, x))
        x += mm(width)
    return out


def _verticals(s: Sheets, cols: list[tuple[str, int]], top: int, bottom: int) -> None:
    for _, x in (*cols, ("", RIGHT)):
        s.draw.line([(x, top), (x, bottom)], fill=(70, 70, 70), width=2)


def _header(s: Sheets, cols: list[tuple[str, int]]) -> None:
    top = s.y
    s.rule(top, width=3)
    for label, x in cols:
        s.text(x + mm(1.5), label, y=top + mm(1.5), bold=True)
    s.y = top + s.line_h + mm(1.5)
    s.rule(s.y, width=3)
    _verticals(s, cols, top, s.y)


def draw_table(s: Sheets) -> None:
    cols = _columns(s)
    _header(s, cols)
    for member in s.hh.members:
        if s.ensure(s.line_h + mm(3)):
            _header(s, cols)
        top = s.y
        for label, x in cols:
            s.text(x + mm(1.5), _cell(member, label), y=top + mm(1.5))
        s.y = top + s.line_h + mm(1.5)
        _verticals(s, cols, top, s.y)
        for remark in member.remarks:
            for i, line in enumerate(s.wrap(remark, RIGHT - LEFT - mm(22))):
                if s.ensure(s.line_h):
                    _header(s, cols)
                s.text(LEFT + mm(1.5), "記事" if i == 0 else "", y=s.y)
                s.text(LEFT + mm(19), line, y=s.y)
                s.y += s.line_h
        s.rule(s.y + mm(1))
        s.y += mm(2)


_HALF = (RIGHT - LEFT) // 2
#: Offsets (mm) of 稱謂, 姓名, 出生日期, 統一編號 within a half.
_PAIR_TABS = (1.5, 12, 32, 62)


def _pair_lines(s: Sheets, p: Person) -> list[list[tuple[int, str]]]:
    """The lines of one member's half: (x offset, text) per cell."""
    first = [
        (mm(t), v)
        for t, v in zip(
            _PAIR_TABS, (p.title, p.name, roc(p.birth_date), p.national_id), strict=True
        )
    ]
    kin = "　".join(
        f"{k}：{v}" for k, v in (("父", p.father), ("母", p.mother), ("配偶", p.spouse)) if v
    )
    lines = [first, [(mm(1.5), kin)]]
    for remark in p.remarks[:1]:
        lines += [[(mm(1.5), part)] for part in s.wrap("記事：" + remark, _HALF - mm(4))]
    return lines


def draw_pairs(s: Sheets) -> None:
    s.size = round(s.size * 0.88)  # two members per band: a smaller type, as printed
    members = s.hh.members
    s.rule(s.y, width=3)
    s.y += mm(1.5)
    for i in range(0, len(members), 2):
        halves = [_pair_lines(s, m) for m in members[i : i + 2]]
        rows = max(len(h) for h in halves)
        for row in range(rows):
            if s.ensure(s.line_h):
                s.rule(s.y, width=3)
                s.y += mm(1.5)
            for h, lines in enumerate(halves):
                for x, text in lines[row] if row < len(lines) else []:
                    s.text(LEFT + h * _HALF + x, text)
            mid = LEFT + _HALF - mm(1)
            s.draw.line([(mid, s.y - mm(1.5)), (mid, s.y + s.line_h)], fill=(70, 70, 70), width=2)
            s.y += s.line_h
        s.rule(s.y + mm(0.5))
        s.y += mm(2)
