"""One error hierarchy for everything a family, reviewer or operator can be refused.

Each error carries a stable snake_case code and a message in Traditional Chinese first with
English beside it. The HTTP layer maps the error's class to a status code in one place
(`familybook/http_errors.py`); the domain never speaks HTTP.
"""

from dataclasses import dataclass, field
from typing import Any


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


class InvalidInput(FamilybookError):
    """The request's fields are wrong; `fields` names each one."""


class Unauthenticated(FamilybookError):
    """No valid credentials."""


class Forbidden(FamilybookError):
    """Known caller, action not allowed (suspended, not eligible, unverified)."""


class NotFound(FamilybookError):
    """Does not exist, or is not visible to the caller."""


class Conflict(FamilybookError):
    """Not possible in the current state (already decided, claimed by another…)."""


class Gone(FamilybookError):
    """Was valid once and has expired."""


class BadToken(FamilybookError):
    """A token that was never valid."""


class TooLarge(FamilybookError):
    """An upload over a size limit."""


class UnsupportedType(FamilybookError):
    """A file type we refuse."""


class Throttled(FamilybookError):
    """Too many tries; `extra['retry_after']` says how many seconds to wait."""


class Unavailable(FamilybookError):
    """A part we depend on (database, broker) is down; retry later."""


def invalid_fields(fields: dict[str, tuple[str, str]]) -> InvalidInput:
    """Build one 422 naming every bad field: {field: (中文, English)}."""
    zh = "；".join(f"{name}：{msg[0]}" for name, msg in fields.items())
    en = "; ".join(f"{name}: {msg[1]}" for name, msg in fields.items())
    return InvalidInput(
        code="invalid_fields",
        message=f"有欄位需要修正。{zh}",
        message_en=f"Some fields need fixing. {en}",
        fields={name: f"{msg[0]} {msg[1]}" for name, msg in fields.items()},
    )
