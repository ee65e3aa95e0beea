"""Who works on the other side: staff members, their role and the institutions they serve."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class StaffRole(StrEnum):
    #: Claims and decides items of their institutions, marks deliveries, publishes entries.
    REVIEWER = "reviewer"
    #: A reviewer who also decides appeals and lifts suspensions.
    ADMIN = "admin"


@dataclass(frozen=True)
class StaffMember:
    id: str
    email: str
    role: StaffRole
    institution_ids: frozenset[str]

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"staff:{self.id}"

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN


# Issue 10b: staff management rules (who may manage whom, how long a token lives).

#: The longest staff name kept (the column's width).
STAFF_NAME_MAX = 100


def token_expiry(issued_at: datetime, days: int) -> datetime:
    """When a token issued at `issued_at` stops working."""
    return issued_at + timedelta(days=days)


def token_usable(expires_at: datetime | None, disabled_at: datetime | None, now: datetime) -> bool:
    """A token works until it expires, and never for a disabled staff member. A token with no
    expiry was never issued by this version (the migration gives every old one a date)."""
    return disabled_at is None and expires_at is not None and now < expires_at


def manages(admin_institutions: frozenset[str], staff_institutions: frozenset[str]) -> bool:
    """An administrator manages a staff member only if every institution the member serves is
    one of theirs: re-keying or disabling someone would otherwise reach into an institution
    whose own administrators were not asked."""
    return bool(staff_institutions) and staff_institutions <= admin_institutions
