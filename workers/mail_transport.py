"""How an email leaves: over SMTP, or (embedded mode, no SMTP server) as an .eml file under
DATA_DIR/mail/ that a newcomer opens in any mail program."""

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from core.settings import Settings

SMTP_TIMEOUT_S = 20


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
