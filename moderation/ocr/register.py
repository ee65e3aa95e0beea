"""Household register (戶籍謄本): the applicant's and the inmate's members, their name, ID
number and birth date against the declaration, and what the register proves of their relation.

Members come from members.py (any of the three layouts); the relation from register_proof.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .cells import COLONS, Cell, labelled
from .confusions import known_confusion, misread_by_model, read_steadily, surname_misread
from .idnumber import find_ids, hamming
from .members import Member, read_members
from .register_columns import alts_of, by_columns_alone, column_near, kin_near, places
from .register_proof import (
    inmate_absent,
    inmate_unsure,
    relationship_by_column,
    relationship_field,
)
from .text import Line, find_roc_dates, folded
from .types import Declared, PrefillField, Status, not_found
from .verify import name_field, near_name, verify_birth_date, verify_id, verify_name


def _name_at(m: Member, name: str) -> tuple[Line, int] | None:
    """Where the member's name column holds `name` exactly (maybe with a stray mark)."""
    found = m.values.get("name")
    if found is None:
        return None
    cell, start, end = found
    pos = cell.text.find(name, start, end + 1)
    # Right after the name's own label too: 稱謂：孫女 read without 稱謂：孫 leaves 女姓名：….
    before = cell.text[max(start, pos - 4) : pos].rstrip(COLONS)
    labelled = before.endswith("姓名") and not before.endswith(("父姓名", "母姓名", "偶姓名"))
    return (cell.line, pos) if pos >= 0 and (pos <= start + 1 or labelled) else None


def _applicant(members: list[Member], d: Declared) -> Member | None:
    """By the ID number (unique, with a check digit), else by the exact name."""
    by_id = next((m for m in members if m.has_id(d.national_id.upper())), None)
    return by_id or next((m for m in members if _name_at(m, d.name)), None)


def _name_run(m: Member, cell: Cell) -> Line:
    """The name's cell and the name-like cells right after it on the member's row: a
    character not read leaves a gap as wide as a column's (林 | 青 for 林金青), and the
    name's second half is then taken for the next column."""
    words, at = list(cell.words), m.cells.index(cell)
    for nxt in m.cells[at + 1 : at + 3]:
        if abs(nxt.line.y - cell.line.y) > nxt.words[0].height / 2:
            break
        if find_ids(nxt.text) or find_roc_dates(nxt.text) or labelled(nxt):
            break
        words += nxt.words
    return Line(words)


def _name_field(m: Member, expected: str, id_confirmed: bool) -> PrefillField:
    at = _name_at(m, expected)
    if at is None and "name" in m.values:
        cell, start, end = m.values["name"]
        near = near_name(cell.text[start : end + 1], expected)
        if near < 0 and end - start < len(expected):  # read short: a character left out?
            return name_field(_name_run(m, cell), start, expected, id_confirmed)
        at = (cell.line, start + max(near, 0))
    if at is None:  # no name column read: look through the member's cells
        return verify_name(m.lines, expected, id_confirmed=id_confirmed)
    return name_field(at[0], at[1], expected, id_confirmed)


@dataclass(frozen=True)
class InmateRow:
    """The member taken for the inmate, and how sure that is."""

    member: Member
    line: Line
    pos: int
    #: True when the name is read exactly or differs only by a known OCR confusion (宥 read as
    #: 育): the row is the inmate's. False: one other character differs, so it may be a
    #: misreading or another member (siblings often share a generation character).
    confirmed: bool


def _inmate(members: list[Member], name: str, app: Member | None) -> InmateRow | None:
    """By the exact name in a name column; else by a one-character misreading, confirmed only
    if that is a known OCR confusion; none if ambiguous. (The roster gives only the name.)"""
    others = [m for m in members if m is not app]
    for m in others:
        at = _name_at(m, name)
        if at:
            return InmateRow(m, at[0], at[1], True)
    near = []
    for m in others:
        if "name" not in m.values:
            continue
        cell, start, end = m.values["name"]
        pos = near_name(cell.text[start : end + 1], name)
        if pos >= 0:
            read = cell.text[start + pos : start + pos + len(name)]
            sure = _known_in_readings(read, name, cell.line) or surname_misread(
                read, name, alts_of(cell.line.words)
            )
            near.append(InmateRow(m, cell.line, start + pos, sure))
    confirmed = [r for r in near if r.confirmed]
    if len(confirmed) == 1:
        return confirmed[0]
    return near[0] if len(near) == 1 else None


def _known_in_readings(read: str, name: str, line: Line) -> bool:
    """The name read with one known OCR confusion (宥 as 育), as chosen or at another scale
    (李豪霞 read 李豪雪, and 李豪震 at another: 霞 as 震 is known), the rest read alike."""
    if known_confusion(name, read):
        return True
    alts = {folded(a) for a in alts_of(line.words)}
    return any(known_confusion(name, alt[i : i + len(name)]) and hamming(alt[i : i + len(name)],
               read) <= 1 for alt in alts for i in range(len(alt) - len(name) + 1))  # fmt: skip


def _inmate_field(found: InmateRow | None, expected: str | None) -> PrefillField:
    """Match for the name as read or known-confused; a row with another character is a
    mismatch the reviewer should look at (a misreading, or not the inmate at all)."""
    if found is None or not expected:
        return not_found("inmate_name", expected)
    read = found.line.text[found.pos : found.pos + len(expected)]
    conf = found.line.conf(found.pos, found.pos + len(expected))
    if read == expected:
        status = Status.MATCH
    elif found.confirmed:
        status, conf = Status.MATCH, conf * 0.5
    else:
        status = Status.MISMATCH
    source = found.member.source
    return PrefillField("inmate_name", read, expected, status, round(conf, 2), source)


