"""A reviewer's decision: final, once, whatever retries or double clicks occur.

In one transaction: the guarded status change, the decision row (one per attempt), the reasons
the family sees, the email in the outbox, what the kind sets off (a rejected application frees
its inmate; a rejected post is a strike) and the audit entry. A repeat with the same
Idempotency-Key answers the first result.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import emails
from moderation.audit import AuditAction
from moderation.errors import Conflict, ErrorCode, invalid_fields
from moderation.kinds import SubmissionKind
from moderation.reasons import Reason, reason_for
from moderation.relationships import LABELS, Relationship
from moderation.staff import StaffMember
from moderation.statuses import DECIDED, Status
from moderation.verdicts import Verdict
from storage import transitions
from storage.audit import record
from storage.models import (
    Account,
    Application,
    Attempt,
    Decision,
    Institution,
    Post,
    Submission,
    utcnow,
)
from storage.outbox import queue_email
from storage.queries import current_attempt
from usecases.review.access import visible_item
from usecases.review.claims import already_decided
from usecases.submissions.lifecycle import RULES
from usecases.transaction import UnitOfWork

MAX_ADVICE_CHARS = 500


@dataclass(frozen=True)
class DecisionIn:
    verdict: Verdict
    reason_code: str | None
    advice: str | None
    idempotency_key: str


def decide(work: UnitOfWork, staff: StaffMember, item_id: str, body: DecisionIn) -> Status:
    """The item's status once decided (the first decision's, for a repeated key)."""
    submission = visible_item(work.session, staff, item_id)
    replay = _replay(work.session, staff, submission.id, body.idempotency_key)
    if replay is not None:
        return replay
    reason = _validate(body, SubmissionKind(submission.kind))
    _ensure_claimed(staff, submission)
    try:
        decision = _record_decision(work.session, staff, submission, body, reason)
    except (Conflict, IntegrityError):
        work.rollback()
        replay = _replay(work.session, staff, submission.id, body.idempotency_key)
        if replay is not None:
            return replay
        raise already_decided() from None
    _consequences(work, staff, submission, decision, body, reason)
    work.commit()
    return body.verdict.status


def _replay(session: Session, staff: StaffMember, submission_id: str, key: str) -> Status | None:
    earlier = session.scalar(
        select(Decision).where(Decision.staff_id == staff.id, Decision.idempotency_key == key)
    )
    if earlier is None:
        return None
    if earlier.submission_id != submission_id:
        raise Conflict(
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
            message="這個請求編號已用於其他項目。",
            message_en="This Idempotency-Key was used for another item.",
        )
    return Verdict(earlier.decision).status


def _validate(body: DecisionIn, kind: SubmissionKind) -> Reason | None:
    advice = (body.advice or "").strip()
    if len(advice) > MAX_ADVICE_CHARS:
        raise invalid_fields(
            {
                "advice": (
                    f"審核意見最多 {MAX_ADVICE_CHARS} 字。",
                    f"At most {MAX_ADVICE_CHARS} characters.",
                )
            }
        )
    return None if body.verdict == Verdict.APPROVE else reason_for(body.reason_code, kind)


def _ensure_claimed(staff: StaffMember, submission: Submission) -> None:
    if Status(submission.status) in DECIDED:
        raise already_decided()
    lease = submission.lease_expires_at
    if (
        submission.status != Status.IN_REVIEW
        or submission.claimed_by != staff.id
        or lease is None
        or lease <= utcnow()
    ):
        raise Conflict(
            code=ErrorCode.NOT_CLAIMED,
            message="請先認領這個項目再做決定。",
            message_en="Claim the item before deciding it.",
        )


def _record_decision(
    session: Session,
    staff: StaffMember,
    submission: Submission,
    body: DecisionIn,
    reason: Reason | None,
) -> Decision:
    now = utcnow()
    attempt = current_attempt(session, submission)
    transitions.move(
        session,
        submission,
        body.verdict.status,
        decided_at=now,
        claimed_by=None,
        lease_expires_at=None,
    )
    decision = Decision(
        attempt_id=attempt.id,
        submission_id=submission.id,
        idempotency_key=body.idempotency_key,
        staff_id=staff.id,
        decision=body.verdict,
        reason_code=reason.code if reason else None,
        advice=(body.advice or "").strip() or None,
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    attempt.decided_at = now
    if reason is not None:
        attempt.reasons = [
            {
                "code": reason.code,
                "message": reason.label,
                "message_en": reason.label_en,
                "advice": decision.advice,
            }
        ]
    return decision


def _consequences(
    work: UnitOfWork,
    staff: StaffMember,
    submission: Submission,
    decision: Decision,
    body: DecisionIn,
    reason: Reason | None,
) -> None:
    work.wake_email(queue_email(work.session, _email(work.session, submission, decision, reason)))
    RULES[SubmissionKind(submission.kind)].decided(work, submission, decision, body.verdict)
    record(
        work.session,
        staff.actor,
        AuditAction.DECISION,
        submission_id=submission.id,
        decision=body.verdict.value,
        reason_code=decision.reason_code,
        attempt=submission.attempt,
    )


def _email(
    session: Session, submission: Submission, decision: Decision, reason: Reason | None
) -> emails.Email:
    account = session.get(Account, submission.account_id)
    institution = session.get(Institution, submission.institution_id)
    attempt = session.get(Attempt, decision.attempt_id)
    assert account is not None and institution is not None and attempt is not None
    post = session.get(Post, submission.id)
    application = session.get(Application, post.application_id if post else submission.id)
    relationship = LABELS[Relationship(application.relationship)][0] if application else ""
    return emails.decision(
        to=account.email,
        kind=SubmissionKind(submission.kind),
        approved=decision.decision == Verdict.APPROVE,
        institution=institution.name,
        relationship=relationship,
        title=attempt.title if post else None,
        reason=reason.label if reason else None,
        reason_en=reason.label_en if reason else None,
        advice=decision.advice,
    )
