"""Suspensions (「機關得暫停收容人家屬使用權限 1 個月」): per institution, for a calendar month,
proposed to an administrator when the policy says so; lifted early by an administrator of the
institution that caused them, which emails the family.

The family's account row is locked (SELECT … FOR UPDATE; SQLite serialises writers anyway)
before any count or change, so two rejections or an admin and a rejection take turns.
"""

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from moderation import emails
from moderation.audit import AuditAction
from moderation.errors import Conflict, ErrorCode, not_found
from moderation.policy import Policy
from moderation.staff import StaffMember
from moderation.strikes import (
    SuspensionState,
    liftable,
    suspension_due,
    suspension_end,
)
from storage.audit import record
from storage.models import Account, Institution, Strike, Submission, Suspension, utcnow
from storage.outbox import queue_email
from storage.queries import policy_of
from storage.strike_counts import active_strikes, counting
from usecases.transaction import UnitOfWork


def lock_account(session: Session, account_id: str) -> Account:
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        raise not_found("這個帳號", "No such account.")
    return account


def _running(account_id: str, now: datetime) -> tuple:  # type: ignore[type-arg]
    return (
        Suspension.account_id == account_id,
        Suspension.state == SuspensionState.ACTIVE,
        Suspension.lifted_at.is_(None),
        Suspension.until > now,
    )


def suspended_until(
    session: Session, account_id: str, institution_id: str, now: datetime
) -> datetime | None:
    """When the family may post to this institution again; None when it may now. A suspension
    from before version 1.1 (no institution) holds every institution, as it did."""
    return session.scalar(
        select(func.max(Suspension.until)).where(
            *_running(account_id, now),
            or_(Suspension.institution_id == institution_id, Suspension.institution_id.is_(None)),
        )
    )


def current_suspension_end(session: Session, account_id: str, now: datetime) -> datetime | None:
    """The latest end of any running suspension: what the family's profile shows."""
    return session.scalar(select(func.max(Suspension.until)).where(*_running(account_id, now)))


def suspend_at_threshold(
    session: Session, account: Account, institution_id: str, policy: Policy, now: datetime
) -> str | None:
    """After a strike at `institution_id`: at the policy's count of its counted strikes,
    suspend (or propose to). Returns the email to wake, if any."""
    count = active_strikes(session, account.id, institution_id)
    plan = suspension_due(count, policy, now)
    if plan is None:
        return None
    suspension = Suspension(
        account_id=account.id,
        institution_id=institution_id,
        state=plan.state,
        starts_at=plan.starts_at,
        until=plan.until,
    )
    session.add(suspension)
    session.flush()
    session.execute(
        update(Strike)
        .where(*counting(account.id, institution_id))
        .values(suspension_id=suspension.id)
        .execution_options(synchronize_session=False)
    )
    if plan.state == SuspensionState.PROPOSED:
        return None  # the family hears of it once an administrator confirms it
    return _begin(session, account, suspension, count)


def _begin(session: Session, account: Account, suspension: Suspension, strikes: int) -> str:
    account.suspended_until = current_suspension_end(session, account.id, utcnow())
    institution = session.get(Institution, suspension.institution_id)
    name = institution.name if institution else ""
    email = emails.suspension(
        to=account.email,
        until=suspension.until,
        strikes=strikes,
        institution=name,
        contacts=institution.contacts if institution else (),
    )
    return queue_email(session, email)


def lift(session: Session, suspension: Suspension, *, by: str, reason: str, now: datetime) -> str:
    """End a running suspension early; returns the email telling the family."""
    account = lock_account(session, suspension.account_id)
    suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, by, reason
    session.flush()
    account.suspended_until = current_suspension_end(session, account.id, now)
    institution = session.get(Institution, suspension.institution_id)
    name = institution.name if institution else "機關"
    return queue_email(session, emails.suspension_lifted(to=account.email, institution=name))


def _causing_institutions(session: Session, suspension: Suspension) -> frozenset[str]:
    if suspension.institution_id is not None:
        return frozenset({suspension.institution_id})
    return frozenset(
        session.scalars(
            select(Submission.institution_id)
            .join(Strike, Strike.submission_id == Submission.id)
            .where(Strike.suspension_id == suspension.id)
            .distinct()
        )
    )


