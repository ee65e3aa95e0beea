"""Typed dependencies of the family API: the database session and the logged-in family."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from familybook.runtime import Runtime, get_runtime
from familybook.security import token_hash
from moderation.errors import Forbidden, Unauthenticated
from storage.models import Account, AuthToken, utcnow

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(rt: RuntimeDep) -> Iterator[Session]:
    with rt.db.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            code="unauthenticated", message="請先登入。", message_en="Please log in."
        )
    return token.strip()


def _family_for(session: Session, token: str) -> Account:
    row = session.get(AuthToken, token_hash(token))
    if row is None or row.expires_at <= utcnow():
        raise Unauthenticated(
            code="session_expired",
            message="登入已逾時，請重新登入。",
            message_en="Your login has expired; please log in again.",
        )
    account = session.get(Account, row.account_id)
    assert account is not None
    return account


def _ensure_verified(account: Account) -> Account:
    if account.verified_at is None:
        raise Forbidden(
            code="email_unverified",
            message="請先到電子信箱收信，完成帳號驗證。",
            message_en="Please verify your email address first.",
        )
    return account


def current_family(session: SessionDep, token: Annotated[str, Depends(bearer_token)]) -> Account:
    return _family_for(session, token)


CurrentFamily = Annotated[Account, Depends(current_family)]


def verified_family(account: CurrentFamily) -> Account:
    return _ensure_verified(account)


VerifiedFamily = Annotated[Account, Depends(verified_family)]


def uploading_family(rt: RuntimeDep, token: Annotated[str, Depends(bearer_token)]) -> Account:
    """The verified family, looked up in a session that is closed before the upload streams:
    upload routes open their own session once the bytes are in. The account comes back
    detached; its columns are loaded, and writers re-read what they lock."""
    with rt.db.session() as session:
        return _ensure_verified(_family_for(session, token))


UploadingFamily = Annotated[Account, Depends(uploading_family)]
