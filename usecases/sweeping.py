"""The database is the record; broker messages are only wake-ups. The sweeper rebuilds them.

Every `sweep_interval_s` it re-sends work for submissions stuck in received/checking, gives
expired claim leases back to the queue, and wakes the mailer for emails that are due. Every
worker process runs a sweeper thread, but one sweeps at a time: the sweep's transaction takes a
PostgreSQL advisory lock, and a sweeper that finds it taken skips its turn (N workers would
otherwise re-send the same work N times; every actor is idempotent, so that was only waste).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from moderation.errors import Conflict
from moderation.kinds import SubmissionKind
from moderation.statuses import IN_QUEUE, Status
from storage import transitions
from storage.audit import record
from storage.locks import SWEEPER_LOCK, try_transaction_lock
from storage.models import Attempt, OutboxEmail, Submission, utcnow
from storage.queries import is_current_attempt
from usecases import retention
from usecases.mailing import SENDING_STALE_AFTER
from usecases.ocr_prefill import unclaimed
from usecases.runtime import Runtime
from usecases.transaction import transaction

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    resent_checks: int = 0
    expired_leases: int = 0
    emails_due: int = 0
    resent_ocr: int = 0
    erased_files: int = 0
    #: Another process was sweeping: this one did nothing.
    skipped: bool = False


def sweep(rt: Runtime, *, stuck_after: timedelta | None = None) -> SweepResult:
    now = utcnow()
    if stuck_after is None:
        stuck_after = timedelta(seconds=rt.settings.sweep_stuck_after_s)
    with transaction(rt) as work:
        session = work.session
        if not try_transaction_lock(session, SWEEPER_LOCK):
            return SweepResult(skipped=True)
        stuck = _stuck_checks(session, now - stuck_after)
        expired = _expire_leases(session, now)
        ocr_missing = _ocr_missing(rt, session, now, now - stuck_after)
        due = _emails_due(session, now)
        for attempt_id in stuck:
            work.wake_check(attempt_id)
        for email_id in due:
            work.wake_email(email_id)
        for attempt_id, kind in ocr_missing:
            work.wake_ocr(attempt_id, post=kind == SubmissionKind.POST)
    erased = len(retention.purge(rt, now))
    result = SweepResult(len(stuck), expired, len(due), len(ocr_missing), erased)
    if stuck or expired or due or ocr_missing or erased:
        log.info("sweep: %s", result)
    return result


def _stuck_checks(session: Session, before: datetime) -> list[str]:
    """Current attempts waiting for the checks since before `before`."""
    return list(
        session.scalars(
            select(Attempt.id)
            .join(Submission, is_current_attempt())
            .where(
                Submission.status.in_([Status.RECEIVED, Status.CHECKING]),
                Submission.status_changed_at < before,
            )
        )
    )


def _ocr_missing(
    rt: Runtime, session: Session, now: datetime, before: datetime
) -> list[tuple[str, str]]:
    """Items in the queue whose OCR nobody runs (posts too: their photos' text flags are OCR as
    well, and lost the same way), with their kind."""
    return list(
        session.execute(
            select(Attempt.id, Submission.kind)
            .join(Submission, is_current_attempt())
            .where(
                Submission.status.in_(list(IN_QUEUE)),
                Attempt.ocr_done_at.is_(None),
                Attempt.checked_at < before,
                unclaimed(rt, now),
            )
        )
    )


def _emails_due(session: Session, now: datetime) -> list[str]:
    return list(
        session.scalars(
            select(OutboxEmail.id).where(
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.failed_at.is_(None),
                OutboxEmail.next_try_at <= now,
                or_(
                    OutboxEmail.sending_since.is_(None),
                    OutboxEmail.sending_since < now - SENDING_STALE_AFTER,
                ),
            )
        )
    )


def _expire_leases(session: Session, now: datetime) -> int:
    """Give items whose claim ran out back to the queue, through the same guarded move a
    reviewer's release makes (the attempt's status follows; the audit log says who)."""
    lapsed = session.scalars(
        select(Submission).where(
            Submission.status == Status.IN_REVIEW, Submission.lease_expires_at < now
        )
    ).all()
    released = 0
    for submission in lapsed:
        holder = submission.claimed_by
        try:
            with session.begin_nested():
                transitions.move(
                    session,
                    submission,
                    Status.AWAITING_REVIEW,
                    now=now,
                    claimed_by=None,
                    lease_expires_at=None,
                )
        except Conflict:
            continue  # decided or renewed meanwhile: nothing to give back
        record(
            session,
            "sweeper",
            AuditAction.LEASE_EXPIRED,
            submission_id=submission.id,
            holder=holder,
        )
        released += 1
    return released
