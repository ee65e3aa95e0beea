"""Secrets kept out of the access log: a query string's `token=` value is redacted.

The verification email's link is `/verify-email?token=…`; uvicorn's access log wrote it whole,
so anyone reading the logs could verify (or, with a reset link, take over) an account.
"""

import logging
import re

#: Query parameters whose values are secrets (verification and reset links).
_SECRET = re.compile(r"(?i)([?&](?:token|code|key)=)[^&\s\"]*")


def redact(text: str) -> str:
    return _SECRET.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrites uvicorn's access-log record (client, method, path+query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_access_log_filter() -> None:
    """Once per process, whatever number of apps are built."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())
