"""The inmate's name read in the applicant's own 父/母/配偶 columns, or in those of the
applicant's parent: proof of a relation that needs no row of the inmate's (registered
elsewhere, or his row read one character off, which alone proves nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .confusions import misread_by_model
from .idnumber import hamming
from .members import Member
from .register_proof import (
    grandparent_column,
    kin_column,
    relationship_by_chain,
    relationship_by_column,
)
from .text import Word
from .types import Declared, PrefillField, Status


def named_in_column(app: Member, column: str, expected: str) -> PrefillField:
    """The inmate registered elsewhere, named in the applicant's 父/母/配偶 column."""
    cell, start, end = app.values[column]
    read = app.value(column) or ""  # the name exactly or with a known misreading (kin_column)
    conf = cell.line.conf(start, end) * (1 if read == expected else 0.5)
    return PrefillField(
        "inmate_name", read, expected, Status.MATCH, round(conf, 2), cell.line.display
    )


def alts_of(words: Iterable[Word]) -> set[str]:
    return {a for w in words for a in w.alts}


def kin_near(app: Member | None, d: Declared) -> str | None:
    """The applicant's 配偶 (declared spouse) or 父/母 column (declared child: the inmate is
    the parent) that reads the inmate's name (3+ characters) one character off, one only."""
    name = d.inmate_name or ""
    kin = {"spouse": ("spouse",), "child": ("father", "mother")}.get(d.relationship or "", ())
    if app is None or len(name) < 3:
        return None
    near = [k for k in kin if len(v := app.value(k) or "") == len(name) and hamming(v, name) == 1]
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
    return column if misread_by_model(app.value(column) or "", d.inmate_name or "", alts) else None


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
    column = sole_column(app, d)
    if column is None:
        return None
    why = (
        "收容人姓名在申請人的父母欄或配偶欄讀為差一字，該欄只載一人，視為辨識誤差 / the "
        "applicant's own 父/母/配偶 column, which names one person, reads the inmate's "
        "name one character off: a misreading"
    )
    rel = relationship_by_column(app, column, d.relationship)
    inmate = named_in_column(app, column, name)
    return [replace(f, source_text=f"{why} | {f.source_text}") for f in (rel, inmate)]
