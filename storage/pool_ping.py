"""A pooled PostgreSQL connection is tested before use only when it sat idle for a while.

SQLAlchemy's `pool_pre_ping` sends a round trip on every checkout, and a family's read checks a
connection out twice (its login, then the page): two of its ten round trips, each a wait for a
PostgreSQL backend to be scheduled on a busy machine. A connection that came back moments ago
is almost never dead; one left idle may be (a restarted server, a firewall's idle timeout).
After a restart the first query on a stale connection still fails with 503 (`database_unavailable`,
nothing saved) and SQLAlchemy then discards every older connection of the pool: the next request
gets a fresh one. This is the pessimistic test of SQLAlchemy's "Disconnect Handling" documentation
(a `checkout` listener raising `DisconnectionError`), limited by age.
"""

import time
from typing import Any

from sqlalchemy import Engine, event, exc

_RETURNED_AT = "familybook_returned_at"


def ping_when_idle(engine: Engine, after_s: float) -> None:
    """Test a connection at checkout if it was idle in the pool for more than `after_s`
    seconds (0: at every checkout)."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        # A new connection counts as just tested: it has only now been made.
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and time.monotonic() - returned <= after_s:
            return
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            # Left as found: outside autocommit the SELECT opened a transaction, and a
            # connection handed out inside one cannot be switched to autocommit
            # (`Database.single_read`: every review request after a pause failed with 500).
            dbapi_conn.rollback()
        except Exception as error:  # the driver's own error: the connection is gone
            # The pool then discards this connection and checks out another (three tries).
            raise exc.DisconnectionError() from error
