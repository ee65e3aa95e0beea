"""What a closed account's personal fields become (DELETE /me).

The rows stay, so the decisions, strikes and audit entries that point at them still resolve
for staff; what they said about the person is replaced. Placeholders keep every constraint:
the email is unique per account and can never receive mail (`.invalid` is reserved, RFC 2606).
"""

from datetime import date

#: The name staff see on a closed account's items.
CLOSED_NAME = "（已關閉帳號）"
#: What an erased text (a post's title and body, an appeal, advice naming the family) reads.
ERASED_TEXT = "（已刪除）"
#: birth_date is required of every account; a closed one keeps this obviously unreal date.
ERASED_BIRTH_DATE = date(1900, 1, 1)
#: Not an argon2 hash: no password verifies against it.
UNUSABLE_PASSWORD_HASH = "!closed"


def closed_email(account_id: str) -> str:
    """Unique per account (email_key is unique), and undeliverable."""
    return f"closed-{account_id}@closed.invalid"
