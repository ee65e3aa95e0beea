"""What the append-only audit log records: every look at a family's file, every staff action."""

from enum import StrEnum


class AuditAction(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    VIEW_ITEM = "view_item"
    VIEW_FILE = "view_file"
    DECISION = "decision"
    DELIVERED = "delivered"
    LIFT_SUSPENSION = "lift_suspension"
    APPEAL_DECISION = "appeal_decision"
    INSTITUTION_POST = "institution_post"
    #: The sweeper gave an item back to the queue when its reviewer's claim ran out.
    LEASE_EXPIRED = "lease_expired"
    # issue 12: retention erased a document's original (and, where due, its copies).
    FILE_ERASED = "file_erased"
