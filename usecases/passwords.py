"""Log out, forgot password and change password: what every account system lets people do.

A password set anew ends sessions: a reset ends them all (whoever knew the old password is
out), a change ends all but the one that made it (the family stays logged in where it is)."""

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.security import new_token, token_hash
from moderation import account_emails
from moderation.errors import BadToken, ErrorCode, Forbidden, Gone
from moderation.new_password import ensure_acceptable
from storage.models import Account, AuthToken, PasswordResetToken, utcnow
from storage.outbox import queue_email
from usecases import throttle
from usecases.throttling import email_key
from usecases.transaction import UnitOfWork


def logout(work: UnitOfWork, token: str) -> None:
    """The token stops working at once: its row is gone."""
    work.session.execute(delete(AuthToken).where(AuthToken.token_hash == token_hash(token)))
    work.commit()


def request_reset(work: UnitOfWork, email: str, *, client: str | None = None) -> None:
    """Email a single-use link to the account with this address, if there is one; a stranger's
    address is counted and answered alike, so the answer tells nobody what is registered (the
    route also answers both in the same time)."""
    throttle.spend_reset_request(work, email, client)
    account = work.session.scalar(
        select(Account).where(Account.email_key == email_key(email), Account.closed_at.is_(None))
    )
    if account is not None:
        _send_reset_link(work, account)
    work.commit()


def _send_reset_link(work: UnitOfWork, account: Account) -> None:
    settings = work.rt.settings
    # Only the newest link works: older unused ones are retired.
    _retire_reset_links(work.session, account.id)
    token = new_token()
    minutes = settings.password_reset_minutes
    work.session.add(
        PasswordResetToken(
            account_id=account.id,
            token_hash=token_hash(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    link = f"{settings.public_url.rstrip('/')}/reset-password?token={token}"
    email = account_emails.password_reset(to=account.email, link=link, minutes=minutes)
    work.wake_email(queue_email(work.session, email))


def _retire_reset_links(session: Session, account_id: str) -> None:
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.account_id == account_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def _invalid_link() -> BadToken:
    return BadToken(
        code=ErrorCode.TOKEN_INVALID,
        message="這個重設密碼連結無效或已使用過，請重新申請。",
        message_en="This link is not valid or was already used; please ask for a new one.",
    )


def _usable_reset(session: Session, token: str, minutes: int) -> PasswordResetToken:
    row = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    )
    if row is None or row.used_at is not None:
        raise _invalid_link()
    if row.expires_at <= utcnow():
        raise Gone(
            code=ErrorCode.TOKEN_EXPIRED,
            message=f"重設密碼連結已超過 {minutes} 分鐘失效，請重新申請。",
            message_en=f"This link expired after {minutes} minutes; please ask for a new one.",
        )
    return row


def check_reset_link(work: UnitOfWork, token: str) -> None:
    """Raise unless the link can still set a password (the page says so before asking)."""
    _usable_reset(work.session, token, work.rt.settings.password_reset_minutes)


def confirm_reset(work: UnitOfWork, token: str, password: str) -> None:
    """Set the new password from an emailed link, once; every session of the account ends."""
    ensure_acceptable(password)
    session = work.session
    row = _usable_reset(session, token, work.rt.settings.password_reset_minutes)
    account_id = row.account_id
    # Hashed before any write: it takes a while, and holds no lock meanwhile.
    password_hash = work.rt.passwords.hash(password)
    used = session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if used != 1:  # the same link used at the same moment elsewhere
        raise _invalid_link()
    account = session.get(Account, account_id)
    assert account is not None
    account.password_hash = password_hash
    # Whoever asked for the link holds the mailbox: the address is proven.
    account.verified_at = account.verified_at or utcnow()
    _retire_reset_links(session, account_id)
    session.execute(delete(AuthToken).where(AuthToken.account_id == account_id))
    throttle.forget(session, account.email_key)  # the login's count starts again
    work.wake_email(queue_email(session, account_emails.password_changed(to=account.email)))
    work.commit()


def _wrong_password() -> Forbidden:
    return Forbidden(
        code=ErrorCode.WRONG_PASSWORD,
        message="目前的密碼不正確。",
        message_en="The current password is wrong.",
    )


def ensure_password(work: UnitOfWork, account: Account, password: str) -> None:
    """Check the account's password before a change that needs it; wrong ones are counted and
    throttled like logins (a stolen session must not become a guessing machine)."""
    key = throttle.password_key(account.id)
    throttle.count_password_check(work, key)
    if not work.rt.passwords.verify(account.password_hash, password):
        raise _wrong_password()
    throttle.forget(work.session, key)


def change_password(work: UnitOfWork, account: Account, token: str, current: str, new: str) -> None:
    """Set a new password; every other session ends, this one stays."""
    ensure_acceptable(new, field="new_password")
    new_hash = work.rt.passwords.hash(new)  # before any write: see confirm_reset
    ensure_password(work, account, current)
    account.password_hash = new_hash
    work.session.execute(
        delete(AuthToken).where(
            AuthToken.account_id == account.id, AuthToken.token_hash != token_hash(token)
        )
    )
    work.wake_email(queue_email(work.session, account_emails.password_changed(to=account.email)))
    work.commit()
