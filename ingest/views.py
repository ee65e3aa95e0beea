"""What a family sees of its submissions (no reviewer names, no internal flags)."""

from typing import Any

from sqlalchemy.orm import Session

from moderation.inmates import mask_name
from moderation.relationships import LABELS, Relationship, degree_of
from storage.models import Application, Inmate, Submission
from storage.queries import attempts_of
from web.submission_views import iso, post_view, status_part

__all__ = ["application_view", "post_view"]


def application_view(session: Session, submission: Submission) -> dict[str, Any]:
    application = session.get(Application, submission.id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    zh, en = LABELS[Relationship(application.relationship)]
    return {
        **status_part(session, submission, attempts_of(session, submission.id)),
        "inmate": {"callsign": inmate.callsign, "masked_name": mask_name(inmate.name)},
        "relationship": application.relationship,
        "relationship_label": zh,
        "relationship_label_en": en,
        "end_reason": application.end_reason,
        "ended_at": iso(application.ended_at),
        "relationship_degree": degree_of(
            Relationship(application.relationship), application.relationship_degree
        ),
    }
