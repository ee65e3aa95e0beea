"""What a register proves about the applicant and the inmate, and why when it proves nothing.

Titles (稱謂) say how each member stands to the head of household. Between two other members
they prove a relation only where it runs through the head by blood (戶長 → 長子, 長子 → 長女).
Where it may not (the head's 配偶 beside the head's 長子: mother or step-mother), the 父/母
columns settle it when they name the other member; the 配偶 column settles a 媳 and a son.
An inmate registered in another household is found in the applicant's own 父/母/配偶 column.
What stays unproven is `not_found`, with the reason, never a `match`.
"""

from __future__ import annotations

from .confusions import known_confusion, misread_unsteadily, surname_misread
from .kinship import derive, matches
from .members import KIN, Member
from .types import PrefillField, Status, not_found

#: Relationship codes in the reviewer's language, for the reasons below.
CODE_ZH = {
    "spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姊妹",
    "grandparent": "祖父母", "grandchild": "孫子女", "relative": "親屬", "cohabitant": "同居人",
}  # fmt: skip


def same_person(read: str | None, name: str | None) -> bool:
    """A name read from a column is `name`: exactly, or with one known OCR misreading."""
    return bool(read and name) and (read == name or known_confusion(name, read))


def _parent(parent: str | None, child: Member) -> bool:
    return any(same_person(child.value(k), parent) for k in ("father", "mother"))


def _own_column(app: Member, columns: tuple[str, ...], name: str) -> bool:
    """One of the applicant's own columns that name one person (父, 母, 配偶) names `name`:
    as same_person, or one character off where that character reads differently at each
    scale (怡 read 恰, 抬, 治: confusions.misread_unsteadily), as a printed one never does."""
    for k in columns:
        read = app.value(k) or ""
        alts = {a for w in app.values[k][0].words for a in w.alts} if k in app.values else ()
        if same_person(read, name) or (alts and misread_unsteadily(read, name, alts)):
            return True
    return False


def _by_columns(
    app: Member, inmate: Member, names: tuple[str, str], members: list[Member]
) -> str | None:
    """The code the 父/母/配偶 columns prove (applicant to inmate), or None."""
    app_name, inmate_name = names
    if _own_column(app, ("spouse",), inmate_name) or same_person(inmate.value("spouse"), app_name):
        return "spouse"
    if _parent(app_name, inmate):
        return "parent"
    if _own_column(app, ("father", "mother"), inmate_name):
        return "child"
    # one generation between them, through a member both name (parent_rows)
    app_parents, inmate_parents = parent_rows(app, members), parent_rows(inmate, members)
    for middle in members:
        if middle in (app, inmate) or not middle.value("name"):
            continue
        if _parent(app_name, middle) and middle in inmate_parents:
            return "grandparent"
        if _parent(inmate_name, middle) and middle in app_parents:
            return "grandchild"
    return None


def _verdict(codes: set[str], declared: str | None, proven: bool) -> Status:
    if declared is None:
        return Status.NOT_FOUND
    if proven:
        return Status.MATCH if matches(declared, codes) else Status.MISMATCH
    if declared == "relative" and "cohabitant" not in codes:
        return Status.MATCH  # kin either way: by blood or by marriage
    return Status.NOT_FOUND if declared in codes else Status.MISMATCH


def _unproven_reason(app: Member, inmate: Member, declared: str) -> str:
    zh = CODE_ZH.get(declared, declared)
    return (
        f"無法證明：稱謂「{app.title}」與「{inmate.title}」不足以證明{zh}關係"
        f"（可能為繼親或姻親），父母欄、配偶欄亦未載明 / cannot prove {declared}: the titles "
        f"{app.title} and {inmate.title} allow a step- or in-law relation, and the 父/母/配偶 "
        "columns do not say"
    )


