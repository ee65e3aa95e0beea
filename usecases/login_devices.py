"""Known devices: browsers that logged in to an account before, remembered by a cookie.

OWASP's answer to lock-outs ("Slow Down Online Guessing Attacks with Device Cookies"): failed
logins from a known device are counted on that device alone, so a stranger who exhausts an
email's count (5 wrong passwords) does not lock the family out of its own browser; the
stranger has no such cookie and stays throttled.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.security import new_token, token_hash
from storage.models import Account, LoginDevice, utcnow


def known(session: Session, device: str | None, email_key: str) -> LoginDevice | None:
    """The device row, if the cookie names one of this email's account's devices."""
    if not device or len(device) > 100:
        return None
    return session.scalar(
        select(LoginDevice)
        .join(Account, Account.id == LoginDevice.account_id)
        .where(LoginDevice.token_hash == token_hash(device), Account.email_key == email_key)
    )


def counter_key(device: LoginDevice) -> str:
    """The failure count of a known device (never an email: it holds no '@')."""
    return f"device:{device.token_hash}"


def remember(session: Session, account_id: str, device: LoginDevice | None) -> str | None:
    """After a successful login: a new device token to set as a cookie, or None when the
    browser already had one (its last use is noted)."""
    if device is not None:
        device.last_used_at = utcnow()
        return None
    token = new_token("fbd_")
    session.add(LoginDevice(token_hash=token_hash(token), account_id=account_id))
    return token
