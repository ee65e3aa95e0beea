"""Household register (戶籍謄本): find the applicant's and the inmate's rows, compare the rows'
name, ID number and birth date with the declaration, and derive their relationship from 稱謂."""

from __future__ import annotations

from dataclasses import dataclass

from .confusions import known_confusion
from .idnumber import find_ids
from .kinship import derive, matches, title_at_start
from .text import Line
from .types import Declared, PrefillField, Status, not_found
from .verify import name_field, near_name, verify_birth_date, verify_id

#: A member's name sits right after the 稱謂; further right it is a parent's name column.
NAME_COLUMN_END = 6


def _row_by_name(lines: list[Line], name: str, exclude: Line | None = None) -> Line | None:
    hits = [(line.text.find(name), line) for line in lines if line is not exclude]
    hits = [(pos, line) for pos, line in hits if 0 <= pos <= NAME_COLUMN_END]
    return min(hits, key=lambda h: h[0])[1] if hits else None


def _applicant_row(lines: list[Line], d: Declared) -> Line | None:
    for line in lines:  # the ID number is the strongest key: unique, with a check digit
        if any(c.value == d.national_id.upper() for c in find_ids(line.text)):
            return line
    return _row_by_name(lines, d.name)


def _name_field(row: Line, expected: str, id_confirmed: bool) -> PrefillField:
    text = row.text
    pos = text.find(expected)
    if not 0 <= pos <= NAME_COLUMN_END:
        pos = near_name(text[: NAME_COLUMN_END + len(expected)], expected)
    if pos < 0:  # read what stands right after the 稱謂 instead
        title = title_at_start(text)
        pos = text.find(title) + len(title) if title else 0
    if pos >= len(text):
        return not_found("name", expected)
    return name_field(row, pos, expected, id_confirmed)


@dataclass(frozen=True)
class InmateRow:
    """The row taken for the inmate's, where the name stands in it, and how sure that is."""

    line: Line
    pos: int
    #: True when the name is read exactly or differs only by known OCR confusions (宥 read as
    #: 育): the row is the inmate's. False: one other character differs, so it may be a
    #: misreading or another member (siblings often share a generation character).
    confirmed: bool


def _relationship(app: Line | None, inmate: InmateRow | None, declared: str | None) -> PrefillField:
    """Derived from both rows' 稱謂, and only from a row that is surely the inmate's."""
    a_title = title_at_start(app.text) if app else None
    row = inmate.line if inmate and inmate.confirmed else None
    i_title = title_at_start(row.text) if row else None
    if not (app and row and a_title and i_title):
        return not_found("relationship", declared)
    derived = derive(a_title, i_title)
    value = "/".join(sorted(derived))
    conf = min(app.conf(0, len(a_title) + 1), row.conf(0, len(i_title) + 1))
    if len(derived) > 1:
        conf /= 2  # ambiguous through the head of household: the reviewer should look
    status = (
        Status.NOT_FOUND
        if declared is None
        else (Status.MATCH if matches(declared, derived) else Status.MISMATCH)
    )
    source = f"{app.display[:30]} / {row.display[:30]}"
    return PrefillField("relationship", value, declared, status, round(conf, 2), source)


def _near_rows(lines: list[Line], name: str, app: Line | None) -> list[InmateRow]:
    """Member rows (they start with a 稱謂) with a one-character misreading of `name` in the
    name column."""
    rows = []
    for line in lines:
        if line is app or title_at_start(line.text) is None:
            continue
        pos = near_name(line.text[: NAME_COLUMN_END + len(name)], name)
        if pos >= 0:
            read = line.text[pos : pos + len(name)]
            rows.append(InmateRow(line, pos, known_confusion(name, read)))
    return rows


def _inmate_row(lines: list[Line], d: Declared, app: Line | None) -> InmateRow | None:
    """The inmate's row: by the exact name in the name column; else by a one-character
    misreading of it, confirmed only if that is a known OCR confusion; none if ambiguous.
    (The roster has no birth date or ID number for the inmate to confirm a row with.)"""
    name = d.inmate_name or ""
    row = _row_by_name(lines, name, exclude=app) if name else None
    if row is not None:
        return InmateRow(row, row.text.find(name), True)
    near = _near_rows(lines, name, app) if name else []
    confirmed = [r for r in near if r.confirmed]
    if len(confirmed) == 1:
        return confirmed[0]
    return near[0] if len(near) == 1 else None


def _inmate_field(found: InmateRow | None, expected: str | None) -> PrefillField:
    """Match for the name as read or known-confused; a row with another character is a
    mismatch the reviewer should look at (a misreading, or not the inmate at all)."""
    if found is None or not expected:
        return not_found("inmate_name", expected)
    row, pos = found.line, found.pos
    read = row.text[pos : pos + len(expected)]
    conf = row.conf(pos, pos + len(expected))
    if read == expected:
        status = Status.MATCH
    elif found.confirmed:
        status, conf = Status.MATCH, conf * 0.5
    else:
        status = Status.MISMATCH
    return PrefillField("inmate_name", read, expected, status, round(conf, 2), row.display)


def register_fields(lines: list[Line], d: Declared) -> list[PrefillField]:
    app = _applicant_row(lines, d)
    inmate = _inmate_row(lines, d, app)
    if app is None:
        fields = [
            not_found("name", d.name),
            not_found("national_id", d.national_id),
            not_found("birth_date", d.birth_date.isoformat()),
        ]
    else:
        id_field = verify_id([app], d.national_id)
        fields = [
            _name_field(app, d.name, id_field.status == Status.MATCH),
            id_field,
            verify_birth_date([app], d.birth_date, skip_issue=False),
        ]
    relationship = _relationship(app, inmate, d.relationship)
    return [*fields, relationship, _inmate_field(inmate, d.inmate_name)]
