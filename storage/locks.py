"""Locks across processes, held by a transaction (issue 13).

PostgreSQL: an advisory lock tied to the transaction, taken without waiting, released by its
commit or rollback (or the connection dying), so a killed holder never leaves it behind.
SQLite: one writer at a time already (our transactions BEGIN IMMEDIATE), so the lock is the
database's own and this always answers True.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

#: The sweeper's advisory lock key (any fixed 64-bit number, the same in every process).
SWEEPER_LOCK = 0x46_42_53_57  # "FBSW"


def try_transaction_lock(session: Session, key: int) -> bool:
    """Take `key` for the rest of this transaction if nobody holds it; False if someone does."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    taken = session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key})
    return bool(taken)