def lift_suspension(work: UnitOfWork, admin: StaffMember, account_id: str) -> int:
    """An administrator ends the family's running suspensions their institutions caused:
    404 `not_suspended` when none runs, 403 when only another institution's do. The strike
    count starts again (the lifted suspension keeps its strikes)."""
    session = work.session
    serving = ensure_serves_family(session, admin, account_id)
    lock_account(session, account_id)  # not while a rejection is suspending the family anew
    now = utcnow()
    running = session.scalars(select(Suspension).where(*_running(account_id, now))).all()
    allowed = liftable(
        {s.id: _causing_institutions(session, s) for s in running}, admin.institution_ids
    )
    for suspension in running:
        if suspension.id in allowed:
            work.wake_email(
                lift(session, suspension, by=admin.actor, reason="lifted_by_admin", now=now)
            )
    for institution_id in sorted(serving):  # filed where the institutions' admins look
        record(
            session,
            admin.actor,
            AuditAction.LIFT_SUSPENSION,
            institution_id=institution_id,
            account_id=account_id,
            lifted=len(allowed),
        )
    work.commit()
    return len(allowed)


def ensure_serves_family(session: Session, staff: StaffMember, account_id: str) -> set[str]:
    """The staff member's institutions that serve the family. A family none of them serves is
    not visible to them: 404. Which of its suspensions they may lift is decided apart (403 for
    another's)."""
    serving = set(
        session.scalars(
            select(Submission.institution_id)
            .where(
                Submission.account_id == account_id,
                Submission.institution_id.in_(staff.institution_ids),
            )
            .distinct()
        )
    )
    if not serving:
        raise not_found("這個帳號", "No such account.")
    return serving


def _proposed(session: Session, admin: StaffMember, suspension_id: str) -> Suspension:
    suspension = session.scalar(
        select(Suspension).where(Suspension.id == suspension_id).with_for_update()
    )
    if suspension is None or suspension.institution_id not in admin.institution_ids:
        raise not_found("這筆暫停", "No such suspension.")
    if suspension.state != SuspensionState.PROPOSED:
        raise Conflict(
            code=ErrorCode.SUSPENSION_NOT_PROPOSED,
            message="這筆暫停已經確認或撤銷過了。",
            message_en="This suspension is not waiting for a decision.",
        )
    return suspension


def confirm(work: UnitOfWork, admin: StaffMember, suspension_id: str) -> Suspension:
    """The administrator confirms a proposed suspension: it runs from now for the policy's
    calendar month, and the family is emailed."""
    session = work.session
    suspension = _proposed(session, admin, suspension_id)
    account = lock_account(session, suspension.account_id)
    now = utcnow()
    assert suspension.institution_id is not None
    policy = policy_of(session, suspension.institution_id)
    suspension.state = SuspensionState.ACTIVE
    suspension.starts_at, suspension.until = now, suspension_end(now, policy)
    suspension.decided_by, suspension.decided_at = admin.actor, now
    session.flush()
    strikes = session.scalar(
        select(func.count()).select_from(Strike).where(Strike.suspension_id == suspension.id)
    )
    work.wake_email(_begin(session, account, suspension, strikes or 0))
    record(
        session,
        admin.actor,
        AuditAction.CONFIRM_SUSPENSION,
        # Filed under the institution and family, where its administrators' audit log looks.
        institution_id=suspension.institution_id,
        account_id=suspension.account_id,
        suspension_id=suspension.id,
    )
    work.commit()
    return suspension


def dismiss(work: UnitOfWork, admin: StaffMember, suspension_id: str) -> Suspension:
    """The administrator decides not to suspend; the strikes it gathered stay used."""
    session = work.session
    suspension = _proposed(session, admin, suspension_id)
    now = utcnow()
    suspension.state = SuspensionState.DISMISSED
    suspension.decided_by, suspension.decided_at = admin.actor, now
    record(
        session,
        admin.actor,
        AuditAction.DISMISS_SUSPENSION,
        # Filed under the institution and family, where its administrators' audit log looks.
        institution_id=suspension.institution_id,
        account_id=suspension.account_id,
        suspension_id=suspension.id,
    )
    work.commit()
    return suspension
