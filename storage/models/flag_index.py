"""The flags of each attempt as rows (`attempt_flags`), for the queue's `flag` filter.

`attempts.flags` stays the record (a JSON list of {code, message, message_en}, what the detail
shows); filtering on it meant parsing every scanned row's JSON, so a rare flag read the whole
queue. An index of (code, attempt) finds the few attempts with a flag instead, and answers a
common flag's probe per row without parsing anything.

Kept in step by the ORM, whatever sets `Attempt.flags` (creating an attempt, the OCR workers,
the tests' fixtures): in each flush, an attempt that is new or whose flags were assigned gets
its rows replaced. Writing the JSON column with SQL around the ORM would leave them
behind: nothing in the application does (migration 0013 fills the rows of older attempts).
"""

from typing import Any

from sqlalchemy import ForeignKey, String, delete, event, insert
from sqlalchemy.orm import Mapped, Session, attributes, mapped_column

from storage.models.base import Base
from storage.models.submissions import Attempt


class AttemptFlag(Base):
    __tablename__ = "attempt_flags"
    attempt_id: Mapped[str] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    #: A `moderation.flags.FlagCode` value; indexed (ix_attempt_flags_code) with the attempt.
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


_TABLE = AttemptFlag.__table__


def flag_codes(flags: Any) -> set[str]:
    return {f["code"] for f in flags or [] if isinstance(f, dict) and f.get("code")}


@event.listens_for(Session, "after_flush")
def _index_flags(session: Session, _context: Any) -> None:
    """After the attempts' own rows are written (the flag rows refer to them), in the same
    transaction: the new attempts' flags, and those of attempts whose flags were assigned."""
    new = [a for a in session.new if isinstance(a, Attempt)]
    changed = [
        a
        for a in session.dirty
        if isinstance(a, Attempt) and attributes.get_history(a, "flags").added
    ]
    if not new and not changed:
        return
    connection = session.connection()
    if changed:
        ids = [a.id for a in changed]
        connection.execute(delete(_TABLE).where(_TABLE.c.attempt_id.in_(ids)))
    rows = [{"attempt_id": a.id, "code": c} for a in new + changed for c in flag_codes(a.flags)]
    if rows:
        connection.execute(insert(_TABLE), rows)
