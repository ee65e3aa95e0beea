"""Rate limits of the account endpoints, counted in the database (`storage/counters.py`).

Each limit is a count of requests per client address or per email in a window; a request over
it is refused with 429 and Retry-After. The counts are written by one statement each, so
parallel requests cannot slip past (PostgreSQL) and none waits on another's slow work (SQLite:
the caller commits before hashing anything).
"""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, Throttled
from storage.counters import count_request


def too_many_requests(since: datetime, window: timedelta, now: datetime) -> Throttled:
    wait = max(1, int((since + window - now).total_seconds()) + 1)
    return Throttled(
        code=ErrorCode.TOO_MANY_REQUESTS,
        message="請求次數太多，請稍後再試。",
        message_en="Too many requests; please wait and try again.",
        extra={"retry_after": wait},
    )


def too_many_logins(since: datetime, window: timedelta, now: datetime) -> Throttled:
    wait = max(1, int((since + window - now).total_seconds()) + 1)
    return Throttled(
        code=ErrorCode.TOO_MANY_ATTEMPTS,
        message="登入失敗太多次，請稍後再試。",
        message_en="Too many failed logins; please wait and try again.",
        extra={"retry_after": wait},
    )


def spend(
    session: Session, key: str, limit: int, *, window: timedelta, now: datetime
) -> Throttled | None:
    """Count one request under `key`; the refusal to raise (after committing the count) when
    it is over `limit`, else None."""
    hits, since = count_request(session, key, now=now, window=window)
    return too_many_requests(since, window, now) if hits > limit else None


def email_key(email: str) -> str:
    """The form an email is counted and looked up under."""
    return email.strip().lower()[:254]
