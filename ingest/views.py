"""What a family sees of its submissions (no reviewer names, no internal flags)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.inmates import mask_name
from moderation.relationships import LABELS, Relationship
from moderation.statuses import FAMILY_LABELS, Status
from storage.models import Application, Attempt, Inmate, Institution, Submission


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def attempts_of(session: Session, submission_id: str) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt).where(Attempt.submission_id == submission_id).order_by(Attempt.number)
        )
    )


def application_view(session: Session, submission: Submission) -> dict[str, Any]:
    application = session.get(Application, submission.id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    institution = session.get(Institution, submission.institution_id)
    assert inmate is not None and institution is not None
    status = Status(submission.status)
    attempts = attempts_of(session, submission.id)
    current = attempts[-1]
    zh, en = LABELS[Relationship(application.relationship)]
    return {
        "id": submission.id,
        "kind": "application",
        "institution": {"code": institution.code, "name": institution.name},
        "inmate": {"callsign": inmate.callsign, "masked_name": mask_name(inmate.name)},
        "relationship": application.relationship,
        "relationship_label": zh,
        "relationship_label_en": en,
        "status": status.value,
        "status_label": FAMILY_LABELS[status][0],
        "status_label_en": FAMILY_LABELS[status][1],
        "reasons": current.reasons or [],
        "attempt": submission.attempt,
        "attempts": [
            {
                "number": a.number,
                "status": a.status,
                "submitted_at": _iso(a.submitted_at),
                "decided_at": _iso(a.decided_at),
                "reasons": a.reasons or [],
            }
            for a in attempts
        ],
        "submitted_at": _iso(current.submitted_at),
        "decided_at": _iso(submission.decided_at),
    }


def post_view(session: Session, submission: Submission) -> dict[str, Any]:
    from storage.models import Post

    post = session.get(Post, submission.id)
    assert post is not None
    institution = session.get(Institution, submission.institution_id)
    assert institution is not None
    status = Status(submission.status)
    attempts = attempts_of(session, submission.id)
    current = attempts[-1]
    return {
        "id": submission.id,
        "kind": "post",
        "application_id": post.application_id,
        "institution": {"code": institution.code, "name": institution.name},
        "title": current.title,
        "body": current.body,
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
        "delivered_at": _iso(post.delivered_at),
    }
