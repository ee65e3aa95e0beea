"""Strikes, suspensions and appeals as the family and the administrators live them (issue 5)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from storage.models import Strike, Suspension, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import (
    admin_of,
    appeal,
    decide_appeal,
    end_suspensions,
    lift,
    me,
    rejected_post,
    served_family,
    strikes_of,
)

TWO_STRIKES = {"strikes_to_suspend": 2, "suspension_months": 0, "suspension_days": 30}


def _suspended_by_two_rejections(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail, **TWO_STRIKES)
    for title in ("第一則", "第二則"):
        rejected_post(client, reviewer, fam, app_id, title=title)
    assert me(client, fam)["suspended_until"] is not None
    return reviewer, fam, app_id


def test_a_suspension_ends_by_itself_after_the_policy_period_and_the_count_starts_again(
    client, rt, mail
):
    # Given a 2-strike, 30-day policy and one rejection
    reviewer, fam, app_id = served_family(client, rt, mail, **TWO_STRIKES)
    rejected_post(client, reviewer, fam, app_id, title="第一則")
    # When the second rejection is decided
    before = utcnow()
    rejected_post(client, reviewer, fam, app_id, title="第二則")
    after = utcnow()
    # Then the family is suspended for 30 days from that decision
    until = datetime.fromisoformat(me(client, fam)["suspended_until"])
    assert before + timedelta(days=30) <= until <= after + timedelta(days=30)
    # When the 30 days have passed
    end_suspensions(rt, fam.email)
    # Then the family posts again and the count started again: one more rejection is 1 of 2
    assert me(client, fam)["suspended_until"] is None
    assert me(client, fam)["strike_count"] == 0
    rejected_post(client, reviewer, fam, app_id, title="第三則")
    assert me(client, fam)["strike_count"] == 1
    assert me(client, fam)["suspended_until"] is None


@pytest.mark.parametrize("ended", ["lifted_by_admin", "expired"])
def test_overruling_a_strike_of_an_ended_suspension_revives_none_of_its_strikes(
    client, rt, mail, ended
):
    # Given a family suspended by two rejections, and that suspension is over
    reviewer, fam, app_id = _suspended_by_two_rejections(client, rt, mail)
    admin = admin_of(rt)
    if ended == "lifted_by_admin":
        assert lift(client, admin, fam).status_code == 204
    else:
        end_suspensions(rt, fam.email)
    assert me(client, fam)["strike_count"] == 0
    # When the administrator overrules an appealed strike of that suspension
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id).status_code == 200
    r = decide_appeal(client, admin, strike_id, "overrule")
    assert r.status_code == 200, r.text
    # Then the other strike of that suspension does not count again
    assert r.json()["strike_count"] == 0
    assert me(client, fam)["strike_count"] == 0
    # …and the ended suspension is not recorded as lifted by the overrule
    with writing(rt) as session:
        reasons = session.scalars(select(Suspension.lift_reason)).all()
    assert reasons == (["lifted_by_admin"] if ended == "lifted_by_admin" else [None])
    # …so one new rejection is 1 of 2 and does not suspend
    rejected_post(client, reviewer, fam, app_id, title="第三則")
    assert me(client, fam)["strike_count"] == 1
    assert me(client, fam)["suspended_until"] is None


def test_overruling_a_strike_of_a_running_suspension_lifts_it_and_its_other_strikes_count(
    client, rt, mail
):
    # Given a family suspended by two rejections
    reviewer, fam, app_id = _suspended_by_two_rejections(client, rt, mail)
    admin = admin_of(rt)
    strike_id = strikes_of(client, fam)[1]["id"]
    assert appeal(client, fam, strike_id).status_code == 200
    # When the administrator overrules one of them while the suspension runs
    r = decide_appeal(client, admin, strike_id, "overrule")
    assert r.json()["outcome"] == "overruled"
    # Then the suspension is lifted and the other strike counts again
    assert me(client, fam)["suspended_until"] is None
    assert me(client, fam)["strike_count"] == 1
    with writing(rt) as session:
        assert session.scalars(select(Suspension.lift_reason)).all() == ["strike_overruled"]
    # …so the next rejection is the second and suspends again
    rejected_post(client, reviewer, fam, app_id, title="第三則")
    assert me(client, fam)["suspended_until"] is not None


def test_an_upheld_strike_keeps_counting_and_keeps_its_suspension(client, rt, mail):
    # Given a family suspended by two rejections that appeals one
    _, fam, _ = _suspended_by_two_rejections(client, rt, mail)
    admin = admin_of(rt)
    suspended_until = me(client, fam)["suspended_until"]
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id).status_code == 200
    # When the administrator upholds it
    r = decide_appeal(client, admin, strike_id, "uphold")
    assert r.json()["outcome"] == "upheld"
    # Then nothing changes for the family but the record, and the appeal is closed
    assert me(client, fam)["suspended_until"] == suspended_until
    assert strikes_of(client, fam)[0]["appeal_outcome"] == "upheld"
    assert client.get("/review/v1/appeals", headers=admin).json() == []
    assert decide_appeal(client, admin, strike_id, "overrule").status_code == 409


def test_a_strike_is_appealed_once(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id, "照片是孩子的畫。").status_code == 200
    again = appeal(client, fam, strike_id, "再一次")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_appealed"
    assert strikes_of(client, fam)[0]["appeal_text"] == "照片是孩子的畫。"


def test_an_appeal_after_the_policy_window_is_refused_with_its_deadline(client, rt, mail):
    # Given a 14-day appeal window and a strike decided 15 days ago (the days either side of
    # the deadline: tests/unit/test_strike_rules.py)
    days_ago, status = 15, 403
    reviewer, fam, app_id = served_family(client, rt, mail, appeal_days=14)
    rejected_post(client, reviewer, fam, app_id)
    with writing(rt) as session:
        session.execute(update(Strike).values(created_at=utcnow() - timedelta(days=days_ago)))
    # When the family appeals
    r = appeal(client, fam, strikes_of(client, fam)[0]["id"])
    # Then it is refused, with the deadline
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == "appeal_too_late"
    assert "14" in error["message"] and "14" in error["message_en"]
    assert error["deadline"] < utcnow().isoformat()


def test_a_blank_appeal_is_refused_and_uses_nothing_up(client, rt, mail):
    text = "   "  # (its length limit: tests/unit/test_strike_rules.py)
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    strike_id = strikes_of(client, fam)[0]["id"]
    r = appeal(client, fam, strike_id, text)
    assert r.status_code == 422
    error = r.json()["error"]
    assert "text" in error["fields"]
    assert error["message"].startswith("有欄位需要修正") and error["message_en"]
    # A refused appeal used nothing up: a proper one is still taken
    assert appeal(client, fam, strike_id, "好" * 200).status_code == 200


def test_a_family_cannot_appeal_another_familys_strike(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    other = flow.family(client, mail, "other@example.com", n=2)
    assert appeal(client, other, strikes_of(client, fam)[0]["id"]).status_code == 404
    assert strikes_of(client, other) == []


def test_only_an_admin_of_the_institution_whose_rejections_suspended_may_lift_it(client, rt, mail):
    # Given a family served by TTD and HLD, suspended by TTD's rejections
    _, fam, _ = _suspended_by_two_rejections(client, rt, mail)
    flow.institution(rt, "HLD")
    hld_reviewer = flow.staff(rt, "r@hld.example", ["HLD"])
    hld_app = flow.apply(client, fam, code="HLD").json()["id"]
    flow.wait_status(client, fam, hld_app, {"awaiting_review"})
    assert flow.claim_and_decide(client, hld_reviewer, hld_app).status_code == 200
    flow.institution(rt, "PTD")
    # When HLD's administrator tries to lift it: the family is theirs, the suspension is not
    r = lift(client, admin_of(rt, "HLD"), fam)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "suspension_of_other_institution"
    # …and an administrator of an institution that does not serve the family does not see it
    assert lift(client, admin_of(rt, "PTD"), fam).status_code == 404
    # Then the family is still suspended; TTD's administrator can lift it
    assert me(client, fam)["suspended_until"] is not None
    assert lift(client, admin_of(rt, "TTD"), fam).status_code == 204
    assert me(client, fam)["suspended_until"] is None


def test_an_administrator_of_another_institution_neither_sees_nor_decides_the_appeal(
    client, rt, mail
):
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id).status_code == 200
    flow.institution(rt, "HLD")
    other = admin_of(rt, "HLD")
    assert client.get("/review/v1/appeals", headers=other).json() == []
    assert decide_appeal(client, other, strike_id, "overrule").status_code == 404
    assert strikes_of(client, fam)[0]["appeal_outcome"] is None
