"""A submission's life: only the legal moves, so no late message can undo a decision."""

import pytest

from moderation.errors import Conflict
from moderation.statuses import TRANSITIONS, Status, ensure_transition


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.RECEIVED, Status.CHECKING),
        (Status.CHECKING, Status.NEEDS_FIX),
        (Status.CHECKING, Status.AWAITING_REVIEW),
        (Status.AWAITING_REVIEW, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.APPROVED),
        (Status.IN_REVIEW, Status.REJECTED),
        (Status.REJECTED, Status.RECEIVED),
        (Status.APPROVED, Status.DELIVERED),
    ],
)
def test_the_flow_of_the_spec_is_allowed(current, target):
    ensure_transition(current, target)


@pytest.mark.parametrize("decided", [Status.APPROVED, Status.REJECTED, Status.DELIVERED])
def test_a_decided_submission_cannot_go_back_to_checking_or_review(decided):
    for target in (Status.CHECKING, Status.AWAITING_REVIEW, Status.IN_REVIEW, Status.NEEDS_FIX):
        with pytest.raises(Conflict) as refused:
            ensure_transition(decided, target)
        assert refused.value.code == "illegal_transition"


def test_every_status_has_its_moves_listed():
    assert set(TRANSITIONS) == set(Status)
