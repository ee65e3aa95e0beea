"""Registration, email verification, login and the family's own profile."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.security import new_token, token_hash
from moderation import emails
from moderation.errors import (
    BadToken,
    Conflict,
    ErrorCode,
    Forbidden,
    Gone,
    InvalidInput,
    Unauthenticated,
    invalid_fields,
)
from moderation.registration import (
    MOBILE_ERROR,
    PHONE_ERROR,
    clean_mobile,
    clean_phone,
    validate_registration,
)
from storage.counters import count_login_attempt
from storage.models import Account, AuthToken, EmailToken, LoginFailure, utcnow
from storage.outbox import queue_email
from usecases import login_devices as devices
from usecases import notices, throttling
from usecases.throttling import email_key
from usecases.transaction import UnitOfWork

#: What a family may change of its profile after registration; the rest is the institution's.
CHANGEABLE = frozenset({"mobile", "phone"})


@dataclass(frozen=True)
class LoggedIn:
    token: str
    expires_at: datetime
    #: A new known-device token for the browser's cookie (None: it already had a valid one).
    device_token: str | None = None


def _email_taken() -> Conflict:
    return Conflict(
        code=ErrorCode.EMAIL_TAKEN,
        message="這個電子信箱已經註冊過，請直接登入或使用忘記密碼。",
        message_en="This email address is already registered; please log in.",
        fields={"email": "已註冊 already registered"},
    )


def _spend(work: UnitOfWork, *limits: tuple[str, int]) -> None:
    """Count this request under each (key, limit), commit the counts, and refuse it (429) if
    any is over. Committed apart, before any slow work: refused requests count too."""
    now, window = utcnow(), timedelta(minutes=work.rt.settings.rate_window_minutes)
    refusals = [
        throttling.spend(work.session, key, limit, window=window, now=now) for key, limit in limits
    ]
    work.commit()
    for refusal in refusals:
        if refusal is not None:
            raise refusal


def register(
    work: UnitOfWork, raw: dict[str, Any], *, today: date, client: str | None = None
) -> Account:
    """Create the account and send its verification email."""
    if client is not None:
        _spend(work, (f"register:address:{client}", work.rt.settings.register_per_address))
    reg = validate_registration(raw, today=today)
    key = reg.email.lower()
    # Hashed before the transaction begins: it takes a while, and holds no lock meanwhile.
    password_hash = work.rt.passwords.hash(reg.password)
    session = work.session
    if session.scalar(select(Account.id).where(Account.email_key == key)):
        raise _email_taken()
    account = Account(
        name=reg.name,
        national_id=reg.national_id,
        email=reg.email,
        email_key=key,
        birth_date=reg.birth_date,
        mobile=reg.mobile,
        phone=reg.phone,
        password_hash=password_hash,
        consent_version=notices.latest(session).version,
        consented_at=utcnow(),
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError:
        raise _email_taken() from None
    _send_verification(work, account)
    work.commit()
    return account


def _send_verification(work: UnitOfWork, account: Account) -> None:
    settings = work.rt.settings
    # Only the newest link works: older unused ones are retired.
    work.session.execute(
        update(EmailToken)
        .where(EmailToken.account_id == account.id, EmailToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = new_token()
    work.session.add(
        EmailToken(
            account_id=account.id,
            token_hash=token_hash(token),
            expires_at=utcnow() + timedelta(minutes=settings.verify_token_minutes),
        )
    )
    link = f"{settings.public_url.rstrip('/')}/verify-email?token={token}"
    email = emails.verification(to=account.email, link=link, minutes=settings.verify_token_minutes)
    work.wake_email(queue_email(work.session, email))


def verify_email(work: UnitOfWork, token: str) -> None:
    _use_verification_token(work.session, token, work.rt.settings.verify_token_minutes)
    work.commit()


def _use_verification_token(session: Session, token: str, minutes: int) -> None:
    row = session.scalar(select(EmailToken).where(EmailToken.token_hash == token_hash(token)))
    if row is None or row.used_at is not None:
        raise BadToken(
            code=ErrorCode.TOKEN_INVALID,
            message="這個驗證連結無效或已使用過，請重新申請驗證信。",
            message_en="This link is not valid or was already used; ask for a new one.",
        )
    if row.expires_at <= utcnow():
        raise Gone(
            code=ErrorCode.TOKEN_EXPIRED,
            message=f"驗證連結已超過 {minutes} 分鐘失效，請重新申請驗證信。",
            message_en=f"This link expired after {minutes} minutes; please ask for a new one.",
        )
    used = session.execute(
        update(EmailToken)
        .where(EmailToken.id == row.id, EmailToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if used != 1:
        raise BadToken(
            code=ErrorCode.TOKEN_INVALID,
            message="這個驗證連結已使用過。",
            message_en="This link was already used.",
        )
    account = session.get(Account, row.account_id)
    assert account is not None
    account.verified_at = account.verified_at or utcnow()


def resend_verification(work: UnitOfWork, email: str, *, client: str | None = None) -> None:
    """Send a new link to an unverified account; a stranger's address gets the same answer.
    Limited per email and per client address, so it cannot be used to flood a mailbox."""
    settings = work.rt.settings
    limits = [(f"resend:email:{email_key(email)}", settings.resend_per_email)]
    if client is not None:
        limits.append((f"resend:address:{client}", settings.resend_per_address))
    _spend(work, *limits)
    account = work.session.scalar(select(Account).where(Account.email_key == email_key(email)))
    if account is not None and account.verified_at is None:
        _send_verification(work, account)
    work.commit()


def _bad_login() -> Unauthenticated:
    return Unauthenticated(
        code=ErrorCode.LOGIN_FAILED,
        message="電子信箱或密碼不正確。",
        message_en="Wrong email or password.",
    )


def login(
    work: UnitOfWork,
    email: str,
    password: str,
    *,
    client: str | None = None,
    device: str | None = None,
) -> LoggedIn:
    """Check a password, at most `login_max_failures` times per window for one email (or one
    known device of its account), never while a transaction is open."""
    rt, session = work.rt, work.session
    settings, now = rt.settings, utcnow()
    key = email_key(email)
    window = timedelta(minutes=settings.login_failure_window_minutes)
    refusal = None
    if client is not None:
        refusal = throttling.spend(
            session,
            f"login:address:{client}",
            settings.login_per_address,
            window=timedelta(minutes=settings.rate_window_minutes),
            now=now,
        )
    # A browser this account logged in from before has a count of its own: strangers guessing
    # the password exhaust the email's count, never the family's own device's.
    known = devices.known(session, device, key)
    counter = devices.counter_key(known) if known is not None else key
    # Counted before the password is checked, in one statement: parallel guesses cannot all
    # read a count under the limit. Committed before hashing: on SQLite an open transaction
    # holds the one write lock, and argon2 takes a while.
    attempts, since = count_login_attempt(session, counter, now=now, window=window)
    account = session.scalar(select(Account).where(Account.email_key == key))
    work.commit()
    if refusal is not None:
        raise refusal
    if attempts > settings.login_max_failures:
        raise throttling.too_many_logins(since, window, now)
    if not rt.passwords.verify(account.password_hash if account else None, password):
        # Counted the same whether or not the account exists: the answers must not differ.
        raise _bad_login()
    assert account is not None
    if account.verified_at is None:
        raise Forbidden(
            code=ErrorCode.EMAIL_UNVERIFIED,
            message="帳號尚未驗證，請到電子信箱收取驗證信。",
            message_en="Please verify your email address first.",
        )
    session.execute(delete(LoginFailure).where(LoginFailure.email_key == counter))
    device_token = devices.remember(session, account.id, known)
    token = new_token("fbf_")
    expires_at = utcnow() + timedelta(hours=settings.session_hours)
    session.add(
        AuthToken(token_hash=token_hash(token), account_id=account.id, expires_at=expires_at)
    )
    work.commit()
    return LoggedIn(token, expires_at, device_token)


def update_profile(work: UnitOfWork, account: Account, changes: dict[str, Any]) -> Account:
    """Change the mobile or landline; anything else is refused by name."""
    others = sorted(set(changes) - CHANGEABLE)
    if others:
        raise InvalidInput(
            code=ErrorCode.FIELD_NOT_CHANGEABLE,
            message="註冊後只能修改手機與市話；其他資料請洽機關。",
            message_en="Only mobile and phone can be changed after registration.",
            fields={f: "不可修改 cannot be changed" for f in others},
        )
    cleaned: dict[str, str] = {}
    errors: dict[str, tuple[str, str]] = {}
    for name, clean, error in (
        ("mobile", clean_mobile, MOBILE_ERROR),
        ("phone", clean_phone, PHONE_ERROR),
    ):
        if changes.get(name) is not None:
            value = clean(changes[name])
            if value is None:
                errors[name] = error
            else:
                cleaned[name] = value
    if errors:
        raise invalid_fields(errors)
    for name, value in cleaned.items():
        setattr(account, name, value)
    work.commit()
    return account
