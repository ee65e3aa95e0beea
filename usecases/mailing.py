"""Send one outbox email, at most once per claim.

The row is marked `sending_since` before it goes out and `sent_at` after; a crash between the
two at worst repeats one send (receivers can de-duplicate on the fixed Message-ID), and never
loses one. How it goes out (SMTP, or an .eml file in embedded mode) is the caller's `deliver`.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import or_, update

from core.metrics import OUTBOX_SEND_FAILURES
from moderation.privacy import mask_emails_in
from storage.models import OutboxEmail, utcnow
from usecases.runtime import Runtime
from usecases.transaction import transaction

#: Hands one message to the mail server (or writes it where a person reads it).
Deliver = Callable[[EmailMessage], None]

log = logging.getLogger(__name__)

#: A send that has not finished after this long is presumed lost with its worker.
SENDING_STALE_AFTER = timedelta(minutes=5)
#: Backoff stops growing here.
MAX_BACKOFF = timedelta(hours=1)
#: After this many failed tries (about a day with the backoff) the email is given up and shown
#: to operators (`familybook stuck`) instead of being tried forever.
MAX_TRIES = 30


def _permanent(exc: Exception) -> bool:
    """Failures that no retry can mend: the server refused the address or the message for
    good (5xx), or the message cannot be encoded at all (e.g. an address SMTP cannot carry)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPServerDisconnected)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return True  # e.g. an internationalised address on a server without SMTPUTF8
    return not isinstance(exc, OSError | smtplib.SMTPException)


def build_message(row: OutboxEmail, sender: str, *, readable: bool = False) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at)
    # An .eml file is read by a person: plain UTF-8 text. Over SMTP, base64 is the safe choice.
    msg.set_content(row.body, cte="8bit" if readable else "base64")
    return msg


def _claim(rt: Runtime, outbox_id: str) -> OutboxEmail | None:
    now = utcnow()
    with transaction(rt) as work:
        session = work.session
        claimed = session.execute(
            update(OutboxEmail)
            .where(
                OutboxEmail.id == outbox_id,
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.failed_at.is_(None),
                OutboxEmail.next_try_at <= now,
                or_(
                    OutboxEmail.sending_since.is_(None),
                    OutboxEmail.sending_since < now - SENDING_STALE_AFTER,
                ),
            )
            .values(sending_since=now, tries=OutboxEmail.tries + 1)
        ).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            return None
        return session.get(OutboxEmail, outbox_id)


def send_outbox_email(rt: Runtime, outbox_id: str, deliver: Deliver) -> bool:
    row = _claim(rt, outbox_id)
    if row is None:
        return False
    try:
        deliver(build_message(row, rt.settings.mail_from, readable=not rt.settings.smtp_url))
    except Exception as exc:  # every failure is recorded; none may leave the row claimed
        _failed(rt, row, exc)
        return False
    with transaction(rt) as work:
        session = work.session
        session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == outbox_id)
            .values(sent_at=utcnow(), sending_since=None, last_error=None)
        )
    return True


def _failed(rt: Runtime, row: OutboxEmail, exc: Exception) -> None:
    give_up = _permanent(exc) or row.tries >= MAX_TRIES
    masked = mask_emails_in(repr(exc))
    backoff = min(
        timedelta(seconds=rt.settings.outbox_retry_base_s * 2 ** min(row.tries - 1, 20)),
        MAX_BACKOFF,
    )
    now = utcnow()
    with transaction(rt) as work:
        session = work.session
        session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == row.id)
            .values(
                sending_since=None,
                next_try_at=now + backoff,
                failed_at=now if give_up else None,
                last_error=masked[:500],
            )
        )
    OUTBOX_SEND_FAILURES.inc()
    # The error's type only: an SMTP refusal's text names the recipient's address.
    if give_up:
        log.error("email %s given up after %d tries: %s", row.id, row.tries, type(exc).__name__)
    else:
        log.warning("email %s not sent (try %d): %s", row.id, row.tries, type(exc).__name__)
