"""What a reviewer decides about an item, and what the family reads of it."""

from enum import StrEnum

from moderation.statuses import Status


class Verdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def status(self) -> Status:
        """The item's status once decided so."""
        return Status.APPROVED if self == Verdict.APPROVE else Status.REJECTED
