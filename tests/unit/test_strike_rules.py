"""Strikes: when they suspend, when an appeal is taken, who may lift a suspension."""

from datetime import UTC, datetime, timedelta

import pytest

from moderation.errors import Conflict, Forbidden, InvalidInput
from moderation.policy import Policy
from moderation.strikes import (
    APPEAL_MAX_CHARS,
    AppealOutcome,
    AppealVerdict,
    ensure_appealable,
    liftable,
    suspension_due,
    suspension_running,
)
from moderation.text import clean_text

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def test_the_policys_count_of_strikes_suspends_for_its_days():
    policy = Policy(strikes_to_suspend=3, suspension_days=30)
    assert suspension_due(2, policy, NOW) is None
    plan = suspension_due(3, policy, NOW)
    assert plan is not None and (plan.starts_at, plan.until) == (NOW, NOW + timedelta(days=30))


def test_a_lifted_or_ended_suspension_no_longer_runs():
    assert suspension_running(until=NOW + timedelta(days=1), lifted_at=None, now=NOW)
    assert not suspension_running(until=NOW, lifted_at=None, now=NOW)
    assert not suspension_running(until=NOW + timedelta(days=1), lifted_at=NOW, now=NOW)


@pytest.mark.parametrize(("days_ago", "taken"), [(13, True), (14, True), (14.001, False)])
def test_an_appeal_is_taken_within_the_policys_days(days_ago, taken):
    created = NOW - timedelta(days=days_ago)
    policy = Policy(appeal_days=14)
    if taken:
        ensure_appealable(appealed_at=None, created_at=created, now=NOW, policy=policy)
        return
    with pytest.raises(Forbidden) as refused:
        ensure_appealable(appealed_at=None, created_at=created, now=NOW, policy=policy)
    assert refused.value.code == "appeal_too_late"
    assert refused.value.extra["deadline"] == (created + timedelta(days=14)).isoformat()


def test_a_strike_is_appealed_once():
    with pytest.raises(Conflict) as refused:
        ensure_appealable(appealed_at=NOW, created_at=NOW, now=NOW, policy=Policy())
    assert refused.value.code == "already_appealed"


def test_an_appeal_text_is_at_most_two_hundred_characters():
    assert clean_text("好" * APPEAL_MAX_CHARS, field="text", max_chars=APPEAL_MAX_CHARS)
    with pytest.raises(InvalidInput) as refused:
        clean_text("好" * (APPEAL_MAX_CHARS + 1), field="text", max_chars=APPEAL_MAX_CHARS)
    assert refused.value.extra["codes"] == {"text": "text_too_long"}


def test_only_an_institution_that_caused_a_suspension_may_lift_it():
    running = {"s1": frozenset({"TTD"}), "s2": frozenset({"HLD", "TTD"})}
    assert liftable(running, frozenset({"TTD"})) == ["s1", "s2"]
    assert liftable(running, frozenset({"HLD"})) == ["s2"]
    with pytest.raises(Forbidden) as refused:
        liftable(running, frozenset({"PTD"}))
    assert refused.value.code == "suspension_of_other_institution"
    assert liftable({}, frozenset({"PTD"})) == []  # nothing running: nothing to refuse


def test_an_administrators_answer_becomes_the_strikes_outcome():
    assert AppealVerdict("uphold").outcome == AppealOutcome.UPHELD
    assert AppealVerdict("overrule").outcome == AppealOutcome.OVERRULED