#: Declared relations that name one person only: the applicant's spouse, and (a child
#: declaring) a parent. A sibling, child or grandchild may be one of several with like names.
_SOLE = ("spouse", "child")


def _gap(read: str, expected: str) -> list[int]:
    return [i for i, (e, r) in enumerate(zip(expected, read, strict=False)) if e != r]


def _sole_relative(
    app: Member | None, found: InmateRow, d: Declared, members: list[Member]
) -> list[PrefillField] | None:
    """The inmate's row read one character off the roster's name, taken for the inmate only
    where the register proves that row the applicant's spouse (or parent, for a child) and
    that is what was declared, and the differing character is one the model misreads: it
    reads differently at each scale (莅), or, one the model cannot write at all (塏, 娣),
    differently in the row and in the applicant's own 配偶/父/母 column that names the
    inmate (confusions.misread_by_model). Either alone is not enough: the father's brother
    often shares two characters with him, and his name reads the same each time and place.
    The relation is proven with the name as read, by titles or columns, or, where they leave
    it open (the head's 配偶 beside the head's child), by that column of the applicant's."""
    if app is None or d.relationship not in _SOLE or not d.inmate_name:
        return None
    read = found.line.text[found.pos : found.pos + len(d.inmate_name)]
    column = kin_near(app, d)
    if not misread_by_model(read, d.inmate_name, alts_of(found.line.words), places(app, column)):
        return None
    rel = relationship_field(app, found.member, (d.name, read), d.relationship, members)
    if (
        rel.status == Status.NOT_FOUND
        and column is not None
        and _gap(column_near(app, column, d.inmate_name) or "", d.inmate_name)
        == _gap(read, d.inmate_name)
    ):  # the column off at the same character: the same name
        rel = relationship_by_column(app, column, d.relationship)
    if rel.status != Status.MATCH or rel.value != d.relationship:
        return None
    role = "配偶" if d.relationship == "spouse" else "父或母"
    why = (
        f"收容人姓名讀為「{read}」，與名冊差一字；此列經稱謂或父母欄、配偶欄證明為申請人"
        f"唯一的{role}，視為辨識誤差 / the name reads one character off the roster's; the "
        f"register proves this row the applicant's one {d.relationship} relation: a misreading"
    )
    # _inmate_field halves the confidence of a name not read exactly.
    inmate = _inmate_field(replace(found, confirmed=True), d.inmate_name)
    inmate = replace(inmate, source_text=f"{why} | {inmate.source_text}")
    rel = replace(
        rel, confidence=round(rel.confidence * 0.5, 2), source_text=f"{why} | {rel.source_text}"
    )
    return [rel, inmate]


def _inmate_fields(members: list[Member], d: Declared, app: Member | None) -> list[PrefillField]:
    """relationship and inmate_name."""
    name = d.inmate_name or ""
    found = _inmate(members, name, app) if name else None
    if found is not None and found.confirmed:
        rel = relationship_field(app, found.member, (d.name, name), d.relationship, members)
        return [rel, _inmate_field(found, d.inmate_name)]
    by_role = _sole_relative(app, found, d, members) if found is not None else None
    by_columns = by_role or by_columns_alone(app, d, members)
    if by_columns is not None:  # a row one character off is not needed where columns prove
        return by_columns
    if found is not None:  # never a relation from a row that may not be his
        rel = inmate_unsure(d.relationship, found.member.source)
        return [rel, _another_person(found, name) or _inmate_field(found, name)]
    rel = (
        inmate_absent(d.relationship)
        if app is not None and name
        else not_found("relationship", d.relationship)
    )
    return [rel, not_found("inmate_name", d.inmate_name)]


def _another_person(found: InmateRow, expected: str) -> PrefillField | None:
    """Not found for the row one character off: that character read the same at every scale
    and the roster's one a character the model writes, it is another member's name (a
    sister's 許廷明 beside the inmate's 許瑯明); read once only (pass 1), nothing tells yet.
    Else None: a mismatch for the reviewer to look at (the model may misread it). Pass 1's
    verdict must not be a mismatch that pass 2's better founded not-found cannot replace."""
    read = found.line.text[found.pos : found.pos + len(expected)]
    alts = alts_of(found.line.words)
    if alts and not read_steadily(read, expected, alts):
        return None
    why = (
        f"名冊姓名不在此謄本上；「{read}」與名冊差一字，且該字各次辨識皆同，是另一位家人 / the "
        f"roster's name is not on this register: {read} differs by a character read the same "
        f"every time, another member"
        if alts
        else f"無法確認：「{read}」與名冊差一字 / cannot tell yet: {read} is one character off"
    )
    source = f"{why} | {found.member.source[:60]}"
    return PrefillField("inmate_name", None, expected, Status.NOT_FOUND, 0.0, source)


def register_fields(lines: list[Line], d: Declared) -> list[PrefillField]:
    members = read_members(lines)
    app = _applicant(members, d)
    if app is None:
        fields = [
            not_found("name", d.name),
            not_found("national_id", d.national_id),
            not_found("birth_date", d.birth_date.isoformat()),
        ]
    else:
        id_field = verify_id(app.lines, d.national_id)
        fields = [
            _name_field(app, d.name, id_field.status == Status.MATCH),
            id_field,
            # The member's cells run together too: a date split by a wide gap is whole again.
            verify_birth_date(
                [*app.lines, Line([w for c in app.cells for w in c.words])],
                d.birth_date,
                skip_issue=False,
            ),
        ]
    return [*fields, *_inmate_fields(members, d, app)]
