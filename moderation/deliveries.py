"""Delivering approved posts to the inmate: what marking one delivered can answer, per id.

Marking is idempotent: staff click twice, a client retries a batch after a timeout, and the
answer stays a success (`already_delivered`), never a 409.
"""

from enum import StrEnum

from moderation.statuses import Status

#: The most ids one batch (mark or print) may name: a day's deliveries of a large institution.
MAX_BATCH = 200


class DeliveryOutcome(StrEnum):
    """What `POST /deliveries/delivered` answers for each id."""

    #: Marked now.
    DELIVERED = "delivered"
    #: Marked before (by this call's retry or by anyone): nothing changed.
    ALREADY_DELIVERED = "already_delivered"
    #: No such item among the caller's institutions.
    NOT_FOUND = "not_found"
    #: An application, not a post: only posts are delivered.
    NOT_A_POST = "not_a_post"
    #: A post not approved (yet, or ever): it may not be handed to the inmate.
    NOT_APPROVED = "not_approved"


def outcome_for(status: Status) -> DeliveryOutcome:
    """What marking a visible post in `status` delivered does."""
    if status == Status.DELIVERED:
        return DeliveryOutcome.ALREADY_DELIVERED
    if status == Status.APPROVED:
        return DeliveryOutcome.DELIVERED
    return DeliveryOutcome.NOT_APPROVED


#: A post in these may be printed (again) for the inmate.
PRINTABLE = frozenset({Status.APPROVED, Status.DELIVERED})
