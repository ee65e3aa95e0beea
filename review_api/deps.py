"""Typed dependencies of the review API: the staff member and the institutions they serve."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from familybook.security import token_hash
from ingest.deps import RuntimeDep, SessionDep, bearer_token
from moderation.errors import Forbidden, NotFound, Unauthenticated
from moderation.statuses import Status
from storage.models import Institution, Staff, StaffInstitution, Submission

__all__ = ["CurrentAdmin", "CurrentStaff", "RuntimeDep", "SessionDep", "StaffMember"]


@dataclass(frozen=True)
class StaffMember:
    id: str
    email: str
    role: str
    institution_ids: frozenset[str]

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"


def current_staff(session: SessionDep, token: Annotated[str, Depends(bearer_token)]) -> StaffMember:
    staff = session.scalar(select(Staff).where(Staff.token_hash == token_hash(token)))
    if staff is None:
        raise Unauthenticated(
            code="unauthenticated", message="工作人員憑證無效。", message_en="Invalid staff token."
        )
    ids = session.scalars(
        select(StaffInstitution.institution_id).where(StaffInstitution.staff_id == staff.id)
    ).all()
    return StaffMember(staff.id, staff.email, staff.role, frozenset(ids))


CurrentStaff = Annotated[StaffMember, Depends(current_staff)]


def current_admin(staff: CurrentStaff) -> StaffMember:
    if staff.role != "admin":
        raise Forbidden(
            code="admin_only",
            message="只有管理者可以進行這個動作。",
            message_en="Only an administrator may do this.",
        )
    return staff


CurrentAdmin = Annotated[StaffMember, Depends(current_admin)]


def item_not_found() -> NotFound:
    return NotFound(code="not_found", message="找不到這個審核項目。", message_en="No such item.")


#: Statuses of an attempt that has not passed the automated checks (yet, or at all).
NOT_CHECKED = frozenset({Status.RECEIVED, Status.CHECKING, Status.NEEDS_FIX})


def visible_item(session: SessionDep, staff: StaffMember, item_id: str) -> Submission:
    """The item if the staff member serves its institution and it has reached review at least
    once; otherwise 404 (not even 403). A first attempt that failed the checks goes back to
    the family and never reaches a reviewer, not even by its id."""
    submission = session.get(Submission, item_id)
    if (
        submission is None
        or submission.institution_id not in staff.institution_ids
        or (submission.attempt == 1 and Status(submission.status) in NOT_CHECKED)
    ):
        raise item_not_found()
    return submission


def institutions_in_scope(session: Session, staff: StaffMember, code: str | None) -> set[str]:
    """The staff member's institutions, or the one named by `code` if it is one of them."""
    if code is None:
        return set(staff.institution_ids)
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None or institution.id not in staff.institution_ids:
        raise NotFound(
            code="institution_not_found",
            message="找不到這個機關。",
            message_en="No such institution among yours.",
        )
    return {institution.id}
