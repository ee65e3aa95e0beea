"""Counters that stay right under concurrency: one statement per hit.

A read-modify-write of a counter loses updates on PostgreSQL at READ COMMITTED (48 parallel
wrong passwords were all checked against a limit of 5, PITFALLS.md). Each hit here is a single
`INSERT … ON CONFLICT … DO UPDATE … RETURNING`, which both PostgreSQL and SQLite (3.35+) run
atomically: the row is locked by the statement itself, so every caller sees its own count.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import LoginFailure, RateCounter


def _insert(session: Session, model: type[Any]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _hit(
    session: Session,
    model: type[Any],
    key: InstrumentedAttribute[str],
    count: InstrumentedAttribute[int],
    since: InstrumentedAttribute[datetime],
    value: str,
    *,
    now: datetime,
    window: timedelta,
) -> tuple[int, datetime]:
    """Add one to the count of `value` in the current window (a window older than `window`
    starts again at one); the count and the window's start, after this hit."""
    stale = since < now - window
    stmt = _insert(session, model).values({key.key: value, count.key: 1, since.key: now})
    stmt = stmt.on_conflict_do_update(
        index_elements=[key.key],
        set_={
            count.key: case((stale, 1), else_=count + 1),
            since.key: case((stale, literal(now, since.type)), else_=since),
        },
    ).returning(count, since)
    hits, started = session.execute(stmt).one()
    return int(hits), started


def count_login_attempt(
    session: Session, key: str, *, now: datetime, window: timedelta
) -> tuple[int, datetime]:
    """One more login attempt for this key (an email, or a known device), counted before the
    password is checked, so that no more than the limit are ever checked in a window."""
    return _hit(
        session,
        LoginFailure,
        LoginFailure.email_key,
        LoginFailure.failures,
        LoginFailure.since,
        key,
        now=now,
        window=window,
    )


def count_request(
    session: Session, key: str, *, now: datetime, window: timedelta
) -> tuple[int, datetime]:
    """One more request under a rate limit (`login:ip:203.0.113.9`, `resend:email:…`)."""
    return _hit(
        session,
        RateCounter,
        RateCounter.key,
        RateCounter.hits,
        RateCounter.since,
        key,
        now=now,
        window=window,
    )
