"""Personal data kept out of what operators and logs read: email addresses masked.

An SMTP error names the recipient (`SMTPRecipientsRefused({'a@example.org': (550, …)})`); stored
or shown as is, it told reviewers of any institution other families' addresses.
"""

import re

#: Anything shaped like an address inside free text (repr of an exception, a log line).
_ADDRESS = re.compile(r"""([^\s@'"<>(),;:\[\]{}])[^\s@'"<>(),;:\[\]{}]*@([^\s@'"<>(),;:\[\]{}]+)""")


def mask_email(address: str) -> str:
    """`a***@example.com`: enough for an operator to tell two apart, not to write to."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_emails_in(text: str) -> str:
    """Every address inside `text` masked like `mask_email`."""
    return _ADDRESS.sub(lambda m: f"{m[1]}***@{m[2]}", text)
