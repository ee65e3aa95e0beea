"""One error hierarchy for everything a family, reviewer or operator can be refused.

Each error carries a stable snake_case code and a message in Traditional Chinese first with
English beside it. The HTTP layer maps the error's class to a status code in one place
(`web/errors.py`); the domain never speaks HTTP. Whether a worker should try again is the
class too: `Unavailable` is "retry later"; every other error is final for the message that
raised it (actors declare them in `throws=`).
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every code an error answer can carry, besides the checks' `CheckCode` and the text
    rules' `TextCode` (a refused upload or field names the rule it broke)."""

    # Requests and fields
    BAD_REQUEST = "bad_request"
    INVALID_FIELDS = "invalid_fields"
    INVALID_INPUT = "invalid_input"
    INVALID_FORM = "invalid_form"
    FIELD_NOT_CHANGEABLE = "field_not_changeable"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UPLOAD_TOO_LARGE = "upload_too_large"
    FILE_TOO_LARGE = "file_too_large"
    NOT_FOUND = "not_found"
    HTTP_ERROR = "http_error"
    # Accounts and sessions
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    SESSION_EXPIRED = "session_expired"
    LOGIN_FAILED = "login_failed"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    EMAIL_TAKEN = "email_taken"
    EMAIL_UNVERIFIED = "email_unverified"
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    ADMIN_ONLY = "admin_only"
    # Institutions, inmates and eligibility
    INSTITUTION_NOT_FOUND = "institution_not_found"
    INMATE_NOT_FOUND = "inmate_not_found"
    INMATE_HAS_SERVICE = "inmate_has_service"
    INMATE_RESTRICTED = "inmate_restricted"
    CHILD_AGE_NOT_ELIGIBLE = "child_age_not_eligible"
    # Submissions
    NOT_RESUBMITTABLE = "not_resubmittable"
    APPLICATION_NOT_APPROVED = "application_not_approved"
    POST_IN_FLIGHT = "post_in_flight"
    QUOTA_USED = "quota_used"
    SUSPENDED = "suspended"
    ILLEGAL_TRANSITION = "illegal_transition"
    CHANGED_MEANWHILE = "changed_meanwhile"
    # Review
    NOT_READY = "not_ready"
    NOT_CLAIMED = "not_claimed"
    CLAIMED_BY_OTHER = "claimed_by_other"
    ALREADY_DECIDED = "already_decided"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    VARIANT_NOT_AVAILABLE = "variant_not_available"
    NOT_A_POST = "not_a_post"
    # Strikes, appeals, suspensions
    ALREADY_APPEALED = "already_appealed"
    APPEAL_TOO_LATE = "appeal_too_late"
    NO_OPEN_APPEAL = "no_open_appeal"
    SUSPENSION_OF_OTHER_INSTITUTION = "suspension_of_other_institution"
    # Operators' commands
    INVALID_OPTION = "invalid_option"
    INVALID_ROLE = "invalid_role"
    ROSTER_COLUMNS = "roster_columns"
    ROSTER_CALLSIGN = "roster_callsign"
    # The service itself
    DATABASE_UNAVAILABLE = "database_unavailable"
    INTERNAL_ERROR = "internal_error"
    # Issue 15 (the seeds' rules): callsigns, eligibility that lasts, services that end,
    # suspensions an administrator confirms
    CALLSIGN_FORMAT = "callsign_format"
    NOT_ELIGIBLE = "not_eligible"
    SERVICE_ENDED = "service_ended"
    NOT_WITHDRAWABLE = "not_withdrawable"
    NOT_SUSPENDED = "not_suspended"
    SUSPENSION_NOT_PROPOSED = "suspension_not_proposed"
    # issue 15b: the family's account
    WRONG_PASSWORD = "wrong_password"
    NOTICE_NOT_FOUND = "notice_not_found"
    # issue 12: security hardening
    TOO_MANY_REQUESTS = "too_many_requests"
    BODY_TOO_LARGE = "body_too_large"
    REQUEST_TIMEOUT = "request_timeout"
    FILE_ERASED = "file_erased"
    # issue 10 (review triage)
    NOT_REOPENABLE = "not_reopenable"
    # Issue 10b: deliveries, staff management, audit and reports
    NOT_APPROVED = "not_approved"
    PRINT_UNAVAILABLE = "print_unavailable"
    STAFF_EXISTS = "staff_exists"
    LAST_ADMIN = "last_admin"
    # --- issue 13 (operations) ---
    ROSTER_INVALID = "roster_invalid"
    #: GET /metrics in production with no FAMILYBOOK_METRICS_TOKEN: refused to everyone.
    METRICS_TOKEN_REQUIRED = "metrics_token_required"
    NOTHING_TO_DO = "nothing_to_do"
    STORAGE_UNAVAILABLE = "storage_unavailable"


@dataclass
class FamilybookError(Exception):
    code: str
    message: str
    message_en: str
    fields: dict[str, str] = field(default_factory=dict)
    #: Extra machine-readable details (e.g. `until`, `next_allowed_at`).
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"


class Refused(FamilybookError):
    """Final: the request (or the message) itself is what is wrong, so trying it again gives
    the same answer. Actors list it in `throws=`: dramatiq does not retry it."""


class InvalidInput(Refused):
    """The request's fields are wrong; `fields` names each one."""


class Unauthenticated(Refused):
    """No valid credentials."""


class Forbidden(Refused):
    """Known caller, action not allowed (suspended, not eligible, unverified)."""


class NotFound(Refused):
    """Does not exist, or is not visible to the caller."""


class Conflict(Refused):
    """Not possible in the current state (already decided, claimed by another…)."""


class Gone(Refused):
    """Was valid once and has expired."""


class BadToken(Refused):
    """A token that was never valid."""


class TooLarge(Refused):
    """An upload over a size limit."""


class UnsupportedType(Refused):
    """A file type we refuse."""


class Throttled(Refused):
    """Too many tries; `extra['retry_after']` says how many seconds to wait."""


class Unavailable(FamilybookError):
    """A part we depend on (the database, the broker) is down: not final, try again later.
    Raised where the part fails (`storage.db`); the web answers 503 with Retry-After and a
    worker's message is retried."""


def invalid_fields(fields: dict[str, tuple[str, str]]) -> InvalidInput:
    """Build one 422 naming every bad field: {field: (中文, English)}."""
    zh = "；".join(f"{name}：{msg[0]}" for name, msg in fields.items())
    en = "; ".join(f"{name}: {msg[1]}" for name, msg in fields.items())
    return InvalidInput(
        code=ErrorCode.INVALID_FIELDS,
        message=f"有欄位需要修正。{zh}",
        message_en=f"Some fields need fixing. {en}",
        fields={name: f"{msg[0]} {msg[1]}" for name, msg in fields.items()},
    )


def not_found(what_zh: str = "這筆資料", what_en: str = "Not found.") -> NotFound:
    """The 404 of something that does not exist or is not the caller's to see."""
    return NotFound(code=ErrorCode.NOT_FOUND, message=f"找不到{what_zh}。", message_en=what_en)
