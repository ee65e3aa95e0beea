"""Engine and sessions. One `Database` per process, built from a URL.

A session from here never commits: the use cases (`usecases/`) end every transaction, so
"where does this change become real" has one answer. A session left uncommitted is rolled back.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from moderation.errors import ErrorCode, Unavailable
from storage.pool_ping import ping_when_idle

#: Connections kept open per process (PostgreSQL), and how many more it may open briefly.
DEFAULT_POOL_SIZE = 10
DEFAULT_MAX_OVERFLOW = 10
#: A PostgreSQL connection idle in the pool longer than this is tested before use
#: (`storage.pool_ping`).
DEFAULT_PING_AFTER_IDLE_S = 5.0


#: Every engine is built with `hide_parameters=True`: a database error's text (logged, and
#: shown in tracebacks) otherwise carries the bound values, whole account rows with national
#: IDs, birth dates and password hashes among them.


def make_engine(
    url: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    max_overflow: int = DEFAULT_MAX_OVERFLOW,
    ping_after_idle_s: float = DEFAULT_PING_AFTER_IDLE_S,
    parallel_workers: int = 0,
) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            _private_database_file(Path(database))
        engine = create_engine(
            url,
            # pysqlite's own BEGIN handling is turned off so that ours (IMMEDIATE) is used.
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
            pool_pre_ping=True,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _keep_values_out)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # The connection used last is used next: under a light load a few connections do the
        # work and keep their prepared statements and plans warm (psycopg prepares a statement
        # at its sixth run on a connection, PostgreSQL keeps a generic plan after five more).
        # First in, first out spread ten reviewers' claims over all twelve connections of a
        # process, each preparing and planning everything again.
        pool_use_lifo=True,
        hide_parameters=True,
        connect_args={"options": f"-c max_parallel_workers_per_gather={parallel_workers}"},
    )
    ping_when_idle(engine, ping_after_idle_s)
    event.listen(engine, "handle_error", _keep_values_out)
    return engine


def _keep_values_out(context: Any) -> None:
    """PostgreSQL's own message carries data too: its DETAIL quotes the row or key refused
    ("Failing row contains (…, A123456789, …)"). Only the primary message is kept."""
    orig = context.original_exception
    primary = getattr(getattr(orig, "diag", None), "message_primary", None)
    if not primary:
        return
    orig.args = (primary,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:
        wrapped.args = (f"({type(orig).__module__}.{type(orig).__name__}) {primary}",)


def _private_database_file(path: Path) -> None:
    """The SQLite file holds every family's national ID: owner only (its -wal and -shm files
    take the same mode from it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the API read while the in-process worker writes; foreign keys are off by default.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN: two deferred transactions that both read then write would
    # otherwise fail with "database is locked" instead of waiting their turn.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        max_overflow: int = DEFAULT_MAX_OVERFLOW,
        ping_after_idle_s: float = DEFAULT_PING_AFTER_IDLE_S,
        parallel_workers: int = 0,
    ) -> None:
        self.url = url
        self.engine = make_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            ping_after_idle_s=ping_after_idle_s,
            parallel_workers=parallel_workers,
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading, or for a use case that commits it; rolled back at the end.
        The database going away is `Unavailable`: retry later, nothing was saved."""
        with self.sessions() as session:
            try:
                yield session
            except OperationalError as exc:
                raise database_unavailable() from exc
            # Leaving the block closes the session, which rolls back what was not committed.

    @contextmanager
    def single_read(self) -> Iterator[Connection]:
        """A connection for one read that needs no transaction around it (the staff member
        behind a token). On PostgreSQL it runs in autocommit: no BEGIN before the statement and
        no ROLLBACK after it, two round trips fewer than a session's read, on every request
        that starts with one. SQLite keeps its ordinary transaction. Unavailable as `session`."""
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield conn
            except OperationalError as exc:
                raise database_unavailable() from exc

    def dispose(self) -> None:
        self.engine.dispose()


def database_unavailable() -> Unavailable:
    return Unavailable(
        code=ErrorCode.DATABASE_UNAVAILABLE,
        message="系統暫時無法使用，您的資料沒有送出，請稍後再試。",
        message_en="The service is briefly unavailable; nothing was saved. Try again later.",
        extra={"retry_after": 30},
    )
