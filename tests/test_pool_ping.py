"""A pooled PostgreSQL connection is tested before use only after it sat idle (storage.pool_ping):
a dead one is replaced without the family seeing an error, a young one costs no round trip."""

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.conftest import BACKEND
from usecases.runtime import Runtime

pytestmark = pytest.mark.skipif(
    BACKEND != "production",
    reason="PostgreSQL's pool: the embedded SQLite keeps its own ping",
)


@pytest.fixture
def pool(rt: Runtime) -> Iterator[Database]:
    db = Database(rt.settings.database_url, pool_size=1, max_overflow=0, ping_after_idle_s=0.3)
    try:
        yield db
    finally:
        db.dispose()


def _used_once(db: Database) -> int:
    """The backend of the pool's one connection, used and given back (its last statement:
    COMMIT)."""
    with db.sessions() as session:
        pid = session.scalar(text("SELECT pg_backend_pid()"))
        session.commit()
    return pid


def _last_query(rt: Runtime, pid: int) -> str:
    with rt.db.sessions() as other:
        return other.scalar(text("SELECT query FROM pg_stat_activity WHERE pid = :p"), {"p": pid})


def test_a_connection_back_moments_ago_is_used_without_a_test_query(rt, pool):
    pid = _used_once(pool)
    with pool.sessions() as session:
        session.connection()  # checked out again at once
        assert _last_query(rt, pid) == "COMMIT"  # still ours: no SELECT 1 went before it
        session.rollback()


def test_a_connection_idle_past_the_limit_is_tested_before_use(rt, pool):
    pid = _used_once(pool)
    time.sleep(0.5)
    with pool.sessions() as session:
        session.connection()  # the checkout
        # The test query's transaction ended with it (it came after the COMMIT of its use)
        assert _last_query(rt, pid) == "ROLLBACK"
        session.rollback()


def test_a_connection_tested_after_a_pause_still_serves_a_read_in_autocommit(rt, pool):
    """The staff member behind a token is read in autocommit (`Database.single_read`): a
    connection the test query left inside a transaction refused it, a 500 on every review
    request after a pause."""
    _used_once(pool)
    time.sleep(0.5)
    with pool.single_read() as conn:
        assert conn.scalar(text("SELECT 1")) == 1


def test_an_idle_connection_the_server_dropped_is_replaced_without_an_error(rt, pool):
    pid = _used_once(pool)
    with rt.db.sessions() as other:
        assert other.scalar(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    time.sleep(0.5)
    with pool.sessions() as session:
        assert session.scalar(text("SELECT pg_backend_pid()")) != pid
