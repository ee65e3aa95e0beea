"""Which items and institutions a staff member may see: their institutions' only, and of
those only what has reached review at least once. Anything else is 404, never 403."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, NotFound, not_found
from moderation.staff import StaffMember
from moderation.statuses import NOT_CHECKED
from storage.models import Attempt, Submission
from storage.queries import institution_by_code


def item_not_found() -> NotFound:
    return not_found("這個審核項目", "No such item.")


def visible_item(session: Session, staff: StaffMember, item_id: str) -> Submission:
    """The item if the staff member serves its institution and it has reached review at least
    once: one of its attempts passed the checks. Attempts that failed them go back to the
    family and never reach a reviewer, not even by the item's id (whichever attempt it is).
    The item and that test are one statement (every review action starts here)."""
    passed = exists().where(
        Attempt.submission_id == Submission.id,
        Attempt.status.not_in([s.value for s in NOT_CHECKED]),
    )
    row = session.execute(select(Submission, passed).where(Submission.id == item_id)).first()
    if row is None or row[0].institution_id not in staff.institution_ids or not row[1]:
        raise item_not_found()
    submission: Submission = row[0]
    return submission


def institutions_in_scope(session: Session, staff: StaffMember, code: str | None) -> set[str]:
    """The staff member's institutions, or the one named by `code` if it is one of them."""
    if code is None:
        return set(staff.institution_ids)
    institution = institution_by_code(session, code)
    if institution is None or institution.id not in staff.institution_ids:
        raise NotFound(
            code=ErrorCode.INSTITUTION_NOT_FOUND,
            message="找不到這個機關。",
            message_en="No such institution among yours.",
        )
    return {institution.id}
