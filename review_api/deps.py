"""Typed dependencies of the review API: the staff member and the institutions they serve."""

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from core.security import token_hash
from moderation.errors import ErrorCode, Forbidden, Unauthenticated
from moderation.staff import StaffMember, StaffRole, token_usable
from storage.models import Staff, StaffInstitution, utcnow
from usecases.runtime import Runtime
from web.deps import BearerToken, RuntimeDep, SessionDep, WorkDep
from web.routing import InEndpointHop

__all__ = [
    "CurrentAdmin",
    "CurrentStaff",
    "RuntimeDep",
    "SessionDep",
    "StaffMember",
    "WorkDep",
]


@dataclass(frozen=True)
class StaffLookup(InEndpointHop):
    """The staff member behind a token, looked up in the endpoint's own thread hop (see
    `InEndpointHop`): every review request starts here."""

    rt: Runtime
    token: str
    admin_only: bool = False

    def resolve(self) -> StaffMember:
        # Not through the request's session: one statement needs no transaction, and none is
        # held while the request waits for its next thread (nor, on SQLite, while an upload
        # streams).
        with self.rt.db.single_read() as conn:
            staff = _staff_for(conn, self.token)
        if self.admin_only and not staff.is_admin:
            raise Forbidden(
                code=ErrorCode.ADMIN_ONLY,
                message="只有管理者可以進行這個動作。",
                message_en="Only an administrator may do this.",
            )
        return staff


async def current_staff(rt: RuntimeDep, token: BearerToken) -> StaffMember:
    # The route resolves it before the endpoint runs: the endpoint is given the StaffMember.
    return cast(StaffMember, StaffLookup(rt, token))


#: The staff member and the institutions they serve, in one round trip (every request of the
#: review API starts with it). Built once: only the token's hash changes.
_STAFF_BY_TOKEN = (
    select(
        Staff.id,
        Staff.email,
        Staff.role,
        Staff.disabled_at,
        Staff.token_expires_at,
        StaffInstitution.institution_id,
    )
    .outerjoin(StaffInstitution, StaffInstitution.staff_id == Staff.id)
    .where(Staff.token_hash == bindparam("token_hash"))
)


def _staff_for(db: Connection | Session, token: str) -> StaffMember:
    rows = db.execute(_STAFF_BY_TOKEN, {"token_hash": token_hash(token)}).all()
    staff = rows[0] if rows else None
    if staff is None or staff.disabled_at is not None:
        raise Unauthenticated(
            code=ErrorCode.UNAUTHENTICATED,
            message="工作人員憑證無效。",
            message_en="Invalid staff token.",
        )
    if not token_usable(staff.token_expires_at, staff.disabled_at, utcnow()):
        raise Unauthenticated(
            code=ErrorCode.SESSION_EXPIRED,
            message="工作人員憑證已過期，請管理者重新核發。",
            message_en="This staff token has expired; ask an administrator to rotate it.",
        )
    ids = frozenset(r.institution_id for r in rows if r.institution_id is not None)
    return StaffMember(staff.id, staff.email, StaffRole(staff.role), ids)


CurrentStaff = Annotated[StaffMember, Depends(current_staff)]


async def current_admin(rt: RuntimeDep, token: BearerToken) -> StaffMember:
    return cast(StaffMember, StaffLookup(rt, token, admin_only=True))


CurrentAdmin = Annotated[StaffMember, Depends(current_admin)]
