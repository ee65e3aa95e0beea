"""Strikes: human rejections of posts, counted once each, exactly, under concurrency, at the
institution whose staff rejected; appealed once; overruled by an administrator of that
institution. Suspensions are `usecases.suspensions`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
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
    SuspensionState,
    ensure_appealable,
    suspension_running,
)
from moderation.text import clean_text
from storage.audit import record
from storage.models import (
    Account,
    Attempt,
    Decision,
    Institution,
    Strike,
    Submission,
    Suspension,
    utcnow,
)
from storage.outbox import queue_email
from storage.queries import policy_of
from storage.strike_counts import active_strikes
from usecases.suspensions import lift, lock_account, suspend_at_threshold
from usecases.transaction import UnitOfWork


@dataclass(frozen=True)
class AppealDecided:
    strike_id: str
    outcome: AppealOutcome
    strike_count: int


def record_strike(
    session: Session, decision: Decision, account_id: str, policy: Policy, now: datetime
) -> str | None:
    """Count a human rejection of a post at its institution; suspend (or propose to) at the
    policy's count. Returns an email id."""
    account = lock_account(session, account_id)
    submission = session.get(Submission, decision.submission_id)
    assert submission is not None
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
    return suspend_at_threshold(session, account, submission.institution_id, policy, now)


def overrule(session: Session, strike: Strike, *, by: str, now: datetime) -> str | None:
    """An overruled strike stops counting (its appeal outcome says so, see `counting`). If the
    suspension it helped cause is still running (or only proposed), that suspension is lifted
    (or the proposal dropped) and its other strikes count again, as if it had never happened.
    A suspension that already ended, by itself or lifted by an administrator, is left as it
    was: its strikes were served, and reviving them would let a single new rejection suspend
    the family again. Returns the email of a lifted suspension."""
    if strike.suspension_id is None:
        return None
    suspension = session.get(Suspension, strike.suspension_id)
    assert suspension is not None
    email_id = None
    if suspension.state == SuspensionState.PROPOSED:
        suspension.state, suspension.decided_by, suspension.decided_at = (
            SuspensionState.DISMISSED,
            by,
            now,
        )
    elif suspension.state == SuspensionState.ACTIVE and suspension_running(
        until=suspension.until, lifted_at=suspension.lifted_at, now=now
    ):
        email_id = lift(session, suspension, by=by, reason="strike_overruled", now=now)
    else:
        return None
    session.execute(
        update(Strike)
        .where(Strike.suspension_id == suspension.id, Strike.id != strike.id)
        .values(suspension_id=None)
        .execution_options(synchronize_session=False)
    )
    return email_id


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
        work.wake_email(overrule(session, strike, by=admin.actor, now=now))
    work.wake_email(_appeal_email(session, strike, submission, outcome))
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


def _appeal_email(
    session: Session, strike: Strike, submission: Submission, outcome: AppealOutcome
) -> str:
    account = session.get(Account, strike.account_id)
    institution = session.get(Institution, submission.institution_id)
    attempt = session.scalar(
        select(Attempt).where(
            Attempt.id
            == select(Decision.attempt_id)
            .where(Decision.id == strike.decision_id)
            .scalar_subquery()
        )
    )
    assert account is not None and institution is not None
    email = emails.appeal_decided(
        to=account.email,
        institution=institution.name,
        overruled=outcome == AppealOutcome.OVERRULED,
        title=attempt.title if attempt else None,
    )
    return queue_email(session, email)
