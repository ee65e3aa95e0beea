"""What operators look at when something seems stuck (`familybook stuck`, GET /review/v1/stats).

`stuck_report(rt)` gathers, from the database (the record) and the broker:
- submissions in `received`/`checking` for longer than the sweep threshold — the sweeper re-sends
  them every interval, so a long list here means the workers are down or keep failing;
- emails not sent yet that have failed at least once (`last_error`), or whose send started so
  long ago that its worker is presumed dead;
- the broker's dead letters per queue (`Queues.dead_letters`: Redis keeps them, the in-process
  broker none).

Everything is plain JSON-able data. Email addresses are masked: the report is for operators and
may be shown in the review API's stats.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from moderation.privacy import mask_email, mask_emails_in
from moderation.statuses import Status
from storage.models import Account, Institution, OutboxEmail, Submission, utcnow
from usecases.mailing import SENDING_STALE_AFTER
from usecases.runtime import Runtime

#: At most this many rows of each kind are listed (the counts are always complete).
LIST_LIMIT = 50


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def stuck_submissions(
    rt: Runtime, session: Session, *, now: datetime, institution_ids: Collection[str] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    threshold = now - timedelta(seconds=rt.settings.sweep_stuck_after_s)
    where = [
        Submission.status.in_([Status.RECEIVED, Status.CHECKING]),
        Submission.status_changed_at < threshold,
    ]
    if institution_ids is not None:
        where.append(Submission.institution_id.in_(list(institution_ids)))
    rows = session.execute(
        select(Submission, Institution.code)
        .join(Institution, Institution.id == Submission.institution_id)
        .where(*where)
        .order_by(Submission.status_changed_at)
    ).all()
    listed = [
        {
            "id": s.id,
            "kind": s.kind,
            "institution": code,
            "status": s.status,
            "attempt": s.attempt,
            "status_changed_at": _iso(s.status_changed_at),
            "stuck_s": int((now - s.status_changed_at).total_seconds()),
        }
        for s, code in rows[:LIST_LIMIT]
    ]
    return len(rows), listed


def failing_emails(
    session: Session, *, now: datetime, institution_ids: Collection[str] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    where = []
    if institution_ids is not None:
        # Only the emails of families with a submission at these institutions.
        where.append(
            func.lower(OutboxEmail.to_addr).in_(
                select(Account.email_key)
                .join(Submission, Submission.account_id == Account.id)
                .where(Submission.institution_id.in_(list(institution_ids)))
            )
        )
    rows = session.scalars(
        select(OutboxEmail)
        .where(
            *where,
            OutboxEmail.sent_at.is_(None),
            or_(
                OutboxEmail.last_error.is_not(None),
                and_(
                    OutboxEmail.sending_since.is_not(None),
                    OutboxEmail.sending_since < now - SENDING_STALE_AFTER,
                ),
            ),
        )
        .order_by(OutboxEmail.created_at)
    ).all()
    listed = [
        {
            "id": e.id,
            "to": mask_email(e.to_addr),
            "tries": e.tries,
            "last_error": mask_emails_in(e.last_error) if e.last_error else None,
            "created_at": _iso(e.created_at),
            "next_try_at": _iso(e.next_try_at),
            "sending_since": _iso(e.sending_since),
            "given_up_at": _iso(e.failed_at),
        }
        for e in rows[:LIST_LIMIT]
    ]
    return len(rows), listed


def stuck_report(
    rt: Runtime, session: Session, *, institution_ids: Collection[str] | None = None
) -> dict[str, Any]:
    """Stuck and dead work, for operators. `institution_ids` limits the submissions and the
    emails listed (a reviewer's own institutions' families); dead letters are system-wide."""
    now = utcnow()
    n_subs, subs = stuck_submissions(rt, session, now=now, institution_ids=institution_ids)
    n_mail, mails = failing_emails(session, now=now, institution_ids=institution_ids)
    dead = rt.queues.dead_letters()
    dead_total = (
        sum(q["count"] for q in dead.values() if isinstance(q, dict))
        if dead and "error" not in dead
        else 0
    )
    return {
        "generated_at": now.isoformat(),
        "stuck_after_s": rt.settings.sweep_stuck_after_s,
        "counts": {
            "stuck_submissions": n_subs,
            "failing_emails": n_mail,
            "dead_letters": dead_total,
        },
        "stuck_submissions": subs,
        "failing_emails": mails,
        "dead_letters": dead,
    }
