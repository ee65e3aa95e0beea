"""Household register (戶籍謄本): find the applicant's and the inmate's rows, compare the rows'
name, ID number and birth date with the declaration, and derive their relationship from 稱謂."""

from __future__ import annotations

from .idnumber import find_ids
from .kinship import derive, matches, title_at_start
from .text import Line, find_roc_dates
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


def _relationship(app: Line | None, inmate: Line | None, declared: str | None) -> PrefillField:
    a_title = title_at_start(app.text) if app else None
    i_title = title_at_start(inmate.text) if inmate else None
    if not (app and inmate and a_title and i_title):
        return not_found("relationship", declared)
    derived = derive(a_title, i_title)
    value = "/".join(sorted(derived))
    conf = min(app.conf(0, len(a_title) + 1), inmate.conf(0, len(i_title) + 1))
    if len(derived) > 1:
        conf /= 2  # ambiguous through the head of household: the reviewer should look
    status = Status.NOT_FOUND if declared is None else (
        Status.MATCH if matches(declared, derived) else Status.MISMATCH)
    source = f"{app.display[:30]} / {inmate.display[:30]}"
    return PrefillField("relationship", value, declared, status, round(conf, 2), source)


def _inmate_row(lines: list[Line], d: Declared, app: Line | None) -> tuple[Line, int] | None:
    """The inmate's row and the name's offset in it: by exact name, or by a one-character
    misreading of it in the name column when the row's birth date confirms it."""
    name = d.inmate_name or ""
    row = _row_by_name(lines, name, exclude=app) if name else None
    if row is not None:
        return row, row.text.find(name)
    if not name or d.inmate_birth_date is None:
        return None
    for line in lines:
        pos = near_name(line.text[: NAME_COLUMN_END + len(name)], name)
        dates = [found for found, _, _ in find_roc_dates(line.text)]
        if line is not app and pos >= 0 and d.inmate_birth_date in dates:
            return line, pos
    return None


def _inmate_field(found: tuple[Line, int] | None, expected: str | None) -> PrefillField:
    if found is None or not expected:
        return not_found("inmate_name", expected)
    row, pos = found
    read = row.text[pos : pos + len(expected)]
    conf = row.conf(pos, pos + len(expected)) * (1.0 if read == expected else 0.5)
    return PrefillField("inmate_name", read, expected, Status.MATCH, round(conf, 2), row.display)


def register_fields(lines: list[Line], d: Declared) -> list[PrefillField]:
    app = _applicant_row(lines, d)
    inmate = _inmate_row(lines, d, app)
    if app is None:
        fields = [not_found("name", d.name), not_found("national_id", d.national_id),
                  not_found("birth_date", d.birth_date.isoformat())]
    else:
        id_field = verify_id([app], d.national_id)
        fields = [_name_field(app, d.name, id_field.status == Status.MATCH), id_field,
                  verify_birth_date([app], d.birth_date, skip_issue=False)]
    relationship = _relationship(app, inmate[0] if inmate else None, d.relationship)
    return [*fields, relationship, _inmate_field(inmate, d.inmate_name)]
