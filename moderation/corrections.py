"""Staff correct the fields a family cannot change itself (姓名、身分證、生日、信箱), on the
family's request (the notice's right 「補充或更正您的個人資料」): checked as registration
checks them."""

from datetime import date
from typing import Any

from moderation.errors import invalid_fields
from moderation.registration import MIN_PASSWORD_CHARS, validate_registration

#: The registration fields a family cannot change itself and staff may correct.
LOCKED_FIELDS = ("name", "national_id", "birth_date", "email")


def validate_correction(
    current: dict[str, Any], changes: dict[str, Any], *, today: date
) -> dict[str, Any]:
    """The changed fields, clean (a national ID upper-cased, a date parsed), or one 422 naming
    each wrong one. At least one field must be given."""
    given = {k: v for k, v in changes.items() if k in LOCKED_FIELDS and v is not None}
    if not given:
        raise invalid_fields(
            {"body": ("請至少填一個要更正的欄位。", "Give at least one field to correct.")}
        )
    # Every other field as it is, so that only the changed ones can be wrong.
    merged = {**current, **given, "password": "x" * MIN_PASSWORD_CHARS, "consent": True}
    merged["birth_date"] = str(merged["birth_date"])
    registration = validate_registration(merged, today=today)
    return {name: getattr(registration, name) for name in given}