def relationship_field(
    app: Member | None,
    inmate: Member | None,
    names: tuple[str, str],
    declared: str | None,
    members: list[Member],
) -> PrefillField:
    """`names`: the applicant's declared name and the inmate's name from the roster."""
    if app is None or inmate is None:
        return not_found("relationship", declared)
    codes = derive(app.title, inmate.title) if app.title and inmate.title else None
    proven = codes is not None and len(codes) == 1
    if not proven:
        by_columns = _by_columns(app, inmate, names, members)
        if by_columns is not None and (codes is None or by_columns in codes):
            codes, proven = {by_columns}, True
    if codes is None:  # a title unread and no column to prove anything
        reason = (
            "無法判斷：稱謂讀不出，父母欄、配偶欄亦未載明 / cannot tell: a 稱謂 could not "
            f"be read and no 父/母/配偶 column says | {app.source[:40]} / {inmate.source[:40]}"
        )
        return PrefillField("relationship", None, declared, Status.NOT_FOUND, 0.0, reason)
    value = "/".join(sorted(codes))
    status = _verdict(codes, declared, proven)
    conf = min(app.cells[0].line.conf(), inmate.cells[0].line.conf()) * (1 if proven else 0.5)
    source = f"{app.source[:40]} / {inmate.source[:40]}"
    if status == Status.NOT_FOUND and declared:
        source = f"{_unproven_reason(app, inmate, declared)} | {source}"
    return PrefillField("relationship", value, declared, status, round(conf, 2), source)


def kin_column(app: Member | None, inmate_name: str | None) -> str | None:
    """The applicant's 父, 母 or 配偶 column that names the inmate (who lives elsewhere)."""
    if app is None:
        return None
    return next((k for k in KIN if same_person(app.value(k), inmate_name)), None)


def relationship_by_column(app: Member, column: str, declared: str | None) -> PrefillField:
    """The inmate named in the applicant's own 父/母 (the applicant is the child) or 配偶."""
    code = "spouse" if column == "spouse" else "child"
    status = (
        Status.NOT_FOUND
        if declared is None
        else (Status.MATCH if matches(declared, {code}) else Status.MISMATCH)
    )
    cell, start, end = app.values[column]
    conf = cell.line.conf(start, end)
    return PrefillField("relationship", code, declared, status, round(conf, 2), app.source)


def inmate_absent(declared: str | None) -> PrefillField:
    field = not_found("relationship", declared)
    reason = (
        "收容人不在此謄本上，申請人的父母欄、配偶欄也未載明收容人 / the inmate is not on "
        "this register, nor named in the applicant's 父/母/配偶 columns"
    )
    return PrefillField(field.field, None, declared, Status.NOT_FOUND, 0.0, reason)


def inmate_unsure(declared: str | None, row: str) -> PrefillField:
    """The inmate's row read with a name one character off the roster's: a misreading, or a
    brother who shares his generation character; no relation is derived from it."""
    reason = (
        "無法確認：收容人那一列的姓名與名冊差一字，可能是讀錯或另一位家人 / cannot tell: the "
        f"inmate's row reads one character off the roster's name | {row[:60]}"
    )
    return PrefillField("relationship", None, declared, Status.NOT_FOUND, 0.0, reason)


def parent_rows(app: Member, members: list[Member]) -> list[Member]:
    """The members the applicant's own 父/母 columns name: as same_person, or with only the
    surname misread, differently at each scale (陳筱猜 read 東筱猜, 喇筱猜: the given name
    names him, confusions.surname_misread)."""
    out = []
    for k in ("father", "mother"):
        read = app.value(k)
        if not read:
            continue
        alts = {a for w in app.values[k][0].words for a in w.alts}
        out += [m for m in members if m is not app and (same_person(m.value("name"), read) or
                surname_misread(read, m.value("name") or "", alts))]  # fmt: skip
    return out


def grandparent_column(
    app: Member | None, inmate_name: str | None, members: list[Member]
) -> tuple[Member, str] | None:
    """The member the applicant's own 父/母 column names (parent_rows), and that member's
    父/母 column that names the inmate: (member, column). Two columns that each name one
    person prove the applicant a grandchild of the inmate without the inmate's own row (read
    one character off, or registered elsewhere), as the applicant's own column proves a
    parent."""
    if app is None or not inmate_name:
        return None
    for m in parent_rows(app, members):
        column = kin_column(m, inmate_name)
        if column in ("father", "mother"):
            return m, column
    return None


def relationship_by_chain(
    app: Member, parent: Member, column: str, declared: str | None
) -> PrefillField:
    """The applicant a grandchild of the inmate: the applicant's 父/母 column names `parent`,
    whose `column` names the inmate (grandparent_column)."""
    status = (
        Status.NOT_FOUND
        if declared is None
        else (Status.MATCH if matches(declared, {"grandchild"}) else Status.MISMATCH)
    )
    cell, start, end = parent.values[column]
    conf = min(cell.line.conf(start, end), app.cells[0].line.conf())
    source = f"{app.source[:40]} / {parent.source[:40]}"
    return PrefillField("relationship", "grandchild", declared, status, round(conf, 2), source)
