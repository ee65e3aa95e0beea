"""Who works on the other side: staff members, their role and the institutions they serve."""

from dataclasses import dataclass
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
