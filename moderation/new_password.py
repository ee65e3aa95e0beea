"""The rule a new password follows (reset, change), the same as at registration."""

from moderation.errors import invalid_fields
from moderation.registration import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS


def ensure_acceptable(password: str, *, field: str = "password") -> None:
    if not (MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS):
        raise invalid_fields(
            {
                field: (
                    f"密碼需要 {MIN_PASSWORD_CHARS} 到 {MAX_PASSWORD_CHARS} 個字元。",
                    f"Password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters.",
                )
            }
        )
