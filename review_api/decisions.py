"""A reviewer's decision: final, once, whatever retries or double clicks occur.

In one transaction: the guarded status change, the decision row (one per attempt), the reasons
the family sees, the email in the outbox and the audit entry. A repeat with the same
Idempotency-Key answers the first result.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from familybook.audit import record
from familybook.outbox import queue_email
from moderation import emails
from moderation.errors import Conflict, invalid_fields
from moderation.policy import Policy
from moderation.reasons import reason_for
from moderation.relationships import LABELS, Relationship
from moderation.statuses import DECIDED, Status
from review_api import strikes
from review_api.deps import StaffMember
from storage import transitions
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

MAX_ADVICE_CHARS = 500


@dataclass(frozen=True)
class DecisionIn:
    decision: str
    reason_code: str | None
    advice: str | None
    idempotency_key: str


@dataclass(frozen=True)
class Decided:
    status: str
    #: Outbox rows to wake after the commit (decision email, suspension email).
    email_ids: tuple[str, ...] = ()


def _replay(session: Session, staff: StaffMember, submission_id: str, key: str) -> Decided | None:
    earlier = session.scalar(
        select(Decision).where(Decision.staff_id == staff.id, Decision.idempotency_key == key)
    )
    if earlier is None:
        return None
    if earlier.submission_id != submission_id:
        raise Conflict(
            code="idempotency_key_reused",
            message="這個請求編號已用於其他項目。",
            message_en="This Idempotency-Key was used for another item.",
        )
    return Decided("approved" if earlier.decision == "approve" else "rejected")


def _validate(body: DecisionIn, kind: str) -> tuple[str | None, str | None]:
    if body.decision not in ("approve", "reject"):
        raise invalid_fields({"decision": ("請選擇 approve 或 reject。", "Use approve or reject.")})
    advice = (body.advice or "").strip() or None
    if advice and len(advice) > MAX_ADVICE_CHARS:
        raise invalid_fields(
            {
                "advice": (
                    f"審核意見最多 {MAX_ADVICE_CHARS} 字。",
                    f"At most {MAX_ADVICE_CHARS} characters.",
                )
            }
        )
    if body.decision == "approve":
        return None, advice
    return reason_for(body.reason_code, kind).code, advice


def _ensure_claimed(staff: StaffMember, submission: Submission) -> None:
    if Status(submission.status) in DECIDED:
        raise Conflict(
            code="already_decided",
            message="這個項目已經審核完成。",
            message_en="This item has already been decided.",
        )
    lease = submission.lease_expires_at
    if (
        submission.status != Status.IN_REVIEW
        or submission.claimed_by != staff.id
        or lease is None
        or lease <= utcnow()
    ):
        raise Conflict(
            code="not_claimed",
            message="請先認領這個項目再做決定。",
            message_en="Claim the item before deciding it.",
        )


def decide(
    session: Session, staff: StaffMember, submission: Submission, body: DecisionIn
) -> Decided:
    replay = _replay(session, staff, submission.id, body.idempotency_key)
    if replay is not None:
        return replay
    reason_code, advice = _validate(body, submission.kind)
    _ensure_claimed(staff, submission)
    approved = body.decision == "approve"
    now = utcnow()
    attempt = session.scalar(
        select(Attempt).where(
            Attempt.submission_id == submission.id, Attempt.number == submission.attempt
        )
    )
    assert attempt is not None
    try:
        transitions.move(
            session,
            submission,
            Status.APPROVED if approved else Status.REJECTED,
            decided_at=now,
            claimed_by=None,
            lease_expires_at=None,
        )
        decision = Decision(
            attempt_id=attempt.id,
            submission_id=submission.id,
            idempotency_key=body.idempotency_key,
            staff_id=staff.id,
            decision=body.decision,
            reason_code=reason_code,
            advice=advice,
            decided_at=now,
        )
        session.add(decision)
        session.flush()
    except (Conflict, IntegrityError):
        session.rollback()
        replay = _replay(session, staff, submission.id, body.idempotency_key)
        if replay is not None:
            return replay
        raise Conflict(
            code="already_decided",
            message="這個項目已經審核完成。",
            message_en="This item has already been decided.",
        ) from None
    attempt.decided_at = now
    if reason_code is not None:
        reason = reason_for(reason_code, submission.kind)
        attempt.reasons = [
            {
                "code": reason.code,
                "message": reason.label,
                "message_en": reason.label_en,
                "advice": advice,
            }
        ]
    email_ids = [
        queue_email(session, _email(session, submission, attempt, approved, reason_code, advice))
    ]
    if submission.kind == "application" and not approved:
        application = session.get(Application, submission.id)
        assert application is not None
        application.holds_inmate = False  # the inmate is free for another family again
    if submission.kind == "post" and not approved:
        institution = session.get(Institution, submission.institution_id)
        assert institution is not None
        suspension_email = strikes.record_strike(
            session, decision, submission.account_id, Policy.from_json(institution.policy), now
        )
        if suspension_email:
            email_ids.append(suspension_email)
    record(
        session,
        staff.actor,
        "decision",
        submission_id=submission.id,
        decision=body.decision,
        reason_code=reason_code,
        attempt=submission.attempt,
    )
    session.commit()
    return Decided("approved" if approved else "rejected", tuple(email_ids))


def _email(
    session: Session,
    submission: Submission,
    attempt: Attempt,
    approved: bool,
    reason_code: str | None,
    advice: str | None,
) -> emails.Email:
    account = session.get(Account, submission.account_id)
    institution = session.get(Institution, submission.institution_id)
    assert account is not None and institution is not None
    post = session.get(Post, submission.id)
    application = session.get(Application, post.application_id if post else submission.id)
    relationship = LABELS[Relationship(application.relationship)][0] if application else ""
    reason = reason_for(reason_code, submission.kind) if reason_code else None
    return emails.decision(
        to=account.email,
        kind=submission.kind,
        approved=approved,
        institution=institution.name,
        relationship=relationship,
        title=attempt.title if post else None,
        reason=reason.label if reason else None,
        reason_en=reason.label_en if reason else None,
        advice=advice,
    )
