"""The inmate's name read in the applicant's own 父/母/配偶 columns, or in those of the
applicant's parent: proof of a relation that needs no row of the inmate's (registered
elsewhere, or his row read one character off, which alone proves nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .confusions import misread_by_model
from .idnumber import hamming
from .members import STRAY, STRAY_AFTER, Member
from .register_proof import (
    grandparent_column,
    kin_column,
    parent_rows,
    relationship_by_chain,
    relationship_by_column,
)
from .text import Word, folded
from .types import Declared, PrefillField, Status


def named_in_column(
    app: Member, column: str, expected: str, read: str | None = None
) -> PrefillField:
    """The inmate registered elsewhere, named in the applicant's 父/母/配偶 column (`read`:
    the reading of it that names him, if not the one chosen)."""
    cell, start, end = app.values[column]
    # the name exactly or with a known misreading (kin_column)
    read = read or app.value(column) or ""
    conf = cell.line.conf(start, end) * (1 if read == expected else 0.5)
    return PrefillField(
        "inmate_name", read, expected, Status.MATCH, round(conf, 2), cell.line.display
    )


def alts_of(words: Iterable[Word]) -> set[str]:
    return {a for w in words for a in w.alts}


def column_near(app: Member, column: str, name: str) -> str | None:
    """The column's value one character off `name`: as read, else as read at another scale
    (邱姷雲's 配偶 column read 邱妓 with a character dropped, 邱娟雲 and 邱妨雲 at others)."""
    value = app.value(column) or ""
    readings = [value, *sorted(alts_of(app.values[column][0].words))]
    for text in readings if value else []:
        text = folded(text[max(text.rfind(c) for c in ":：") + 1 :]).strip(STRAY + STRAY_AFTER)
        if len(text) == len(name) and hamming(text, name) == 1:
            return text
    return None


def kin_near(app: Member | None, d: Declared) -> str | None:
    """The applicant's 配偶 (declared spouse) or 父/母 column (declared child: the inmate is
    the parent) that reads the inmate's name (3+ characters) one character off, one only."""
    name = d.inmate_name or ""
    kin = {"spouse": ("spouse",), "child": ("father", "mother")}.get(d.relationship or "", ())
    if app is None or len(name) < 3:
        return None
    near = [k for k in kin if k in app.values and column_near(app, k, name)]
    return near[0] if len(near) == 1 else None


def places(app: Member | None, column: str | None) -> set[str]:
    """The column's readings (as read and at the other scales), as further readings of the
    inmate's name printed elsewhere on the register."""
    if app is None or column is None:
        return set()
    return {app.value(column) or "", *alts_of(app.values[column][0].words)}


def sole_column(app: Member | None, d: Declared) -> str | None:
    """The applicant's one column naming the inmate one character off (_kin_near), that
    character misread by the model at its scales (as _sole_relative)."""
    column = kin_near(app, d)
    if app is None or column is None:
        return None
    alts = alts_of(app.values[column][0].words)
    read = column_near(app, column, d.inmate_name or "") or ""
    return column if misread_by_model(read, d.inmate_name or "", alts) else None


def near_grandparent(
    app: Member | None, d: Declared, members: list[Member]
) -> tuple[Member, str, str] | None:
    """As register_proof.grandparent_column, the parent's 父/母 column reading the inmate's
    name one character off, that character misread by the model at the column's scales (魏國炅
    read 魏國只, 魏國路): (parent, column, reading). That column names one person, as the
    applicant's own does (sole_column); one read the same each time names another."""
    name = d.inmate_name or ""
    if app is None or len(name) < 3 or d.relationship != "grandchild":
        return None
    for m in parent_rows(app, members):
        for column in ("father", "mother"):
            read = column_near(m, column, name) if column in m.values else None
            if read and misread_by_model(read, name, alts_of(m.values[column][0].words)):
                return m, column, read
    return None


def by_columns_alone(
    app: Member | None, d: Declared, members: list[Member]
) -> list[PrefillField] | None:
    """The inmate named in the applicant's own 父/母/配偶 column (registered elsewhere, or
    his row read one character off), in that of the applicant's parent (a grandparent), or
    one character off in the applicant's own column where the model misreads (_sole_column)."""
    name = d.inmate_name or ""
    if app is None or not name:
        return None
    column = kin_column(app, name)
    if column is not None:
        return [relationship_by_column(app, column, d.relationship),
                named_in_column(app, column, name)]  # fmt: skip
    grand = grandparent_column(app, name, members)
    if grand is not None:
        parent, column = grand
        rel = relationship_by_chain(app, parent, column, d.relationship)
        return [rel, named_in_column(parent, column, name)]
    near = near_grandparent(app, d, members)
    if near is not None:
        parent, column, read = near
        why = (
            "收容人姓名在申請人父母的父母欄讀為差一字，該欄只載一人，視為辨識誤差 / the 父/母 "
            "column of the applicant's parent, which names one person, reads the inmate's name "
            "one character off: a misreading"
        )
        rel = relationship_by_chain(app, parent, column, d.relationship)
        inmate = named_in_column(parent, column, name, read)
        return [replace(f, source_text=f"{why} | {f.source_text}") for f in (rel, inmate)]
    column = sole_column(app, d)
    if column is None:
        return None
    why = (
        "收容人姓名在申請人的父母欄或配偶欄讀為差一字，該欄只載一人，視為辨識誤差 / the "
        "applicant's own 父/母/配偶 column, which names one person, reads the inmate's "
        "name one character off: a misreading"
    )
    rel = relationship_by_column(app, column, d.relationship)
    inmate = named_in_column(app, column, name, column_near(app, column, name))
    return [replace(f, source_text=f"{why} | {f.source_text}") for f in (rel, inmate)]
