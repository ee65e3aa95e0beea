"""Claims: a reviewer takes an item for a while (a lease) so that two do not review it at once."""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from moderation.errors import Conflict, ErrorCode
from moderation.staff import StaffMember
from moderation.statuses import DECIDED, Status
from storage import transitions
from storage.audit import record
from storage.models import Submission, utcnow
from usecases.review.access import visible_item
from usecases.transaction import UnitOfWork


def already_decided() -> Conflict:
    return Conflict(
        code=ErrorCode.ALREADY_DECIDED,
        message="這個項目已經審核完成。",
        message_en="This item has already been decided.",
    )


def claim(work: UnitOfWork, staff: StaffMember, item_id: str) -> tuple[str, datetime]:
    """Take the item (or renew one's own lease); returns who holds it and until when."""
    lease = timedelta(minutes=work.rt.settings.claim_lease_minutes)
    submission = visible_item(work.session, staff, item_id)
    take(work.session, staff, submission, lease)
    assert submission.claimed_by is not None and submission.lease_expires_at is not None
    work.commit()
    return submission.claimed_by, submission.lease_expires_at


def take(session: Session, staff: StaffMember, submission: Submission, lease: timedelta) -> None:
    now = utcnow()
    status = Status(submission.status)
    if status in DECIDED:
        raise already_decided()
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
            code=ErrorCode.NOT_READY,
            message="這個項目還在自動檢查中，尚不能審核。",
            message_en="This item is still being checked automatically.",
        )
    try:
        transitions.move(
            session, submission, Status.IN_REVIEW, claimed_by=staff.id, lease_expires_at=now + lease
        )
    except Conflict as exc:
        if exc.code != ErrorCode.CHANGED_MEANWHILE:
            raise
        # Two reviewers clicked at once and the other's claim landed first.
        session.refresh(submission)
        raise _claimed_by_other(submission) from None
    record(session, staff.actor, AuditAction.CLAIM, submission_id=submission.id)


def _claimed_by_other(submission: Submission) -> Conflict:
    lease = submission.lease_expires_at
    return Conflict(
        code=ErrorCode.CLAIMED_BY_OTHER,
        message="這個項目正由其他審核人員處理中。",
        message_en="Another reviewer is working on this item.",
        extra={"lease_expires_at": lease.isoformat() if lease else None},
    )


def release(work: UnitOfWork, staff: StaffMember, item_id: str) -> None:
    submission = visible_item(work.session, staff, item_id)
    if submission.status != Status.IN_REVIEW or submission.claimed_by != staff.id:
        return  # giving back what you do not hold is a no-op
    transitions.move(
        work.session,
        submission,
        Status.AWAITING_REVIEW,
        claimed_by=None,
        lease_expires_at=None,
    )
    record(work.session, staff.actor, AuditAction.RELEASE, submission_id=submission.id)
    work.commit()
