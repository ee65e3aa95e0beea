"""The database is the record; broker messages are only wake-ups. The sweeper rebuilds them.

Every `sweep_interval_s` it re-sends work for submissions stuck in received/checking, gives
expired claim leases back to the queue, and wakes the mailer for emails that are due. Running it
in several worker processes at once is harmless: every actor is idempotent.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from familybook.audit import record
from familybook.runtime import Runtime
from moderation.errors import Conflict
from moderation.statuses import Status
from storage import transitions
from storage.models import Attempt, OutboxEmail, Submission, utcnow
from workers.mailer import SENDING_STALE_AFTER
from workers.ocr import unclaimed

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    resent_checks: int = 0
    expired_leases: int = 0
    emails_due: int = 0
    resent_ocr: int = 0


def sweep(
    rt: Runtime,
    *,
    wake_check: Callable[[str], object],
    wake_email: Callable[[str], object],
    wake_ocr: Callable[[str], object] | None = None,
    stuck_after: timedelta | None = None,
) -> SweepResult:
    now = utcnow()
    if stuck_after is None:
        stuck_after = timedelta(seconds=rt.settings.sweep_stuck_after_s)
    result = SweepResult()
    with rt.db.session() as session:
        stuck = (
            session.execute(
                select(Attempt.id)
                .join(
                    Submission,
                    and_(
                        Submission.id == Attempt.submission_id, Submission.attempt == Attempt.number
                    ),
                )
                .where(
                    Submission.status.in_([Status.RECEIVED, Status.CHECKING]),
                    Submission.status_changed_at < now - stuck_after,
                )
            )
            .scalars()
            .all()
        )
        expired = _expire_leases(session, now)
        ocr_missing = (
            session.execute(
                select(Attempt.id)
                .join(
                    Submission,
                    and_(
                        Submission.id == Attempt.submission_id, Submission.attempt == Attempt.number
                    ),
                )
                .where(
                    # Posts too: their photos' text flags are OCR as well, and lost the same way.
                    Submission.kind.in_(["application", "post"]),
                    Submission.status.in_([Status.AWAITING_REVIEW, Status.IN_REVIEW]),
                    Attempt.ocr_done_at.is_(None),
                    Attempt.checked_at < now - stuck_after,
                    unclaimed(rt, now),
                )
            )
            .scalars()
            .all()
            if wake_ocr is not None
            else []
        )
        due = (
            session.execute(
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
            .scalars()
            .all()
        )
    for attempt_id in stuck:
        wake_check(attempt_id)
    for email_id in due:
        wake_email(email_id)
    for attempt_id in ocr_missing:
        assert wake_ocr is not None
        wake_ocr(attempt_id)
    result.resent_checks, result.expired_leases, result.emails_due = len(stuck), expired, len(due)
    result.resent_ocr = len(ocr_missing)
    if stuck or expired or due or ocr_missing:
        log.info("sweep: %s", result)
    return result


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
        record(session, "sweeper", "lease_expired", submission_id=submission.id, holder=holder)
        released += 1
    return released


class SweeperThread(threading.Thread):
    def __init__(self, rt: Runtime, **wakers: Callable[[str], object]) -> None:
        super().__init__(name="familybook-sweeper", daemon=True)
        self._rt, self._wakers, self._stop_event = rt, wakers, threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self._rt.settings.sweep_interval_s):
            try:
                sweep(self._rt, **self._wakers)  # type: ignore[arg-type]
            except Exception:  # the sweeper must outlive a database blip
                log.exception("sweep failed; trying again next interval")

    def stop(self) -> None:
        self._stop_event.set()
