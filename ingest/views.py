"""What a family sees of its submissions (no reviewer names, no internal flags)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.inmates import mask_name
from moderation.relationships import LABELS, Relationship
from moderation.statuses import FAMILY_LABELS, Status
from storage.models import Application, Attempt, Inmate, Institution, Post, Submission


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def attempts_of(session: Session, submission_id: str) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt).where(Attempt.submission_id == submission_id).order_by(Attempt.number)
        )
    )


def _status_part(
    session: Session, submission: Submission, attempts: list[Attempt]
) -> dict[str, Any]:
    """What every family view shares: where the submission stands, and its attempts."""
    institution = session.get(Institution, submission.institution_id)
    assert institution is not None
    status = Status(submission.status)
    current = attempts[-1]
    return {
        "id": submission.id,
        "kind": submission.kind,
        "institution": {"code": institution.code, "name": institution.name},
        "status": status.value,
        "status_label": FAMILY_LABELS[status][0],
        "status_label_en": FAMILY_LABELS[status][1],
        "reasons": current.reasons or [],
        "attempt": submission.attempt,
        "attempts": [
            {
                "number": a.number,
                "status": a.status,
                "title": a.title,
                "submitted_at": _iso(a.submitted_at),
                "decided_at": _iso(a.decided_at),
                "reasons": a.reasons or [],
            }
            for a in attempts
        ],
        "submitted_at": _iso(current.submitted_at),
        "decided_at": _iso(submission.decided_at),
    }


def application_view(session: Session, submission: Submission) -> dict[str, Any]:
    application = session.get(Application, submission.id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    zh, en = LABELS[Relationship(application.relationship)]
    return {
        **_status_part(session, submission, attempts_of(session, submission.id)),
        "inmate": {"callsign": inmate.callsign, "masked_name": mask_name(inmate.name)},
        "relationship": application.relationship,
        "relationship_label": zh,
        "relationship_label_en": en,
    }


def post_view(session: Session, submission: Submission) -> dict[str, Any]:
    post = session.get(Post, submission.id)
    assert post is not None
    attempts = attempts_of(session, submission.id)
    return {
        **_status_part(session, submission, attempts),
        "application_id": post.application_id,
        "title": attempts[-1].title,
        "body": attempts[-1].body,
        "delivered_at": _iso(post.delivered_at),
    }
