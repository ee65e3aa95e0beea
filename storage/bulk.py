"""Many new rows at once (a 100,000-line roster import), as cheaply as each database allows.

PostgreSQL: `COPY … FROM STDIN` in the session's own transaction. An INSERT executed per row,
even pipelined, is parsed, planned and run 100,000 times on the server and its parameters
adapted one by one here: 4x the client CPU of COPY and most of the import's wall time. A
multi-row `INSERT … VALUES (…), (…)` is no better: SQLAlchemy compiles each one afresh.
SQLite (embedded): executemany, already in-process and cheap.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, all of them columns of `table`)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    quoted = ", ".join(f'"{table.c[name].name}"' for name in columns)  # KeyError if not a column
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    sql = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    with dbapi.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])
