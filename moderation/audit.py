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
    # issue 10 (review triage)
    #: A staff member wrote a note about an item for other staff.
    NOTE = "note"
    #: An administrator sent a decided item back to the queue (its decision reversed).
    REOPEN = "reopen"
    # Issue 10b: printing for the inmate, staff management
    #: A post printed for the inmate (its photos leave the system on paper).
    PRINT_DELIVERY = "print_delivery"
    STAFF_ADDED = "staff_added"
    STAFF_CHANGED = "staff_changed"
    STAFF_TOKEN_ROTATED = "staff_token_rotated"
    STAFF_DISABLED = "staff_disabled"
