"""Typed dependencies of the family API: the logged-in family."""

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.security import token_hash
from moderation.errors import ErrorCode, Forbidden, Unauthenticated
from storage.models import Account, AuthToken, utcnow
from web.deps import BearerToken, ClientAddress, RuntimeDep, SessionDep, WorkDep
from web.routing import InEndpointHop

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


@dataclass(frozen=True)
class FamilyLookup(InEndpointHop):
    """The family behind a token, read through the request's session in the endpoint's own
    thread hop (`InEndpointHop`): every family request starts here, and as plain dependencies
    the lookup and the verified check were a thread hop each."""

    session: Session
    token: str
    verified: bool = False

    def resolve(self) -> Account:
        account = _family_for(self.session, self.token)
        return _ensure_verified(account) if self.verified else account


async def current_family(session: SessionDep, token: BearerToken) -> Account:
    # The route resolves it before the endpoint runs: the endpoint is given the Account.
    return cast(Account, FamilyLookup(session, token))


CurrentFamily = Annotated[Account, Depends(current_family)]


async def verified_family(session: SessionDep, token: BearerToken) -> Account:
    return cast(Account, FamilyLookup(session, token, verified=True))


VerifiedFamily = Annotated[Account, Depends(verified_family)]


def uploading_family(rt: RuntimeDep, token: BearerToken) -> Account:
    """The verified family, looked up in a session that is closed before the upload streams:
    the use case opens its own once the bytes are in. The account comes back detached; its
    columns are loaded, and writers re-read what they lock."""
    with rt.db.session() as session:
        return _ensure_verified(_family_for(session, token))


UploadingFamily = Annotated[Account, Depends(uploading_family)]
