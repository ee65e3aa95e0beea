"""Claim-next: the oldest unclaimed item of the reviewer's institutions, taken in one call.

Never one item to two reviewers. On PostgreSQL the claim is one statement
(`storage.claiming`): the candidate row is locked with SELECT … FOR UPDATE SKIP LOCKED, so ten
reviewers asking at once each lock a different row instead of queueing behind the first, and
the claim, the attempt's move and the audit entries are written by the same statement. On
SQLite (which takes its one write lock at BEGIN, so the transactions simply run one after the
other) the steps are separate: the candidate, then the guarded compare-and-set of
`claims.take`; should that still lose (a claim by id landing on the same row between our read
and our write), the next candidate is tried.

The candidate is the older of two, each found by its own partial index (migration 0012): the
oldest item awaiting review, and an older one whose lease lapsed (anyone's again, even before
the sweeper runs). One scan over both statuses would wade through every claimed item at the
head of the queue, row by row, on each claim.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, bindparam, select, tuple_

from moderation.audit import AuditAction
from moderation.errors import Conflict
from moderation.kinds import SubmissionKind
from moderation.staff import StaffMember
from moderation.statuses import Status
from storage.audit import record
from storage.claiming import claim_oldest
from storage.models import Submission, utcnow
from usecases.review.access import institutions_in_scope
from usecases.review.claims import take
from usecases.transaction import UnitOfWork

T = TypeVar("T")

#: Candidates tried before answering "none" when every one was taken under our hands.
MAX_TRIES = 5


def claim_next(
    work: UnitOfWork,
    staff: StaffMember,
    *,
    kind: SubmissionKind | None,
    institution: str | None,
    show: Callable[[Submission], T],
) -> T | None:
    """What `show` makes of the item now claimed by `staff` (committed), or None if the queue
    has nothing free. Claim-next shows what it claims: the look is recorded, and the item read
    by `show`, in the claim's own transaction (one connection checkout, one commit)."""
    session = work.session
    ids = sorted(institutions_in_scope(session, staff, institution))
    lease = timedelta(minutes=work.rt.settings.claim_lease_minutes)
    if session.get_bind().dialect.name == "postgresql":
        now = utcnow()
        candidate = claim_oldest(
            session, ids, kind, staff_id=staff.id, actor=staff.actor, now=now, until=now + lease
        )
    else:
        candidate = _claim_step_by_step(work, staff, ids, kind, lease)
    if candidate is None:
        work.rollback()
        return None
    shown = show(candidate)
    work.commit()
    return shown


def _claim_step_by_step(
    work: UnitOfWork,
    staff: StaffMember,
    ids: list[str],
    kind: SubmissionKind | None,
    lease: timedelta,
) -> Submission | None:
    """The claim as separate statements (SQLite, which takes its one write lock at BEGIN, so
    the transactions simply run one after the other): the candidate, the guarded move, the
    look recorded."""
    for _ in range(MAX_TRIES):
        candidate = _oldest_free(work, ids, kind, utcnow())
        if candidate is None:
            return None
        try:
            take(work.session, staff, candidate, lease)
        except Conflict:
            work.rollback()
            continue
        record(work.session, staff.actor, AuditAction.VIEW_ITEM, submission_id=candidate.id)
        return candidate
    return None


def _oldest_free(
    work: UnitOfWork, ids: list[str], kind: SubmissionKind | None, now: datetime
) -> Submission | None:
    """The oldest item nobody holds, locked (rows others lock are skipped). When a lapsed
    lease is older than the oldest waiting item, that waiting row stays locked until our
    commit, a few milliseconds: another reviewer skips to the next one meanwhile."""
    session, has_kind = work.session, kind is not None
    params: dict[str, object] = {"ids": ids, "kind": kind, "now": now}
    waiting = session.scalar(_STATEMENTS[("waiting", has_kind)], params)
    if waiting is None:
        return session.scalar(_STATEMENTS[("lapsed", has_kind)], params)
    params |= {"before_at": waiting.submitted_at, "before_id": waiting.id}
    return session.scalar(_STATEMENTS[("lapsed before", has_kind)], params) or waiting


def _oldest(query: Select[tuple[Submission]], has_kind: bool) -> Select[tuple[Submission]]:
    query = query.where(Submission.institution_id.in_(bindparam("ids", expanding=True)))
    if has_kind:
        query = query.where(Submission.kind == bindparam("kind"))
    query = query.order_by(Submission.submitted_at, Submission.id).limit(1)
    return query.with_for_update(skip_locked=True)


_WAITING = select(Submission).where(Submission.status == Status.AWAITING_REVIEW)
_LAPSED = select(Submission).where(
    Submission.status == Status.IN_REVIEW, Submission.lease_expires_at <= bindparam("now")
)
_BEFORE = tuple_(Submission.submitted_at, Submission.id) < tuple_(
    bindparam("before_at", type_=Submission.submitted_at.type),
    bindparam("before_id", type_=Submission.id.type),
)
#: Built once (building them cost more CPU than running them), bound per claim.
_STATEMENTS = {
    (name, has_kind): _oldest(query, has_kind)
    for name, query in (
        ("waiting", _WAITING),
        ("lapsed", _LAPSED),
        ("lapsed before", _LAPSED.where(_BEFORE)),
    )
    for has_kind in (False, True)
}
