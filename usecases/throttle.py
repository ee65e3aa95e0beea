"""Throttling of the account's own endpoints (forgot password, change password, close), on the
counters login uses (`storage/counters.py`, one statement per hit, committed before any slow
work):

- a reset request is counted per email and per client address, like a resend of the
  verification link, whether or not an account has that email (the count must not tell);
- a password check is counted before the password is checked, like a login, per account;
  over `login_max_failures` in the window the answer is 429 until the window has passed.
"""

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, Throttled
from storage.counters import count_login_attempt
from storage.models import LoginFailure, RateCounter, utcnow
from usecases import throttling
from usecases.throttling import email_key
from usecases.transaction import UnitOfWork


def reset_keys(email: str) -> list[str]:
    """The counters a reset request for `email` spends (per email)."""
    return [f"reset:email:{email_key(email)}"]


def password_key(account_id: str) -> str:
    return f"password:{account_id}"


def spend_reset_request(work: UnitOfWork, email: str, client: str | None) -> None:
    """Count one reset request for `email` (and the client's address), commit the counts, and
    refuse it (429) when over: `resend_per_email` / `resend_per_address` in the window."""
    settings = work.rt.settings
    limits = [(key, settings.resend_per_email) for key in reset_keys(email)]
    if client is not None:
        limits.append((f"reset:address:{client}", settings.resend_per_address))
    now, window = utcnow(), timedelta(minutes=settings.rate_window_minutes)
    refusals = [
        throttling.spend(work.session, key, limit, window=window, now=now) for key, limit in limits
    ]
    work.commit()
    for refusal in refusals:
        if refusal is not None:
            raise refusal


def count_password_check(work: UnitOfWork, key: str) -> None:
    """Count one password check under `key` before it is made, commit, and refuse it while
    over `login_max_failures` in the window (as a login is)."""
    settings = work.rt.settings
    now, window = utcnow(), timedelta(minutes=settings.login_failure_window_minutes)
    attempts, since = count_login_attempt(work.session, key, now=now, window=window)
    work.commit()
    if attempts > settings.login_max_failures:
        wait = max(1, int((since + window - now).total_seconds()) + 1)
        raise Throttled(
            code=ErrorCode.TOO_MANY_ATTEMPTS,
            message="密碼輸入錯誤太多次，請稍後再試。",
            message_en="Too many wrong passwords; please wait and try again.",
            extra={"retry_after": wait},
        )


def forget(session: Session, *keys: str) -> None:
    """These counts end (a right password, a closed account)."""
    session.execute(delete(LoginFailure).where(LoginFailure.email_key.in_(keys)))
    session.execute(delete(RateCounter).where(RateCounter.key.in_(keys)))
