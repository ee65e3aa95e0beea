"""How often a family may post to one inmate (SPEC: one post per interval, one in flight)."""

from datetime import UTC, datetime, timedelta

import pytest

from moderation.errors import Conflict, Forbidden
from moderation.policy import Policy
from moderation.quota import EarlierPost, ensure_not_suspended, ensure_quota
from moderation.statuses import Status

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def _post(status: Status, days_ago: float, post_id: str = "p1") -> EarlierPost:
    return EarlierPost(post_id, status, NOW - timedelta(days=days_ago))


def test_the_first_post_is_always_allowed():
    ensure_quota([], Policy(), NOW)


@pytest.mark.parametrize(("days_ago", "allowed"), [(29, False), (29.999, False), (30.001, True)])
def test_an_approved_post_uses_the_interval(days_ago, allowed):
    earlier = [_post(Status.APPROVED, days_ago)]
    if allowed:
        ensure_quota(earlier, Policy(post_interval_days=30), NOW)
        return
    with pytest.raises(Conflict) as refused:
        ensure_quota(earlier, Policy(post_interval_days=30), NOW)
    assert refused.value.code == "quota_used"
    next_allowed = datetime.fromisoformat(refused.value.extra["next_allowed_at"])
    assert next_allowed == NOW - timedelta(days=days_ago) + timedelta(days=30)


def test_a_delivered_post_counts_like_an_approved_one():
    with pytest.raises(Conflict):
        ensure_quota([_post(Status.DELIVERED, 1)], Policy(), NOW)


def test_a_rejected_post_uses_nothing():
    ensure_quota([_post(Status.REJECTED, 1)], Policy(), NOW)


@pytest.mark.parametrize(
    "status",
    [Status.RECEIVED, Status.CHECKING, Status.NEEDS_FIX, Status.AWAITING_REVIEW, Status.IN_REVIEW],
)
def test_one_post_in_flight_holds_the_next(status):
    with pytest.raises(Conflict) as refused:
        ensure_quota([_post(status, 40)], Policy(), NOW)
    assert refused.value.code == "post_in_flight"


def test_a_post_sent_again_is_not_held_by_itself():
    ensure_quota([_post(Status.NEEDS_FIX, 1, "p1")], Policy(), NOW, replacing="p1")


def test_a_suspension_refuses_until_it_ends():
    with pytest.raises(Forbidden) as refused:
        ensure_not_suspended(NOW + timedelta(seconds=1), NOW)
    assert refused.value.code == "suspended" and "臺灣時間" in refused.value.message
    ensure_not_suspended(NOW, NOW)
    ensure_not_suspended(None, NOW)
