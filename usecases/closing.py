"""A family closes its account (DELETE /me): at once, login and every token stop, its service
ends (the inmate is free for another family), its documents are erased from the file store and
its personal fields replaced. Decisions, strikes, suspensions and audit entries stay with ids
only: they are the institution's record of what it did, and staff views of them keep working.

The family's files are deleted only after the commit: a transaction that fails must not leave
an open account whose documents are gone.
"""

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from moderation import closing
from moderation.audit import AuditAction
from moderation.kinds import SubmissionKind
from moderation.quota import IN_FLIGHT
from moderation.services import WITHDRAWABLE, EndReason, stop_target
from moderation.statuses import Status
from storage import transitions
from storage.audit import record
from storage.models import (
    Account,
    Application,
    Attempt,
    AuthToken,
    Decision,
    EmailToken,
    LoginDevice,
    OutboxEmail,
    PasswordResetToken,
    PrefillField,
    StoredFile,
    Strike,
    Submission,
    utcnow,
)
from usecases import throttle
from usecases.passwords import ensure_password
from usecases.transaction import UnitOfWork

#: Applications that still hold an inmate or may become a service: closing stops them.
STOPPABLE = frozenset({Status.APPROVED, *WITHDRAWABLE})


def close_account(work: UnitOfWork, account: Account, password: str) -> None:
    ensure_password(work, account, password)
    session, now = work.session, utcnow()
    actor = f"account:{account.id}"
    _stop_services(session, account.id, now, actor)
    keys = _erase_files(session, account.id, now)
    _erase_texts(session, account.id)
    _erase_mail(session, account.email)
    _erase_account(session, account, now)
    record(session, actor, AuditAction.ACCOUNT_CLOSED, account_id=account.id, files=len(keys))
    work.commit()
    for key in keys:
        work.rt.files.delete(key)


def _submissions(session: Session, account_id: str) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.account_id == account_id)))


def _stop_services(session: Session, account_id: str, now: datetime, actor: str) -> None:
    """The service ends and applications in progress are withdrawn, as when the family asks
    (`usecases.services`); posts still on their way leave the queue. No email: the address
    is about to be erased, and the family closed the account itself."""
    for submission in _submissions(session, account_id):
        status = Status(submission.status)
        if submission.kind == SubmissionKind.POST and status in IN_FLIGHT:
            transitions.move(
                session,
                submission,
                Status.WITHDRAWN,
                now=now,
                claimed_by=None,
                lease_expires_at=None,
            )
        elif submission.kind == SubmissionKind.APPLICATION and status in STOPPABLE:
            target = stop_target(status)
            transitions.move(
                session, submission, target, now=now, claimed_by=None, lease_expires_at=None
            )
            application = session.get(Application, submission.id)
            assert application is not None
            application.holds_inmate = False
            application.end_reason = EndReason.FAMILY_REQUEST.value
            application.ended_by, application.ended_at = actor, now


def _attempt_ids(account_id: str):  # type: ignore[no-untyped-def]
    return (
        select(Attempt.id)
        .join(Submission, Submission.id == Attempt.submission_id)
        .where(Submission.account_id == account_id)
    )


def _erase_files(session: Session, account_id: str, now: datetime) -> list[str]:
    """Mark every file of the family's attempts erased, as retention marks what it erases
    (`usecases/retention.py`); the store keys to delete."""
    files = session.scalars(
        select(StoredFile).where(StoredFile.attempt_id.in_(_attempt_ids(account_id)))
    ).all()
    keys: list[str] = []
    for f in files:
        keys += [k for k in (f.storage_key, f.sanitized_key, f.preview_key) if k]
        f.original_erased_at = f.original_erased_at or now
        f.copies_erased_at = f.copies_erased_at or now
        f.original_name, f.sha256 = closing.ERASED_TEXT, ""
    return keys


def _erase_texts(session: Session, account_id: str) -> None:
    """What the family wrote, what OCR read from its documents, advice that may name it."""
    erased = closing.ERASED_TEXT
    attempts = _attempt_ids(account_id)
    session.execute(
        update(Attempt)
        .where(Attempt.id.in_(attempts), Attempt.title.is_not(None))
        .values(title=erased)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Attempt)
        .where(Attempt.id.in_(attempts), Attempt.body.is_not(None))
        .values(body=erased)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(PrefillField).where(PrefillField.attempt_id.in_(attempts)))
    session.execute(
        update(Decision)
        .where(Decision.attempt_id.in_(attempts), Decision.advice.is_not(None))
        .values(advice=erased)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Strike)
        .where(Strike.account_id == account_id, Strike.appeal_text.is_not(None))
        .values(appeal_text=erased)
        .execution_options(synchronize_session=False)
    )


def _erase_mail(session: Session, address: str) -> None:
    """Unsent mail to the family is dropped; sent mail keeps only that it was sent."""
    session.execute(
        delete(OutboxEmail).where(OutboxEmail.to_addr == address, OutboxEmail.sent_at.is_(None))
    )
    session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.to_addr == address)
        .values(to_addr=closing.ERASED_TEXT, body=closing.ERASED_TEXT)
        .execution_options(synchronize_session=False)
    )


def _erase_account(session: Session, account: Account, now: datetime) -> None:
    # Counters named by the email would keep it: they go (the login's, the resends', resets').
    throttle.forget(
        session,
        account.email_key,
        f"resend:email:{account.email_key}",
        *throttle.reset_keys(account.email_key),
        throttle.password_key(account.id),
    )
    for table in (AuthToken, EmailToken, PasswordResetToken, LoginDevice):
        session.execute(delete(table).where(table.account_id == account.id))
    email = closing.closed_email(account.id)
    account.name, account.national_id = closing.CLOSED_NAME, ""
    account.email, account.email_key = email, email
    account.birth_date = closing.ERASED_BIRTH_DATE
    account.mobile, account.phone = "", ""
    account.password_hash = closing.UNUSABLE_PASSWORD_HASH
    account.closed_at = now
