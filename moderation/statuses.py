"""The life of a submission (service application or post) and the moves it may make."""

from enum import StrEnum

from moderation.errors import Conflict, ErrorCode


class Status(StrEnum):
    RECEIVED = "received"
    CHECKING = "checking"
    NEEDS_FIX = "needs_fix"
    AWAITING_REVIEW = "awaiting_review"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELIVERED = "delivered"


#: Every legal move. Anything else is refused, so a late or repeated message cannot drag a
#: decided submission back into the pipeline.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.CHECKING}),
    Status.CHECKING: frozenset({Status.NEEDS_FIX, Status.AWAITING_REVIEW}),
    Status.NEEDS_FIX: frozenset({Status.RECEIVED}),
    Status.AWAITING_REVIEW: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.AWAITING_REVIEW, Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.DELIVERED}),
    Status.REJECTED: frozenset({Status.RECEIVED}),
    Status.DELIVERED: frozenset(),
}

#: What a family sees (the portal's words, plus ours for needs_fix).
FAMILY_LABELS: dict[Status, tuple[str, str]] = {
    Status.RECEIVED: ("審核中", "under review"),
    Status.CHECKING: ("審核中", "under review"),
    Status.AWAITING_REVIEW: ("審核中", "under review"),
    Status.IN_REVIEW: ("審核中", "under review"),
    Status.NEEDS_FIX: ("待補件", "needs fixing"),
    Status.APPROVED: ("審核通過", "approved"),
    Status.REJECTED: ("審核未通過", "rejected"),
    Status.DELIVERED: ("已送達", "delivered"),
}

#: The family may send a new attempt only from these.
RESUBMITTABLE = frozenset({Status.NEEDS_FIX, Status.REJECTED})
DECIDED = frozenset({Status.APPROVED, Status.REJECTED, Status.DELIVERED})
#: An administrator may send these back to the queue (a delivered post is in the inmate's
#: hands: nothing to reopen). Not a move of TRANSITIONS: only the explicit reopen makes it
#: (`storage.transitions.reopen`), so no late or repeated message can undo a decision.
REOPENABLE = frozenset({Status.APPROVED, Status.REJECTED})
#: Waiting for a reviewer, claimed or not: the queue.
IN_QUEUE = frozenset({Status.AWAITING_REVIEW, Status.IN_REVIEW})
#: Not yet through the automated checks of its current attempt (or sent back by them).
NOT_CHECKED = frozenset({Status.RECEIVED, Status.CHECKING, Status.NEEDS_FIX})


def ensure_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        raise Conflict(
            code=ErrorCode.ILLEGAL_TRANSITION,
            message=f"目前狀態（{FAMILY_LABELS[current][0]}）不能進行這個動作。",
            message_en=f"A submission that is {current.value} cannot become {target.value}.",
        )
