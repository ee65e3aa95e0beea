"""Registration, email verification, login and the family's own profile."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from familybook.outbox import queue_email
from familybook.security import hash_password, new_token, token_hash, verify_password
from familybook.settings import Settings
from moderation import emails
from moderation.errors import BadToken, Conflict, Forbidden, Gone, Throttled, Unauthenticated
from moderation.registration import validate_registration
from storage.models import Account, AuthToken, EmailToken, LoginFailure, utcnow


def _email_taken() -> Conflict:
    return Conflict(
        code="email_taken",
        message="這個電子信箱已經註冊過，請直接登入或使用忘記密碼。",
        message_en="This email address is already registered; please log in.",
        fields={"email": "已註冊 already registered"},
    )


def register(
    session: Session, settings: Settings, raw: dict[str, Any], *, today: date
) -> tuple[Account, str]:
    """Create the account and queue its verification email; returns (account, outbox id)."""
    reg = validate_registration(raw, today=today)
    key = reg.email.lower()
    if session.scalar(select(Account.id).where(Account.email_key == key)):
        raise _email_taken()
    now = utcnow()
    account = Account(
        name=reg.name,
        national_id=reg.national_id,
        email=reg.email,
        email_key=key,
        birth_date=reg.birth_date,
        mobile=reg.mobile,
        phone=reg.phone,
        password_hash=hash_password(reg.password),
        consent_version=settings.consent_notice_version,
        consented_at=now,
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _email_taken() from None
    return account, send_verification(session, settings, account)


def send_verification(session: Session, settings: Settings, account: Account) -> str:
    # Only the newest link works: older unused ones are retired.
    session.execute(
        update(EmailToken)
        .where(EmailToken.account_id == account.id, EmailToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = new_token()
    session.add(
        EmailToken(
            account_id=account.id,
            token_hash=token_hash(token),
            expires_at=utcnow() + timedelta(minutes=settings.verify_token_minutes),
        )
    )
    link = f"{settings.public_url.rstrip('/')}/verify-email?token={token}"
    return queue_email(
        session,
        emails.verification(to=account.email, link=link, minutes=settings.verify_token_minutes),
    )


def verify_email(session: Session, token: str) -> Account:
    row = session.scalar(select(EmailToken).where(EmailToken.token_hash == token_hash(token)))
    if row is None or row.used_at is not None:
        raise BadToken(
            code="token_invalid",
            message="這個驗證連結無效或已使用過，請重新申請驗證信。",
            message_en="This link is not valid or was already used; ask for a new one.",
        )
    if row.expires_at <= utcnow():
        raise Gone(
            code="token_expired",
            message="驗證連結已超過 10 分鐘失效，請重新申請驗證信。",
            message_en="This link has expired; please ask for a new one.",
        )
    used = session.execute(
        update(EmailToken)
        .where(EmailToken.id == row.id, EmailToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if used != 1:
        raise BadToken(
            code="token_invalid",
            message="這個驗證連結已使用過。",
            message_en="This link was already used.",
        )
    account = session.get(Account, row.account_id)
    assert account is not None
    account.verified_at = account.verified_at or utcnow()
    return account


def resend_verification(session: Session, settings: Settings, email: str) -> str | None:
    account = session.scalar(select(Account).where(Account.email_key == email.strip().lower()))
    if account is None or account.verified_at is not None:
        return None
    return send_verification(session, settings, account)


def _bad_login() -> Unauthenticated:
    return Unauthenticated(
        code="login_failed", message="電子信箱或密碼不正確。", message_en="Wrong email or password."
    )


def _throttle(session: Session, settings: Settings, email_key: str) -> LoginFailure | None:
    """The failures recorded for this email in the current window; raise while over the limit."""
    now = utcnow()
    window = timedelta(minutes=settings.login_failure_window_minutes)
    row = session.get(LoginFailure, email_key)
    if row is not None and row.since < now - window:
        session.delete(row)
        session.flush()
        return None
    if row is not None and row.failures >= settings.login_max_failures:
        wait = int((row.since + window - now).total_seconds()) + 1
        raise Throttled(
            code="too_many_attempts",
            message="登入失敗太多次，請稍後再試。",
            message_en="Too many failed logins; please wait and try again.",
            extra={"retry_after": wait},
        )
    return row


def login(session: Session, settings: Settings, email: str, password: str) -> tuple[str, Any]:
    email_key = email.strip().lower()[:254]
    failures = _throttle(session, settings, email_key)
    account = session.scalar(select(Account).where(Account.email_key == email_key))
    if not verify_password(account.password_hash if account else None, password):
        # Counted the same whether or not the account exists: the answers must not differ.
        if failures is None:
            session.add(LoginFailure(email_key=email_key, failures=1))
        else:
            failures.failures += 1
        try:
            session.commit()
        except IntegrityError:  # a simultaneous failure made the row first: one uncounted
            session.rollback()
        raise _bad_login()
    assert account is not None
    if account.verified_at is None:
        raise Forbidden(
            code="email_unverified",
            message="帳號尚未驗證，請到電子信箱收取驗證信。",
            message_en="Please verify your email address first.",
        )
    if failures is not None:
        session.delete(failures)
    now = utcnow()
    token = new_token("fbf_")
    expires_at = now + timedelta(hours=settings.session_hours)
    session.add(
        AuthToken(token_hash=token_hash(token), account_id=account.id, expires_at=expires_at)
    )
    return token, expires_at
