"""Claims: a reviewer takes an item for a while (a lease) so that two do not review it at once."""

from datetime import timedelta

from sqlalchemy.orm import Session

from familybook.audit import record
from moderation.errors import Conflict
from moderation.statuses import DECIDED, Status
from review_api.deps import StaffMember
from storage import transitions
from storage.models import Submission, utcnow


def claim(
    session: Session, staff: StaffMember, submission: Submission, lease: timedelta
) -> Submission:
    now = utcnow()
    status = Status(submission.status)
    if status in DECIDED:
        raise Conflict(
            code="already_decided",
            message="這個項目已經審核完成。",
            message_en="This item has already been decided.",
        )
    if status == Status.IN_REVIEW:
        assert submission.lease_expires_at is not None
        if submission.claimed_by != staff.id and submission.lease_expires_at > now:
            raise _claimed_by_other(submission)
        # Renew our own lease, or take over an expired one: same status, new holder.
        transitions.move(
            session, submission, Status.AWAITING_REVIEW, claimed_by=None, lease_expires_at=None
        )
    elif status != Status.AWAITING_REVIEW:
        raise Conflict(
            code="not_ready",
            message="這個項目還在自動檢查中，尚不能審核。",
            message_en="This item is still being checked automatically.",
        )
    try:
        transitions.move(
            session, submission, Status.IN_REVIEW, claimed_by=staff.id, lease_expires_at=now + lease
        )
    except Conflict as exc:
        if exc.code != "changed_meanwhile":
            raise
        # Two reviewers clicked at once and the other's claim landed first.
        session.refresh(submission)
        raise _claimed_by_other(submission) from None
    record(session, staff.actor, "claim", submission_id=submission.id)
    return submission


def _claimed_by_other(submission: Submission) -> Conflict:
    lease = submission.lease_expires_at
    return Conflict(
        code="claimed_by_other",
        message="這個項目正由其他審核人員處理中。",
        message_en="Another reviewer is working on this item.",
        extra={"lease_expires_at": lease.isoformat() if lease else None},
    )


def release(session: Session, staff: StaffMember, submission: Submission) -> None:
    if submission.status != Status.IN_REVIEW or submission.claimed_by != staff.id:
        return  # giving back what you do not hold is a no-op
    transitions.move(
        session, submission, Status.AWAITING_REVIEW, claimed_by=None, lease_expires_at=None
    )
    record(session, staff.actor, "release", submission_id=submission.id)
