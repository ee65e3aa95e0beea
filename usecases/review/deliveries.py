"""An approved post printed or shown to the inmate: marked delivered, once, audited."""

from moderation.audit import AuditAction
from moderation.errors import ErrorCode, NotFound
from moderation.staff import StaffMember
from moderation.statuses import Status
from storage import transitions
from storage.audit import record
from storage.models import Post, utcnow
from usecases.review.access import visible_item
from usecases.transaction import UnitOfWork


def mark_delivered(work: UnitOfWork, staff: StaffMember, item_id: str) -> Status:
    submission = visible_item(work.session, staff, item_id)
    post = work.session.get(Post, submission.id)
    if post is None:
        raise NotFound(
            code=ErrorCode.NOT_A_POST,
            message="只有聯絡簿可以標記為已送達。",
            message_en="Only posts are delivered.",
        )
    transitions.move(work.session, submission, Status.DELIVERED)
    post.delivered_at, post.delivered_by = utcnow(), staff.id
    record(work.session, staff.actor, AuditAction.DELIVERED, submission_id=submission.id)
    work.commit()
    return Status.DELIVERED
