"""Register layout of the current electronic transcript: a labelled block per member.

Each block has label：value pairs at three tab stops (稱謂, 姓名, 性別; 出生日期, 統一編號; 父,
母, 配偶; 出生地) and the member's remarks (記事) wrapped under a hanging label, then a rule.
Labels vary as offices word them (統一編號 or 統一號碼, 出生日期 or 出生年月日, 父 or 父姓名).
A block is drawn line by line, so a page may end in the middle of one.
"""

from __future__ import annotations

from .card import mm
from .names import Person, roc
from .register_page import LEFT, RIGHT, Sheets

_TABS = (0, 60, 122)  # mm from the left margin


def _labels(s: Sheets) -> dict[str, str]:
    pick = s.rng.choice
    return {
        "id": pick(("統一編號", "統一號碼")),
        "birth": pick(("出生日期", "出生年月日")),
        "father": pick(("父", "父姓名")),
        "mother": pick(("母", "母姓名")),
        "spouse": pick(("配偶", "配偶姓名")),
    }


def _block(p: Person, lab: dict[str, str]) -> list[list[str]]:
    sex = "男" if p.sex == 1 else "女"
    return [
        [f"稱謂：{p.title}", f"姓名：{p.name}", f"性別：{sex}"],
        [f"{lab['birth']}：{roc(p.birth_date)}", "", f"{lab['id']}：{p.national_id}"],
        [
            f"{lab['father']}：{p.father}",
            f"{lab['mother']}：{p.mother}",
            f"{lab['spouse']}：{p.spouse}" if p.spouse else "",
        ],
        [f"出生地：{p.birthplace}", "", ""],
    ]


def draw_blocks(s: Sheets) -> None:
    lab = _labels(s)
    s.rule(s.y, width=3)
    s.y += mm(2)
    for member in s.hh.members:
        for cells in _block(member, lab):
            s.ensure(s.line_h)
            for tab, text in zip(_TABS, cells, strict=True):
                if text:
                    s.text(LEFT + mm(tab), text)
            s.y += s.line_h
        for remark in member.remarks:
            for i, line in enumerate(s.wrap(remark, RIGHT - LEFT - mm(16))):
                s.ensure(s.line_h)
                if i == 0:
                    s.text(LEFT, "記事：")
                s.text(LEFT + mm(16), line)
                s.y += s.line_h
        s.rule(s.y + mm(0.5))
        s.y += mm(2.5)
