"""Everything a reviewer needs to decide one item (GET /review/v1/items/{id})."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from moderation.relationships import LABELS, Relationship, degree_of
from moderation.statuses import NOT_CHECKED, Status
from moderation.verdicts import Verdict
from review_api.item_case import (
    duplicates_view,
    file_view,
    history,
    notes_view,
    ocr_view,
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
    Staff,
    StoredFile,
    Strike,
    Submission,
)
from storage.queries import is_current_attempt
from storage.strike_counts import counting
from web.submission_views import iso

#: The family's other submissions, inside the item's statement (its own `submissions` is the item).
_FAMILYS = aliased(Submission)


def _rejections(account_id: ColumnElement[str]) -> Any:
    """The family's rejections that stand (a reopened item's rejection was taken back)."""
    return (
        select(func.count())
        .select_from(Decision)
        .join(_FAMILYS, _FAMILYS.id == Decision.submission_id)
        .where(
            _FAMILYS.account_id == account_id,
            Decision.decision == Verdict.REJECT,
            Decision.reversed_at.is_(None),
        )
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


@dataclass(frozen=True)
class _Case:
    """The item's rows that are one each: read together in one statement."""

    account: Account
    institution: Institution
    attempt: Attempt
    post: Post | None
    application: Application | None
    inmate: Inmate | None
    holder_name: str | None
    rejection_count: int
    strike_count: int


#: Built once (a nine-table statement costs more CPU to build than to run), bound per item;
#: the family's rejections and counting strikes ride along as correlated counts.
_CASE = (
    select(
        Account,
        Institution,
        Attempt,
        Post,
        Application,
        Inmate,
        Staff.name,
        _rejections(Account.id).scalar_subquery(),
        select(func.count()).select_from(Strike).where(*counting(Account.id)).scalar_subquery(),
    )
    .select_from(Submission)
    .join(Account, Account.id == Submission.account_id)
    .join(Institution, Institution.id == Submission.institution_id)
    .join(Attempt, is_current_attempt())
    .outerjoin(Post, Post.id == Submission.id)
    # A post's inmate is its service application's; an application's is its own.
    .outerjoin(Application, Application.id == func.coalesce(Post.application_id, Submission.id))
    .outerjoin(Inmate, Inmate.id == Application.inmate_id)
    .outerjoin(Staff, Staff.id == Submission.claimed_by)
    .where(Submission.id == bindparam("item_id"))
)


def _case(session: Session, submission: Submission) -> _Case:
    return _Case(*session.execute(_CASE, {"item_id": submission.id}).one())


def item_view(
    session: Session, submission: Submission, *, stale_before: datetime
) -> dict[str, Any]:
    """`stale_before`: an OCR claim older than this is nobody's (the OCR is pending)."""
    case = _case(session, submission)
    account, attempt = case.account, case.attempt
    # Only what passed the checks: a file that failed them stays with the family (issue 12 #14).
    files = (
        []
        if Status(attempt.status) in NOT_CHECKED
        else list(session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt.id)))
    )
    holder = submission.claimed_by
    view: dict[str, Any] = {
        "id": submission.id,
        "kind": submission.kind,
        "status": submission.status,
        "attempt": submission.attempt,
        "submitted_at": iso(attempt.submitted_at),
        "claimed_by": holder,
        "lease_expires_at": iso(submission.lease_expires_at),
        "family": _family(session, case),
        "title": attempt.title,
        "body": attempt.body,
        **_what_the_machines_found(session, submission.id, attempt, files),
        "flags": attempt.flags or [],
        "history": history(session, submission),
        "claimed_by_staff": {"id": holder, "name": case.holder_name or ""} if holder else None,
        "institution": {"code": case.institution.code, "name": case.institution.name},
        "ocr": ocr_view(attempt, stale_before),
        "duplicates": duplicates_view(session, files, account.id),
        "notes": notes_view(session, submission.id),
    }
    if case.post is not None:
        view["application_id"] = case.post.application_id
        view["delivered_at"] = iso(case.post.delivered_at)
        view["earlier_posts"] = _earlier_posts(session, case.post)
    if case.application is not None:
        view.update(_inmate_and_relationship(case.application, case.inmate))
    return view


def _inmate_and_relationship(application: Application, inmate: Inmate | None) -> dict[str, Any]:
    assert inmate is not None
    relationship = Relationship(application.relationship)
    return {
        "inmate": {
            "callsign": inmate.callsign,
            "name": inmate.name,
            "youngest_child_birth_date": iso_date(inmate.youngest_child_birth_date),
            "restricted_until": iso_date(inmate.restricted_until),
        },
        "relationship": application.relationship,
        "relationship_label": LABELS[relationship][0],
        "relationship_degree": degree_of(relationship, application.relationship_degree),
    }


def _family(session: Session, case: _Case) -> dict[str, Any]:
    account = case.account
    return {
        "account_id": account.id,
        "name": account.name,
        "national_id": account.national_id,
        "birth_date": account.birth_date.isoformat(),
        "rejection_count": case.rejection_count or 0,
        "strike_count": case.strike_count or 0,
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
