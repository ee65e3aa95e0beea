"""Numbers an operator watches, read from the database at scrape time (GET /metrics).

Read, not counted: the database is the record, so these are right after any restart and the
same whichever process is scraped.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.statuses import IN_QUEUE
from storage.models import Institution, OutboxEmail, Submission, utcnow


@dataclass
class PipelineGauges:
    #: Emails not sent and not given up (waiting, retrying or being sent).
    outbox_backlog: int = 0
    #: …of which the last try failed.
    outbox_failing: int = 0
    #: Emails given up for good (listed by `familybook stuck`).
    outbox_given_up: int = 0
    #: Per institution code: items waiting for a decision, and the oldest one's age (seconds).
    review_waiting: dict[str, int] = field(default_factory=dict)
    review_oldest_s: dict[str, float] = field(default_factory=dict)


def read_gauges(session: Session, *, now: datetime | None = None) -> PipelineGauges:
    now = now or utcnow()
    unsent = OutboxEmail.sent_at.is_(None)
    gauges = PipelineGauges(
        outbox_backlog=_count(session, unsent, OutboxEmail.failed_at.is_(None)),
        outbox_failing=_count(
            session, unsent, OutboxEmail.failed_at.is_(None), OutboxEmail.last_error.is_not(None)
        ),
        outbox_given_up=_count(session, unsent, OutboxEmail.failed_at.is_not(None)),
    )
    rows = session.execute(
        select(Institution.code, func.count(Submission.id), func.min(Submission.submitted_at))
        .outerjoin(
            Submission,
            (Submission.institution_id == Institution.id)
            & Submission.status.in_([s.value for s in IN_QUEUE]),
        )
        .group_by(Institution.code)
    ).all()
    for code, waiting, oldest in rows:
        gauges.review_waiting[code] = int(waiting)
        gauges.review_oldest_s[code] = (
            max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        )
    return gauges


def _count(session: Session, *where: object) -> int:
    return int(session.scalar(select(func.count(OutboxEmail.id)).where(*where)) or 0)  # type: ignore[arg-type]
