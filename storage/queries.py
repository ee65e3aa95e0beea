"""Lookups many parts share: a submission's current attempt, an institution's policy, an inmate.

Plain reads: they never write and never commit.
"""

from sqlalchemy import and_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from moderation.errors import ErrorCode, NotFound
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from storage.models import Application, Attempt, Inmate, Institution, Post, Submission


def is_current_attempt() -> ColumnElement[bool]:
    """Join condition: the attempt a submission is on now (its earlier ones are history)."""
    return and_(Attempt.submission_id == Submission.id, Attempt.number == Submission.attempt)


def current_attempt(session: Session, submission: Submission) -> Attempt:
    attempt = session.scalar(
        select(Attempt).where(
            Attempt.submission_id == submission.id, Attempt.number == submission.attempt
        )
    )
    assert attempt is not None, "every submission has its current attempt"
    return attempt


def attempts_of(session: Session, submission_id: str) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt).where(Attempt.submission_id == submission_id).order_by(Attempt.number)
        )
    )


def owned_submission(
    session: Session, account_id: str, submission_id: str, kind: SubmissionKind
) -> Submission | None:
    """The family's own submission of that kind, or None (another family's is not theirs)."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.account_id != account_id or submission.kind != kind:
        return None
    return submission


def policy_of(session: Session, institution_id: str) -> Policy:
    institution = session.get(Institution, institution_id)
    assert institution is not None
    return Policy.from_json(institution.policy)


def institution_by_code(session: Session, code: str) -> Institution | None:
    return session.scalar(select(Institution).where(Institution.code == code))


def find_inmate(session: Session, code: str, callsign: str) -> tuple[Institution, Inmate]:
    institution = institution_by_code(session, code)
    if institution is None:
        raise NotFound(
            code=ErrorCode.INSTITUTION_NOT_FOUND,
            message="找不到這個矯正機關。",
            message_en="No such institution.",
        )
    inmate = session.scalar(
        select(Inmate).where(Inmate.institution_id == institution.id, Inmate.callsign == callsign)
    )
    if inmate is None:
        raise NotFound(
            code=ErrorCode.INMATE_NOT_FOUND,
            message="找不到這個呼號的收容人，請核對呼號。",
            message_en="No inmate with this callsign; please check it.",
        )
    return institution, inmate


def own_submissions(session: Session, account_id: str, kind: SubmissionKind) -> list[Submission]:
    """A family's submissions of one kind, newest first, with what their views read by primary
    key (the application or post, its inmate, the institution) loaded by the same statement:
    the views' `session.get` then finds them in the session instead of a round trip each
    (three of a one-application list's five statements)."""
    query = select(Submission, Institution).outerjoin(
        Institution, Institution.id == Submission.institution_id
    )
    if kind == SubmissionKind.APPLICATION:
        query = query.add_columns(Application, Inmate)
        query = query.outerjoin(Application, Application.id == Submission.id)
    else:
        query = query.add_columns(Post, Application, Inmate)
        query = query.outerjoin(Post, Post.id == Submission.id)
        query = query.outerjoin(Application, Application.id == Post.application_id)
    query = query.outerjoin(Inmate, Inmate.id == Application.inmate_id)
    query = query.where(Submission.account_id == account_id, Submission.kind == kind)
    return [row[0] for row in session.execute(query.order_by(Submission.created_at.desc()))]
