"""Typed dependencies of the family API: the logged-in family."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.security import token_hash
from moderation.errors import ErrorCode, Forbidden, Unauthenticated
from storage.models import Account, AuthToken, utcnow
from usecases.transaction import end_read
from web.deps import BearerToken, ClientAddress, RuntimeDep, SessionDep, WorkDep

__all__ = [
    "ClientAddress",
    "CurrentFamily",
    "RuntimeDep",
    "SessionDep",
    "UploadingFamily",
    "VerifiedFamily",
    "WorkDep",
]


#: The token's account in one round trip (every family request starts here; a second one
#: for the account was a tenth of a small read's cost). Built once: only the values change.
_FAMILY_BY_TOKEN = (
    select(Account)
    .join(AuthToken, AuthToken.account_id == Account.id)
    .where(AuthToken.token_hash == bindparam("token_hash"), AuthToken.expires_at > bindparam("now"))
)


def _family_for(session: Session, token: str) -> Account:
    account = session.scalar(_FAMILY_BY_TOKEN, {"token_hash": token_hash(token), "now": utcnow()})
    if account is None:
        raise Unauthenticated(
            code=ErrorCode.SESSION_EXPIRED,
            message="登入已逾時，請重新登入。",
            message_en="Your login has expired; please log in again.",
        )
    return account


def _ensure_verified(account: Account) -> Account:
    if account.verified_at is None:
        raise Forbidden(
            code=ErrorCode.EMAIL_UNVERIFIED,
            message="請先到電子信箱收信，完成帳號驗證。",
            message_en="Please verify your email address first.",
        )
    return account


def current_family(session: SessionDep, token: BearerToken) -> Account:
    account = _family_for(session, token)
    end_read(session)  # no connection held while the request waits for its next thread
    return account


CurrentFamily = Annotated[Account, Depends(current_family)]


def verified_family(account: CurrentFamily) -> Account:
    return _ensure_verified(account)


VerifiedFamily = Annotated[Account, Depends(verified_family)]


def uploading_family(rt: RuntimeDep, token: BearerToken) -> Account:
    """The verified family, looked up in a session that is closed before the upload streams:
    the use case opens its own once the bytes are in. The account comes back detached; its
    columns are loaded, and writers re-read what they lock."""
    with rt.db.session() as session:
        return _ensure_verified(_family_for(session, token))


UploadingFamily = Annotated[Account, Depends(uploading_family)]
