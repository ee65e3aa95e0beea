"""Reopen: an administrator sends a wrongly decided item back to the queue.

In one transaction: the decision is marked reversed (kept on record), the item goes back to
awaiting review through the guarded move, the reasons the family was shown are withdrawn, a
rejected application holds its inmate again (409 if another family's service now does), a
rejected post's strike is withdrawn, and a suspension that strike helped cause and that still
runs is lifted as for an overruled appeal (its other strikes count again). The reason is kept
as a note for the next reviewer, and the audit log records it all. The family is emailed that
its item is under review again (through the outbox, after the commit), without the reason,
which is for staff.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import emails
from moderation.audit import AuditAction
from moderation.errors import Conflict, ErrorCode
from moderation.kinds import SubmissionKind
from moderation.relationships import LABELS, Relationship
from moderation.staff import StaffMember
from moderation.statuses import Status
from moderation.text import clean_text
from storage import transitions
from storage.audit import record
from storage.models import (
    Account,
    Application,
    Attempt,
    Decision,
    Institution,
    Post,
    Strike,
    Submission,
    utcnow,
)
from storage.outbox import queue_email
from storage.queries import current_attempt
from usecases import strikes
from usecases.review.access import visible_item
from usecases.review.notes import write_note
from usecases.transaction import UnitOfWork

#: Why a decision is reversed: a sentence or two.
MAX_REASON_CHARS = 500


def reopen(work: UnitOfWork, admin: StaffMember, item_id: str, reason: str) -> Status:
    session = work.session
    why = clean_text(reason, field="reason", max_chars=MAX_REASON_CHARS)
    submission = visible_item(session, admin, item_id)
    was = Status(submission.status)
    now = utcnow()
    attempt = current_attempt(session, submission)
    decision = session.scalar(
        select(Decision).where(Decision.attempt_id == attempt.id, Decision.reversed_at.is_(None))
    )
    transitions.reopen(
        session, submission, now=now, decided_at=None, claimed_by=None, lease_expires_at=None
    )
    attempt.decided_at, attempt.reasons = None, []
    if decision is not None:
        decision.reversed_at, decision.reversed_by, decision.reverse_reason = now, admin.id, why
    withdrawn = (
        _undo_rejection(work, admin, submission, decision) if was == Status.REJECTED else None
    )
    write_note(session, admin, submission, f"重新開啟 Reopened: {why}")
    record(
        session,
        admin.actor,
        AuditAction.REOPEN,
        submission_id=submission.id,
        was=was.value,
        decision_id=decision.id if decision else None,
        strike_withdrawn=withdrawn,
        reason=why,
    )
    email = _email(session, submission, attempt, was, strike_withdrawn=withdrawn is not None)
    work.wake_email(queue_email(session, email))
    work.commit()
    return Status.AWAITING_REVIEW


def _email(
    session: Session,
    submission: Submission,
    attempt: Attempt,
    was: Status,
    *,
    strike_withdrawn: bool,
) -> emails.Email:
    account = session.get(Account, submission.account_id)
    institution = session.get(Institution, submission.institution_id)
    post = session.get(Post, submission.id)
    application = session.get(Application, post.application_id if post else submission.id)
    assert account is not None and institution is not None and application is not None
    return emails.reopened(
        to=account.email,
        kind=SubmissionKind(submission.kind),
        was_approved=was == Status.APPROVED,
        institution=institution.name,
        relationship=LABELS[Relationship(application.relationship)][0],
        title=attempt.title if post else None,
        strike_withdrawn=strike_withdrawn,
    )


def _undo_rejection(
    work: UnitOfWork, admin: StaffMember, submission: Submission, decision: Decision | None
) -> str | None:
    """What the rejection set off, undone; returns the withdrawn strike's id."""
    session = work.session
    application = session.get(Application, submission.id)
    if application is not None and not application.holds_inmate:
        application.holds_inmate = True
        try:
            session.flush()
        except IntegrityError:
            work.rollback()
            raise Conflict(
                code=ErrorCode.INMATE_HAS_SERVICE,
                message="這位收容人已由其他家屬的申請使用中，無法重新開啟這筆申請。",
                message_en="Another family's application now holds this inmate; "
                "this one cannot be reopened.",
            ) from None
    strike = (
        session.scalar(select(Strike).where(Strike.decision_id == decision.id))
        if decision is not None
        else None
    )
    if strike is None or strike.withdrawn_at is not None:
        return None
    strikes.lock_account(session, strike.account_id)
    strike.withdrawn_at = utcnow()
    strikes.overrule(session, strike, by=admin.actor, now=strike.withdrawn_at)
    return strike.id
