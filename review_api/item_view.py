"""Everything a reviewer needs to decide one item (GET /review/v1/items/{id})."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.relationships import LABELS, Relationship
from moderation.statuses import NOT_CHECKED, Status
from moderation.verdicts import Verdict
from storage.models import (
    Account,
    Application,
    Attempt,
    CheckResult,
    Decision,
    Inmate,
    Post,
    PrefillField,
    StoredFile,
    Submission,
)
from storage.queries import attempts_of, current_attempt, is_current_attempt
from storage.strike_counts import active_strikes
from web.submission_views import iso


def rejection_count(session: Session, account_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Decision)
            .join(Submission, Submission.id == Decision.submission_id)
            .where(Submission.account_id == account_id, Decision.decision == Verdict.REJECT)
        )
        or 0
    )


def file_view(f: StoredFile) -> dict[str, Any]:
    return {
        "id": f.id,
        "category": f.category,
        "original_name": f.original_name,
        "declared_type": f.declared_type,
        "detected_type": f.detected_type,
        "size": f.size,
        "width": f.width,
        "height": f.height,
        "pages": f.pages,
        "sanitized": f.sanitized_key is not None,
        "preview": f.preview_key is not None,
    }


def _history(session: Session, submission: Submission) -> list[dict[str, Any]]:
    out = []
    for a in attempts_of(session, submission.id):
        if a.number == submission.attempt:
            continue
        d = session.scalar(select(Decision).where(Decision.attempt_id == a.id))
        out.append(
            {
                "attempt": a.number,
                "status": a.status,
                "submitted_at": iso(a.submitted_at),
                "decision": d.decision if d else None,
                "reason_code": d.reason_code if d else None,
                "advice": d.advice if d else None,
                "reasons": a.reasons or [],
                "decided_at": iso(a.decided_at),
            }
        )
    return out


def _earlier_posts(session: Session, post: Post) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Submission, Attempt.title)
        .join(Post, Post.id == Submission.id)
        .join(Attempt, is_current_attempt())
        .where(Post.application_id == post.application_id, Submission.id != post.id)
        .order_by(Submission.submitted_at.desc())
    ).all()
    return [
        {
            "id": s.id,
            "title": title,
            "status": s.status,
            "submitted_at": iso(s.submitted_at),
            "decided_at": iso(s.decided_at),
        }
        for s, title in rows
    ]


def item_view(session: Session, submission: Submission) -> dict[str, Any]:
    account = session.get(Account, submission.account_id)
    assert account is not None
    attempt = current_attempt(session, submission)
    view: dict[str, Any] = {
        "id": submission.id,
        "kind": submission.kind,
        "status": submission.status,
        "attempt": submission.attempt,
        "submitted_at": iso(attempt.submitted_at),
        "claimed_by": submission.claimed_by,
        "lease_expires_at": iso(submission.lease_expires_at),
        "family": _family(session, account),
        "title": attempt.title,
        "body": attempt.body,
        **_what_the_machines_found(session, attempt),
        "flags": attempt.flags or [],
        "history": _history(session, submission),
    }
    post = session.get(Post, submission.id)
    application = session.get(Application, post.application_id if post else submission.id)
    if post is not None:
        view["application_id"] = post.application_id
        view["delivered_at"] = iso(post.delivered_at)
        view["earlier_posts"] = _earlier_posts(session, post)
    if application is not None:
        inmate = session.get(Inmate, application.inmate_id)
        assert inmate is not None
        view["inmate"] = {"callsign": inmate.callsign, "name": inmate.name}
        view["relationship"] = application.relationship
        view["relationship_label"] = LABELS[Relationship(application.relationship)][0]
    return view


def _family(session: Session, account: Account) -> dict[str, Any]:
    return {
        "account_id": account.id,
        "name": account.name,
        "national_id": account.national_id,
        "birth_date": account.birth_date.isoformat(),
        "rejection_count": rejection_count(session, account.id),
        "strike_count": active_strikes(session, account.id),
        "suspended_until": iso(account.suspended_until),
    }


def _what_the_machines_found(session: Session, attempt: Attempt) -> dict[str, Any]:
    """The checks' outcomes, the files' facts and the OCR pre-fill of the current attempt;
    its files only once it passed the checks (what failed them stays with the family)."""
    files = (
        []
        if Status(attempt.status) in NOT_CHECKED
        else session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt.id)).all()
    )
    checks = session.scalars(
        select(CheckResult).where(CheckResult.attempt_id == attempt.id).order_by(CheckResult.id)
    ).all()
    prefill = session.scalars(
        select(PrefillField).where(PrefillField.attempt_id == attempt.id).order_by(PrefillField.id)
    ).all()
    return {
        "checks": [
            {
                "file_id": c.file_id,
                "code": c.code,
                "ok": c.ok,
                "message": c.message,
                "message_en": c.message_en,
            }
            for c in checks
        ],
        "files": [file_view(f) for f in files],
        "prefill": [
            {
                "file_id": p.file_id,
                "field": p.field,
                "value": p.value,
                "expected": p.expected,
                "status": p.status,
                "confidence": p.confidence,
                "source_text": p.source_text,
            }
            for p in prefill
        ],
    }


def application_inmate(session: Session, application_id: str) -> Inmate:
    application = session.get(Application, application_id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    return inmate
