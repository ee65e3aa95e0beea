"""What an operator does about stuck work (`familybook stuck --requeue/--retry-mail/--give-up`,
issue 13). Each is one short transaction; the wake-up goes after the commit, and every actor is
idempotent, so an action repeated or raced by the sweeper does the work once."""

from sqlalchemy import select

from moderation.errors import ErrorCode, InvalidInput, NotFound
from moderation.kinds import SubmissionKind
from moderation.statuses import IN_QUEUE, Status
from storage.models import Attempt, OutboxEmail, Submission, utcnow
from storage.queries import is_current_attempt
from usecases.runtime import Runtime
from usecases.transaction import transaction


def _missing(what: str, record_id: str) -> NotFound:
    return NotFound(
        code=ErrorCode.NOT_FOUND,
        message=f"找不到{what} {record_id}。",
        message_en=f"No {record_id}.",
    )


def _nothing(record_id: str, status: str) -> InvalidInput:
    return InvalidInput(
        code=ErrorCode.NOTHING_TO_DO,
        message=f"{record_id} 目前為 {status}，沒有可重送的工作。",
        message_en=f"{record_id} is {status}: no work to send again.",
    )


def requeue(rt: Runtime, submission_id: str) -> str:
    """Send a stuck submission's work again: its checks (received/checking) or its OCR (in the
    queue, not read yet). Returns which."""
    with transaction(rt) as work:
        found = work.session.execute(
            select(Submission, Attempt)
            .join(Attempt, is_current_attempt())
            .where(Submission.id == submission_id)
        ).first()
        if found is None:
            raise _missing("送件", submission_id)
        submission, attempt = found
        if submission.status in (Status.RECEIVED, Status.CHECKING):
            work.wake_check(attempt.id)
            return "checks"
        if submission.status in IN_QUEUE and attempt.ocr_done_at is None:
            work.wake_ocr(attempt.id, post=submission.kind == SubmissionKind.POST)
            return "post_ocr" if submission.kind == SubmissionKind.POST else "ocr"
        raise _nothing(submission_id, submission.status)


def retry_mail(rt: Runtime, outbox_id: str) -> None:
    """Try an unsent email again now, with a fresh count of tries (after fixing SMTP or the
    address); one already sent is left alone."""
    with transaction(rt) as work:
        email = work.session.get(OutboxEmail, outbox_id)
        if email is None:
            raise _missing("郵件", outbox_id)
        if email.sent_at is not None:
            raise _nothing(outbox_id, "sent")
        email.failed_at = email.sending_since = None
        email.tries, email.next_try_at = 0, utcnow()
        work.wake_email(email.id)


def give_up_mail(rt: Runtime, outbox_id: str) -> None:
    """Stop trying an email (an address that will never work); it stays listed as given up."""
    with transaction(rt) as work:
        email = work.session.get(OutboxEmail, outbox_id)
        if email is None:
            raise _missing("郵件", outbox_id)
        if email.sent_at is not None:
            raise _nothing(outbox_id, "sent")
        email.failed_at = utcnow()
        email.last_error = (email.last_error or "") + " [given up by an operator]"
