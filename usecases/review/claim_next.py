"""Claim-next: the oldest unclaimed item of the reviewer's institutions, taken in one call.

Never one item to two reviewers: the candidate row is locked with SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL, so ten reviewers asking at once each lock a different row instead of
queueing behind the first; the claim itself is still the guarded compare-and-set of
`claims.take` (SQLite takes its one write lock at BEGIN, so there the transactions simply run
one after the other). Should the guarded move still lose (a claim by id landing on the same
row between our read and our write), the next candidate is tried.
"""

from datetime import timedelta

from sqlalchemy import and_, or_, select

from moderation.errors import Conflict
from moderation.kinds import SubmissionKind
from moderation.staff import StaffMember
from moderation.statuses import IN_QUEUE, Status
from storage.models import Submission, utcnow
from usecases.review.access import institutions_in_scope
from usecases.review.claims import take
from usecases.transaction import UnitOfWork

#: Candidates tried before answering "none" when every one was taken under our hands.
MAX_TRIES = 5


def claim_next(
    work: UnitOfWork,
    staff: StaffMember,
    *,
    kind: SubmissionKind | None,
    institution: str | None,
) -> str | None:
    """The id of the item now claimed by `staff`, or None if the queue has nothing free."""
    session = work.session
    ids = institutions_in_scope(session, staff, institution)
    lease = timedelta(minutes=work.rt.settings.claim_lease_minutes)
    for _ in range(MAX_TRIES):
        now = utcnow()
        query = (
            select(Submission)
            .where(
                Submission.institution_id.in_(sorted(ids)),
                # The queue's partial index covers both statuses; an expired lease is free.
                Submission.status.in_(sorted(IN_QUEUE)),
                or_(
                    Submission.status == Status.AWAITING_REVIEW,
                    and_(Submission.status == Status.IN_REVIEW, Submission.lease_expires_at <= now),
                ),
            )
            .order_by(Submission.submitted_at, Submission.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if kind is not None:
            query = query.where(Submission.kind == kind)
        candidate = session.scalar(query)
        if candidate is None:
            work.rollback()
            return None
        try:
            take(session, staff, candidate, lease)
        except Conflict:
            work.rollback()
            continue
        work.commit()
        return candidate.id
    return None
