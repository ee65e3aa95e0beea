"""Everything a reviewer needs to decide one item (GET /review/v1/items/{id})."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.relationships import LABELS, Relationship
from moderation.verdicts import Verdict
from review_api.item_case import (
    duplicates_view,
    file_view,
    history,
    notes_view,
    ocr_view,
    staff_ref,
    strikes_of,
)
from storage.models import (
    Account,
    Application,
    Attempt,
    CheckResult,
    Decision,
    Inmate,
    Institution,
    Post,
    PrefillField,
    StoredFile,
    Submission,
)
from storage.queries import current_attempt, is_current_attempt
from storage.strike_counts import active_strikes
from web.submission_views import iso


def rejection_count(session: Session, account_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Decision)
            .join(Submission, Submission.id == Decision.submission_id)
            .where(
                Submission.account_id == account_id,
                Decision.decision == Verdict.REJECT,
                Decision.reversed_at.is_(None),  # a reopened item's rejection was taken back
            )
        )
        or 0
    )


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


def item_view(
    session: Session, submission: Submission, *, stale_before: datetime
) -> dict[str, Any]:
    """`stale_before`: an OCR claim older than this is nobody's (the OCR is pending)."""
    account = session.get(Account, submission.account_id)
    institution = session.get(Institution, submission.institution_id)
    assert account is not None and institution is not None
    attempt = current_attempt(session, submission)
    files = list(session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt.id)))
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
        **_what_the_machines_found(session, submission.id, attempt, files),
        "flags": attempt.flags or [],
        "history": history(session, submission),
        "claimed_by_staff": staff_ref(session, submission.claimed_by),
        "institution": {"code": institution.code, "name": institution.name},
        "ocr": ocr_view(attempt, stale_before),
        "duplicates": duplicates_view(session, files, account.id),
        "notes": notes_view(session, submission.id),
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
        view["inmate"] = {
            "callsign": inmate.callsign,
            "name": inmate.name,
            "youngest_child_birth_date": iso_date(inmate.youngest_child_birth_date),
            "restricted_until": iso_date(inmate.restricted_until),
        }
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
        "strikes": strikes_of(session, account.id),
    }


def _what_the_machines_found(
    session: Session, item_id: str, attempt: Attempt, files: list[StoredFile]
) -> dict[str, Any]:
    """The checks' outcomes, the files' facts and the OCR pre-fill of the current attempt."""
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
        "files": [file_view(item_id, f) for f in files],
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


def iso_date(day: date | None) -> str | None:
    return day.isoformat() if day else None
