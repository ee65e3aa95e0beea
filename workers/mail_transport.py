"""How an email leaves: over SMTP, or (embedded mode, no SMTP server) as an .eml file under
DATA_DIR/mail/ that a newcomer opens in any mail program."""

import hashlib
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from core.settings import Settings
from storage.files import private_dir, private_file

SMTP_TIMEOUT_S = 20


def deliver(settings: Settings, msg: EmailMessage) -> None:
    if not settings.smtp_url:
        private_dir(settings.mail_dir)
        # Named by time (a newcomer lists them in order) and Message-ID (a repeat overwrites).
        name = hashlib.sha256(str(msg["Message-ID"]).encode()).hexdigest()[:12]
        stamp = parsedate_to_datetime(str(msg["Date"])).strftime("%Y%m%d-%H%M%S")
        target = settings.mail_dir / f"{stamp}-{name}.eml"
        tmp = target.with_suffix(".tmp")
        with os.fdopen(private_file(tmp), "wb") as fh:  # families' mail: owner only
            fh.write(bytes(msg))
        tmp.replace(target)
        return
    recipient = only_recipient(msg)
    url = urlsplit(settings.smtp_url)
    # Certificates are verified (the system's CAs, and a private one if set): smtplib's own
    # default context for SMTP_SSL accepted any certificate.
    context = ssl.create_default_context(
        cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None
    )
    host, port = url.hostname or "localhost", url.port
    if url.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port or 465, timeout=SMTP_TIMEOUT_S, context=context
        )
    else:
        smtp = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT_S)
    with smtp:
        if url.scheme != "smtps":
            _starttls(smtp, context, required=settings.production)
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(msg, to_addrs=[recipient])


def _starttls(smtp: smtplib.SMTP, context: ssl.SSLContext, *, required: bool) -> None:
    """TLS whenever the server offers it; in production a server that does not is refused
    (passwords and families' mail would cross the network in clear)."""
    smtp.ehlo()
    if smtp.has_extn("starttls"):
        smtp.starttls(context=context)
        smtp.ehlo()
    elif required:
        raise smtplib.SMTPNotSupportedError("the SMTP server offers no STARTTLS; TLS is required")


def only_recipient(msg: EmailMessage) -> str:
    """The one address the message is for: a To header naming two (`victim@example.org,
    attacker@…`) is refused, never sent to both."""
    to = str(msg["To"] or "")
    addresses = getaddresses([to])
    if len(addresses) != 1 or not addresses[0][1] or "," in to or ";" in to:
        raise ValueError("an email goes to exactly one recipient")
    return addresses[0][1]
