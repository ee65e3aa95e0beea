"""Throttling by key, as login does it: a row of `login_failures` per key counts the tries in a
window; over `login_max_failures` the caller gets 429 until the window has passed.

Keys are counted whether or not an account stands behind them: throttling only real
accounts would tell a stranger which emails are registered. Each purpose has its own prefix
(a forgotten password does not use up the logins)."""

from datetime import timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, Throttled
from storage.models import LoginFailure, utcnow
from usecases.runtime import Runtime
from usecases.transaction import UnitOfWork

#: login_failures.email_key's length.
KEY_CHARS = 254


class Purpose(StrEnum):
    """What is being tried; the prefix of its keys (login keeps the bare email)."""

    LOGIN = ""
    PASSWORD_RESET = "reset:"
    PASSWORD_CHECK = "password:"


#: What the family reads when throttled, per purpose.
WORDS: dict[Purpose, tuple[str, str]] = {
    Purpose.LOGIN: (
        "登入失敗太多次，請稍後再試。",
        "Too many failed logins; please wait and try again.",
    ),
    Purpose.PASSWORD_RESET: (
        "重設密碼的申請太多次，請稍後再試。",
        "Too many password-reset requests; please wait and try again.",
    ),
    Purpose.PASSWORD_CHECK: (
        "密碼輸入錯誤太多次，請稍後再試。",
        "Too many wrong passwords; please wait and try again.",
    ),
}


def key_for(purpose: Purpose, value: str) -> str:
    return (purpose.value + value.strip().lower())[:KEY_CHARS]


def ensure_allowed(
    session: Session, rt: Runtime, purpose: Purpose, key: str
) -> LoginFailure | None:
    """The tries recorded for `key` in the current window; raise while over the limit."""
    now = utcnow()
    window = timedelta(minutes=rt.settings.login_failure_window_minutes)
    row = session.get(LoginFailure, key)
    if row is not None and row.since < now - window:
        session.delete(row)
        session.flush()
        return None
    if row is not None and row.failures >= rt.settings.login_max_failures:
        wait = int((row.since + window - now).total_seconds()) + 1
        zh, en = WORDS[purpose]
        raise Throttled(
            code=ErrorCode.TOO_MANY_ATTEMPTS, message=zh, message_en=en, extra={"retry_after": wait}
        )
    return row


def count_and_commit(work: UnitOfWork, row: LoginFailure | None, key: str) -> None:
    """Count one more try for `key` and commit it now: it must stick even when the caller
    goes on to refuse the request."""
    if row is None:
        work.session.add(LoginFailure(email_key=key, failures=1))
    else:
        row.failures += 1
    try:
        work.commit()
    except IntegrityError:  # a simultaneous try made the row first: one uncounted
        work.rollback()


def forget(session: Session, key: str) -> None:
    """The tries stop counting (a success, or a password set anew)."""
    row = session.get(LoginFailure, key)
    if row is not None:
        session.delete(row)
