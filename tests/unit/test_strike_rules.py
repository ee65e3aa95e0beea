"""Strikes: when they suspend, when an appeal is taken, who may lift a suspension."""

from datetime import UTC, datetime, timedelta

import pytest

from moderation.errors import Conflict, Forbidden, InvalidInput, NotFound
from moderation.policy import Policy, SuspensionMode
from moderation.strikes import (
    APPEAL_MAX_CHARS,
    AppealOutcome,
    AppealVerdict,
    SuspensionState,
    ensure_appealable,
    liftable,
    suspension_due,
    suspension_running,
)
from moderation.taiwan_time import TAIWAN
from moderation.text import clean_text

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def test_the_policys_count_of_strikes_suspends_for_its_days():
    policy = Policy(strikes_to_suspend=3, suspension_months=0, suspension_days=30)
    assert suspension_due(2, policy, NOW) is None
    plan = suspension_due(3, policy, NOW)
    assert plan is not None and (plan.starts_at, plan.until) == (NOW, NOW + timedelta(days=30))
    assert plan.state == SuspensionState.ACTIVE


def _taipei(*args: int) -> datetime:
    return datetime(*args, tzinfo=TAIWAN)


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        # the same day next month, at the same time in Taiwan
        (_taipei(2027, 3, 15, 10, 0), _taipei(2027, 4, 15, 10, 0)),
        # a longer month ends on the last day of a shorter one, February included
        (_taipei(2027, 1, 31, 9, 30), _taipei(2027, 2, 28, 9, 30)),
        (_taipei(2028, 1, 31, 9, 30), _taipei(2028, 2, 29, 9, 30)),  # leap year
        (_taipei(2027, 1, 29, 9, 30), _taipei(2027, 2, 28, 9, 30)),
        (_taipei(2027, 3, 31, 23, 0), _taipei(2027, 4, 30, 23, 0)),
        # across the year, and a Taiwan date that is still the day before in UTC
        (_taipei(2027, 12, 31, 1, 0), _taipei(2028, 1, 31, 1, 0)),
    ],
)
def test_a_suspension_lasts_one_calendar_month_in_taiwan(starts, ends):
    plan = suspension_due(3, Policy(), starts.astimezone(UTC))
    assert plan is not None
    assert plan.until == ends.astimezone(UTC)
    assert plan.until.astimezone(TAIWAN) == ends


def test_february_is_a_month_not_thirty_days():
    starts = _taipei(2027, 2, 1, 12, 0)
    plan = suspension_due(3, Policy(), starts.astimezone(UTC))
    assert plan is not None
    assert plan.until - starts == timedelta(days=28)


def test_the_proposed_mode_proposes_instead_of_suspending():
    plan = suspension_due(3, Policy(suspension_mode=SuspensionMode.PROPOSED), NOW)
    assert plan is not None and plan.state == SuspensionState.PROPOSED


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
    with pytest.raises(NotFound) as none:
        liftable({}, frozenset({"PTD"}))  # nothing running: 404 not_suspended
    assert none.value.code == "not_suspended"


def test_an_administrators_answer_becomes_the_strikes_outcome():
    assert AppealVerdict("uphold").outcome == AppealOutcome.UPHELD
    assert AppealVerdict("overrule").outcome == AppealOutcome.OVERRULED
