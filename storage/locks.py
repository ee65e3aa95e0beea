"""Locks across processes, held by a transaction (issue 13).

PostgreSQL: an advisory lock tied to the transaction, tried without waiting or waited for,
released by its commit or rollback (or the connection dying), so a killed holder never leaves
it behind.
SQLite: one writer at a time already (our transactions BEGIN IMMEDIATE), so the lock is the
database's own: taking one always succeeds at once.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

#: The sweeper's advisory lock key (any fixed 64-bit number, the same in every process).
SWEEPER_LOCK = 0x46_42_53_57  # "FBSW"
#: Taken by each search for a checked file's duplicates (`storage.duplicates`).
DUPLICATES_LOCK = 0x46_42_44_55  # "FBDU"


def try_transaction_lock(session: Session, key: int) -> bool:
    """Take `key` for the rest of this transaction if nobody holds it; False if someone does."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    taken = session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key})
    return bool(taken)


def transaction_lock(session: Session, key: int) -> None:
    """Take `key` for the rest of this transaction, waiting for whoever holds it to finish."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
