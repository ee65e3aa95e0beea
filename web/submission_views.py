"""A submission as the family sees it (no reviewer names, no internal flags): what both APIs
show of it (`web.schemas.SubmissionStatus`)."""

from typing import Any

from sqlalchemy.orm import Session

from moderation.inmates import mask_name
from moderation.relationships import LABELS, Relationship
from moderation.statuses import FAMILY_LABELS, Status
from storage.models import Application, Attempt, Inmate, Institution, Post, Submission
from storage.queries import attempts_of


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def status_part(
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
                "submitted_at": iso(a.submitted_at),
                "decided_at": iso(a.decided_at),
                "reasons": a.reasons or [],
            }
            for a in attempts
        ],
        "submitted_at": iso(current.submitted_at),
        "decided_at": iso(submission.decided_at),
    }


def post_view(session: Session, submission: Submission) -> dict[str, Any]:
    """A post, with who receives it as the portal's status table names them (收寄人, 關係)."""
    post = session.get(Post, submission.id)
    assert post is not None
    application = session.get(Application, post.application_id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    zh, en = LABELS[Relationship(application.relationship)]
    attempts = attempts_of(session, submission.id)
    return {
        **status_part(session, submission, attempts),
        "application_id": post.application_id,
        "title": attempts[-1].title,
        "body": attempts[-1].body,
        "delivered_at": iso(post.delivered_at),
        "inmate": {"callsign": inmate.callsign, "masked_name": mask_name(inmate.name)},
        "relationship": application.relationship,
        "relationship_label": zh,
        "relationship_label_en": en,
    }
