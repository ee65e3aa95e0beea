"""Strikes and suspensions in the database: counted once each, exactly, under concurrency.

The family's account row is locked (SELECT … FOR UPDATE; SQLite serialises writers anyway)
before counting, so two rejections decided at the same moment are both counted, in turn.
"""

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from familybook.outbox import queue_email
from moderation import emails
from moderation.errors import NotFound
from moderation.policy import Policy
from moderation.strikes import liftable, suspension_due, suspension_running
from storage.models import Account, Decision, Strike, Submission, Suspension
from storage.strike_counts import active_strikes, counting


def lock_account(session: Session, account_id: str) -> Account:
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        raise NotFound(code="not_found", message="找不到這個帳號。", message_en="No such account.")
    return account


def record_strike(
    session: Session, decision: Decision, account_id: str, policy: Policy, now: datetime
) -> str | None:
    """Count a human rejection of a post; suspend at the policy's count. Returns an email id."""
    account = lock_account(session, account_id)
    session.add(
        Strike(
            account_id=account_id,
            submission_id=decision.submission_id,
            decision_id=decision.id,
            reason_code=decision.reason_code or "other",
            created_at=now,
        )
    )
    session.flush()
    active = active_strikes(session, account_id)
    plan = suspension_due(active, policy, now)
    if plan is None:
        return None
    suspension = Suspension(account_id=account_id, starts_at=plan.starts_at, until=plan.until)
    session.add(suspension)
    session.flush()
    session.execute(
        update(Strike)
        .where(*counting(account_id))
        .values(suspension_id=suspension.id)
        .execution_options(synchronize_session=False)
    )
    account.suspended_until = plan.until
    return queue_email(
        session, emails.suspension(to=account.email, until=plan.until, strikes=active)
    )


def current_suspension_end(session: Session, account_id: str, now: datetime) -> datetime | None:
    return session.scalar(
        select(func.max(Suspension.until)).where(
            Suspension.account_id == account_id,
            Suspension.lifted_at.is_(None),
            Suspension.until > now,
        )
    )


def lift(session: Session, suspension: Suspension, *, by: str, reason: str, now: datetime) -> None:
    account = lock_account(session, suspension.account_id)
    suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, by, reason
    session.flush()
    account.suspended_until = current_suspension_end(session, account.id, now)


def _causing_institutions(session: Session, suspension_id: str) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(Submission.institution_id)
            .join(Strike, Strike.submission_id == Submission.id)
            .where(Strike.suspension_id == suspension_id)
            .distinct()
        )
    )


def lift_early(
    session: Session, account_id: str, *, institution_ids: frozenset[str], by: str, now: datetime
) -> int:
    """An administrator lifts the running suspensions their institutions caused; the strike
    count starts again (the lifted suspension keeps its strikes). Returns how many."""
    lock_account(session, account_id)  # not while a rejection is suspending the family anew
    running = session.scalars(
        select(Suspension).where(
            Suspension.account_id == account_id,
            Suspension.lifted_at.is_(None),
            Suspension.until > now,
        )
    ).all()
    allowed = liftable(
        {s.id: _causing_institutions(session, s.id) for s in running}, institution_ids
    )
    for suspension in running:
        if suspension.id in allowed:
            lift(session, suspension, by=by, reason="lifted_by_admin", now=now)
    return len(allowed)


def overrule(session: Session, strike: Strike, *, by: str, now: datetime) -> bool:
    """An overruled strike stops counting (its appeal outcome says so, see `counting`). If the
    suspension it helped cause is still running, that suspension is lifted and its other
    strikes count again, as if it had never happened. A suspension that already ended, by
    itself or lifted by an administrator, is left as it was: its strikes were served, and
    reviving them would let a single new rejection suspend the family again. True if a
    suspension was lifted."""
    if strike.suspension_id is None:
        return False
    suspension = session.get(Suspension, strike.suspension_id)
    assert suspension is not None
    if not suspension_running(until=suspension.until, lifted_at=suspension.lifted_at, now=now):
        return False
    lift(session, suspension, by=by, reason="strike_overruled", now=now)
    session.execute(
        update(Strike)
        .where(Strike.suspension_id == suspension.id, Strike.id != strike.id)
        .values(suspension_id=None)
        .execution_options(synchronize_session=False)
    )
    return True
