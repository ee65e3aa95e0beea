"""Strikes and suspensions: counted once each, exactly, under concurrency; appealed once;
lifted or overruled by an administrator of the institution that caused them.

The family's account row is locked (SELECT … FOR UPDATE; SQLite serialises writers anyway)
before counting, so two rejections decided at the same moment are both counted, in turn.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from moderation import emails
from moderation.audit import AuditAction
from moderation.errors import Conflict, ErrorCode, not_found
from moderation.policy import Policy
from moderation.staff import StaffMember
from moderation.strikes import (
    APPEAL_MAX_CHARS,
    AppealOutcome,
    AppealVerdict,
    ensure_appealable,
    liftable,
    suspension_due,
    suspension_running,
)
from moderation.text import clean_text
from storage.audit import record
from storage.models import Account, Decision, Strike, Submission, Suspension, utcnow
from storage.outbox import queue_email
from storage.queries import policy_of
from storage.strike_counts import active_strikes, counting
from usecases.transaction import UnitOfWork


@dataclass(frozen=True)
class AppealDecided:
    strike_id: str
    outcome: AppealOutcome
    strike_count: int


def lock_account(session: Session, account_id: str) -> Account:
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        raise not_found("這個帳號", "No such account.")
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


def appeal(work: UnitOfWork, account_id: str, strike_id: str, text: str) -> Strike:
    """The family's one appeal of a strike, within the policy's days."""
    session = work.session
    strike = session.scalar(select(Strike).where(Strike.id == strike_id).with_for_update())
    if strike is None or strike.account_id != account_id:
        raise not_found("這筆紀錄")
    submission = session.get(Submission, strike.submission_id)
    assert submission is not None
    now = utcnow()
    ensure_appealable(
        appealed_at=strike.appealed_at,
        created_at=strike.created_at,
        now=now,
        policy=policy_of(session, submission.institution_id),
    )
    strike.appeal_text = clean_text(text, field="text", max_chars=APPEAL_MAX_CHARS)
    strike.appealed_at = now
    work.commit()
    return strike


def decide_appeal(
    work: UnitOfWork, admin: StaffMember, strike_id: str, verdict: AppealVerdict
) -> AppealDecided:
    outcome = verdict.outcome
    session = work.session
    strike = session.get(Strike, strike_id)
    submission = session.get(Submission, strike.submission_id) if strike else None
    if (
        strike is None
        or submission is None
        or submission.institution_id not in admin.institution_ids
    ):
        raise not_found("這筆紀錄", "No such strike.")
    lock_account(session, strike.account_id)
    session.refresh(strike)  # as a decision committed while we waited for the lock left it
    if strike.appeal_outcome == outcome and strike.appeal_strike_count is not None:
        return AppealDecided(strike.id, outcome, strike.appeal_strike_count)  # a repeat
    if strike.appealed_at is None or strike.appeal_outcome is not None:
        raise Conflict(
            code=ErrorCode.NO_OPEN_APPEAL,
            message="這筆紀錄沒有待處理的申訴。",
            message_en="This strike has no open appeal.",
        )
    now = utcnow()
    strike.appeal_outcome = outcome
    strike.appeal_decided_by, strike.appeal_decided_at = admin.id, now
    if outcome == AppealOutcome.OVERRULED:
        overrule(session, strike, by=admin.actor, now=now)
    record(
        session,
        admin.actor,
        AuditAction.APPEAL_DECISION,
        submission_id=strike.submission_id,
        strike_id=strike.id,
        outcome=outcome.value,
    )
    session.flush()
    count = active_strikes(session, strike.account_id)
    strike.appeal_strike_count = count
    work.commit()
    return AppealDecided(strike.id, outcome, count)


def lift_suspension(work: UnitOfWork, admin: StaffMember, account_id: str) -> int:
    """An administrator ends the family's running suspensions their institutions caused."""
    session = work.session
    _ensure_serves_family(session, admin, account_id)
    lifted = lift_early(
        session, account_id, institution_ids=admin.institution_ids, by=admin.actor, now=utcnow()
    )
    record(session, admin.actor, AuditAction.LIFT_SUSPENSION, account_id=account_id, lifted=lifted)
    work.commit()
    return lifted


def _ensure_serves_family(session: Session, staff: StaffMember, account_id: str) -> None:
    # A family none of the administrator's institutions serves is not visible to them: 404.
    # Which of its suspensions they may lift is decided apart (403 for another's).
    serves = session.scalar(
        select(Submission.id)
        .where(
            Submission.account_id == account_id,
            Submission.institution_id.in_(staff.institution_ids),
        )
        .limit(1)
    )
    if serves is None:
        raise not_found("這個帳號", "No such account.")
