"""Many rows at once (a 100,000-line roster import), as cheaply as each database allows.

PostgreSQL: new rows by `COPY … FROM STDIN`, changed rows by one `UPDATE … FROM unnest(…)`
whose parameters are one array per column, both in the session's own transaction. An INSERT or
UPDATE executed per row, even pipelined, is parsed, planned and run 100,000 times on the server
and its parameters adapted one by one here: 100,000 updates took 7 s and 2.8 CPU s here, the
same rows as arrays 0.35 CPU s. A multi-row `INSERT … VALUES (…), (…)` is no better than per row:
SQLAlchemy compiles each one afresh.
SQLite (embedded): executemany, already in-process and cheap.

PostgreSQL's readers never wait for a writer, so its transactions may be long enough to carry
10,000 rows (a few hundred ms); SQLite's one writer lock must be let go within milliseconds, and
left free for a while, for a reviewer's request to get its turn (`pacing`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Pacing:
    """How a long series of write transactions shares the database with the API."""

    #: Rows per transaction.
    rows: int
    #: After each transaction, rest this many times as long as it held its locks. SQLite's
    #: waiting writers poll (its busy handler sleeps 1, 2, 5 … 100 ms between tries): a writer
    #: that takes the lock again at once wins nearly every time, and a reviewer's claim waited
    #: out a whole 10,000-line import (1 s) when the batches came back to back.
    rest: float
    #: The shortest rest, for a batch that held its lock for a moment only.
    min_rest_s: float = 0.0


#: SQLite: 500 rows hold its one writer lock a few milliseconds, then as long again free.
SQLITE = Pacing(rows=500, rest=1.0, min_rest_s=0.005)
#: PostgreSQL: MVCC readers never wait for a writer, and the rows a batch locks are only its
#: own: 10,000 rows a transaction and no rest. 200 commits of 500 rows (each a WAL flush) were
#: a third of a 100,000-row import's wall time.
POSTGRESQL = Pacing(rows=10_000, rest=0.0)


def pacing(session: Session) -> Pacing:
    return POSTGRESQL if _postgresql(session) else SQLITE


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows`, each the values of `columns` (all of them columns of `table`) in order."""
    if not rows:
        return
    if not _postgresql(session):
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql = f"COPY {_name(table)} ({_quoted(table, columns)}) FROM STDIN"
    with _driver(session).cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def update_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set `columns[1:]` to each row's values in the row whose primary key `columns[0]` is
    the row's first value."""
    if not rows:
        return
    key, *changed = columns
    if not _postgresql(session):
        keyed = [dict(zip(("_key", *changed), row, strict=True)) for row in rows]
        # The SET clause is every key of the parameters that is a column (not "_key").
        session.execute(update(table).where(table.c[key] == bindparam("_key")), keyed)
        return
    dialect = session.get_bind().dialect
    arrays, types = [], []
    for n, name in enumerate(columns):
        column = table.c[name]  # KeyError if not a column
        process = column.type.bind_processor(dialect)  # e.g. UTCDateTime's conversion to UTC
        values = [row[n] for row in rows]
        arrays.append([process(v) for v in values] if process else values)
        types.append(f"%s::{column.type.compile(dialect=dialect)}[]")
    names = [f'"{table.c[name].name}"' for name in columns]
    sets = ", ".join(f"{n} = u.{n}" for n in names[1:])
    sql = (
        f"UPDATE {_name(table)} AS t SET {sets} FROM unnest({', '.join(types)}) "
        f"AS u({', '.join(names)}) WHERE t.{names[0]} = u.{names[0]}"
    )
    session.connection().exec_driver_sql(sql, tuple(arrays))


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _name(table: Table) -> str:
    return f'"{table.name}"'


def _quoted(table: Table, columns: Sequence[str]) -> str:
    return ", ".join(f'"{table.c[name].name}"' for name in columns)  # KeyError if not a column


def _driver(session: Session) -> Any:
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    return dbapi
