"""A service ends, an application is withdrawn: the family asks, or staff end a service for a
reason (release, transfer, a child past the age…). Either way the inmate is free for another
family at once, the family is emailed, and posts still in progress leave the queue.

Every move is `storage.transitions.move`: legal moves only, compare-and-set on the version, so
a reviewer deciding the same application at that moment gets a 409 rather than a lost write.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import emails
from moderation.audit import AuditAction
from moderation.errors import not_found
from moderation.inmates import mask_name
from moderation.kinds import SubmissionKind
from moderation.quota import IN_FLIGHT
from moderation.services import (
    END_REASON_LABELS,
    EndReason,
    ensure_active_service,
    stop_target,
)
from moderation.staff import StaffMember
from moderation.statuses import Status
from moderation.text import clean_text
from storage import transitions
from storage.audit import record
from storage.models import Account, Application, Inmate, Institution, Post, Submission, utcnow
from storage.outbox import queue_email
from storage.queries import owned_submission
from usecases.transaction import UnitOfWork

NOTE_MAX_CHARS = 500


@dataclass(frozen=True)
class Stopped:
    id: str
    status: Status
    end_reason: EndReason


def withdraw(work: UnitOfWork, account_id: str, application_id: str) -> Stopped:
    """The family withdraws its application, or ends its approved service."""
    session = work.session
    submission = owned_submission(session, account_id, application_id, SubmissionKind.APPLICATION)
    if submission is None:
        raise not_found("這筆服務申請", "No such service application.")
    target = stop_target(Status(submission.status))
    stopped = _stop(
        work, submission, target, EndReason.FAMILY_REQUEST, None, by=f"account:{account_id}"
    )
    record(
        session,
        f"account:{account_id}",
        AuditAction.WITHDRAW,
        submission_id=submission.id,
        status=target.value,
    )
    work.commit()
    return stopped


def end_service(
    work: UnitOfWork, staff: StaffMember, application_id: str, reason: EndReason, note: str | None
) -> Stopped:
    """Staff end an approved service of their institution for `reason`."""
    session = work.session
    submission = session.get(Submission, application_id)
    if (
        submission is None
        or submission.kind != SubmissionKind.APPLICATION
        or submission.institution_id not in staff.institution_ids
    ):
        raise not_found("這項服務", "No such service.")
    stopped = _end(work, submission, reason, note, actor=staff.actor)
    work.commit()
    return stopped


def end_on_release(work: UnitOfWork, application_id: str, *, actor: str) -> Stopped | None:
    """The roster no longer lists the inmate (`inmates import --mark-missing-released`): the
    service ends for the release as when staff end it (emailed, audited, the inmate free).
    None when it is no longer running (ended or reopened meanwhile): nothing to do."""
    submission = work.session.get(Submission, application_id)
    if submission is None or submission.status != Status.APPROVED:
        return None
    stopped = _end(work, submission, EndReason.RELEASED, None, actor=actor)
    work.commit()
    return stopped


def _end(
    work: UnitOfWork, submission: Submission, reason: EndReason, note: str | None, *, actor: str
) -> Stopped:
    ensure_active_service(Status(submission.status))
    clean = clean_text(note, field="note", max_chars=NOTE_MAX_CHARS) if note else None
    stopped = _stop(work, submission, Status.ENDED, reason, clean, by=actor)
    record(
        work.session,
        actor,
        AuditAction.END_SERVICE,
        submission_id=submission.id,
        reason=reason.value,
        note=clean,
    )
    return stopped


def _stop(
    work: UnitOfWork,
    submission: Submission,
    target: Status,
    reason: EndReason,
    note: str | None,
    *,
    by: str,
) -> Stopped:
    session = work.session
    now = utcnow()
    transitions.move(session, submission, target, now=now, claimed_by=None, lease_expires_at=None)
    application = session.get(Application, submission.id)
    assert application is not None
    application.holds_inmate = False  # the inmate is free for another family at once
    application.end_reason, application.end_note = reason.value, note
    application.ended_by, application.ended_at = by, now
    _withdraw_posts_in_flight(session, submission.id, now)
    work.wake_email(queue_email(session, _email(session, submission, application, target, reason)))
    return Stopped(submission.id, target, reason)


def _withdraw_posts_in_flight(session: Session, application_id: str, now: datetime) -> None:
    """Posts of the service still being checked or reviewed leave the pipeline with it."""
    posts = session.scalars(
        select(Submission)
        .join(Post, Post.id == Submission.id)
        .where(Post.application_id == application_id, Submission.status.in_(list(IN_FLIGHT)))
    ).all()
    for post in posts:
        transitions.move(
            session, post, Status.WITHDRAWN, now=now, claimed_by=None, lease_expires_at=None
        )


def _email(
    session: Session,
    submission: Submission,
    application: Application,
    target: Status,
    reason: EndReason,
) -> emails.Email:
    account = session.get(Account, submission.account_id)
    institution = session.get(Institution, submission.institution_id)
    inmate = session.get(Inmate, application.inmate_id)
    assert account is not None and institution is not None and inmate is not None
    return emails.service_ended(
        to=account.email,
        institution=institution.name,
        inmate=f"{inmate.callsign} {mask_name(inmate.name)}",
        ended=target == Status.ENDED,
        reason=END_REASON_LABELS[reason],
        contacts=institution.contacts or (),
    )
