"""Send one outbox email, at most once per claim.

The row is marked `sending_since` before it goes to SMTP and `sent_at` after; a crash between
the two at worst repeats one send (receivers can de-duplicate on the fixed Message-ID), and never
loses one. In embedded mode the email is written as an .eml file under DATA_DIR/mail/.
"""

import hashlib
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, update

from familybook.runtime import Runtime
from familybook.settings import Settings
from storage.models import OutboxEmail, utcnow

log = logging.getLogger(__name__)

#: A send that has not finished after this long is presumed lost with its worker.
SENDING_STALE_AFTER = timedelta(minutes=5)
#: Backoff stops growing here.
MAX_BACKOFF = timedelta(hours=1)
#: After this many failed tries (about a day with the backoff) the email is given up and shown
#: to operators (`familybook stuck`) instead of being tried forever.
MAX_TRIES = 30
SMTP_TIMEOUT_S = 20


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


def deliver(settings: Settings, msg: EmailMessage) -> None:
    if not settings.smtp_url:
        settings.mail_dir.mkdir(parents=True, exist_ok=True)
        # Named by time (a newcomer lists them in order) and Message-ID (a repeat overwrites).
        name = hashlib.sha256(str(msg["Message-ID"]).encode()).hexdigest()[:12]
        stamp = parsedate_to_datetime(str(msg["Date"])).strftime("%Y%m%d-%H%M%S")
        target = settings.mail_dir / f"{stamp}-{name}.eml"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(bytes(msg))
        tmp.replace(target)
        return
    url = urlsplit(settings.smtp_url)
    cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with cls(url.hostname or "localhost", url.port or 25, timeout=SMTP_TIMEOUT_S) as smtp:
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(msg)


def _claim(rt: Runtime, outbox_id: str) -> OutboxEmail | None:
    now = utcnow()
    with rt.db.session() as session:
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


def send_outbox_email(rt: Runtime, outbox_id: str) -> bool:
    row = _claim(rt, outbox_id)
    if row is None:
        return False
    try:
        deliver(
            rt.settings,
            build_message(row, rt.settings.mail_from, readable=not rt.settings.smtp_url),
        )
    except Exception as exc:  # every failure is recorded; none may leave the row claimed
        _failed(rt, row, exc)
        return False
    with rt.db.session() as session:
        session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == outbox_id)
            .values(sent_at=utcnow(), sending_since=None, last_error=None)
        )
    return True


def _failed(rt: Runtime, row: OutboxEmail, exc: Exception) -> None:
    give_up = _permanent(exc) or row.tries >= MAX_TRIES
    backoff = min(
        timedelta(seconds=rt.settings.outbox_retry_base_s * 2 ** min(row.tries - 1, 20)),
        MAX_BACKOFF,
    )
    now = utcnow()
    with rt.db.session() as session:
        session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == row.id)
            .values(
                sending_since=None,
                next_try_at=now + backoff,
                failed_at=now if give_up else None,
                last_error=repr(exc)[:500],
            )
        )
    if give_up:
        log.error("email %s given up after %d tries: %r", row.id, row.tries, exc)
    else:
        log.warning("email %s not sent (try %d): %r", row.id, row.tries, exc)


def mail_files(settings: Settings) -> list[Path]:
    return sorted(settings.mail_dir.glob("*.eml"))
