"""Suspension as the seed says (issue 15, rule 5): 「退件累計 3 次以上，機關得暫停收容人家屬使用
權限 1 個月」 — a calendar month in Taiwan, at the institution whose staff rejected only, and
proposed to an administrator when the institution confirms each one (得: it *may*)."""

from datetime import datetime

from sqlalchemy import select

from moderation.taiwan_time import add_months_taiwan
from storage.models import Suspension
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import (
    admin_of,
    appeal,
    decide_appeal,
    lift,
    me,
    rejected_post,
    served_family,
    strikes_of,
)

TWO = {"strikes_to_suspend": 2}
PROPOSED = {"strikes_to_suspend": 2, "suspension_mode": "proposed"}


def _suspended_twice(client, rt, mail, **policy):
    reviewer, fam, app_id = served_family(client, rt, mail, **(TWO | policy))
    for title in ("第一則", "第二則"):
        rejected_post(client, reviewer, fam, app_id, title=title)
    return reviewer, fam, app_id


def _proposed(client, admin):
    return client.get("/review/v1/suspensions?state=proposed", headers=admin).json()


def test_a_suspension_lasts_one_calendar_month_in_taiwan_from_the_rejection(client, rt, mail):
    _, fam, _ = _suspended_twice(client, rt, mail)
    with writing(rt) as session:
        starts_at = session.scalar(select(Suspension.starts_at))
    until = datetime.fromisoformat(me(client, fam)["suspended_until"])
    assert until == add_months_taiwan(starts_at, 1)


def test_a_suspension_stops_posts_to_the_institution_that_rejected_only(client, rt, mail):
    # Given a family served by TTD and HLD, suspended by TTD's rejections
    flow.institution(rt, "HLD")
    _, fam, ttd_app = _suspended_twice(client, rt, mail)
    hld_app = flow.approved_service(rt, fam.email, code="HLD")
    # Then TTD refuses its posts and HLD takes them
    refused = flow.post(client, fam, ttd_app)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "suspended"
    assert flow.post(client, fam, hld_app).status_code == 202


def test_rejections_at_two_institutions_do_not_add_up(client, rt, mail):
    reviewer, fam, ttd_app = served_family(client, rt, mail, **TWO)
    flow.institution(rt, "HLD", **TWO)
    hld_reviewer = flow.staff(rt, "r@hld.example", ["HLD"])
    hld_app = flow.approved_service(rt, fam.email, code="HLD")
    rejected_post(client, reviewer, fam, ttd_app, title="臺東")
    rejected_post(client, hld_reviewer, fam, hld_app, title="花蓮")
    assert me(client, fam)["strike_count"] == 2  # the profile shows them all
    assert me(client, fam)["suspended_until"] is None  # but each institution counts its own


def test_lifting_a_suspension_that_does_not_exist_is_404_not_suspended(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    r = lift(client, admin_of(rt), fam)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_suspended"


def test_lifting_a_suspension_emails_the_family(client, rt, mail):
    _, fam, app_id = _suspended_twice(client, rt, mail)
    assert lift(client, admin_of(rt), fam).status_code == 204
    content = mail.wait_for_subject(fam.email, "suspension lifted").get_content()
    assert "已解除" in content and "測試機關 TTD" in content
    assert flow.post(client, fam, app_id).status_code == 202


def test_in_proposed_mode_the_threshold_waits_for_an_administrator(client, rt, mail):
    _, fam, app_id = _suspended_twice(client, rt, mail, **PROPOSED)
    admin = admin_of(rt)
    # Then the family is not suspended yet and may still post
    assert me(client, fam)["suspended_until"] is None
    proposed = _proposed(client, admin)
    assert [(p["state"], p["strikes"]) for p in proposed] == [("proposed", 2)]
    assert flow.post(client, fam, app_id).status_code == 202


def test_an_administrator_confirms_a_proposed_suspension(client, rt, mail):
    _, fam, app_id = _suspended_twice(client, rt, mail, **PROPOSED)
    admin = admin_of(rt)
    suspension_id = _proposed(client, admin)[0]["id"]
    r = client.post(f"/review/v1/suspensions/{suspension_id}/confirm", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "active"
    # Then it runs a calendar month from the confirmation, and the family is told
    until = datetime.fromisoformat(me(client, fam)["suspended_until"])
    assert until == add_months_taiwan(datetime.fromisoformat(r.json()["starts_at"]), 1)
    assert flow.post(client, fam, app_id).status_code == 403
    assert "暫停" in mail.wait_for_subject(fam.email, "posting suspended")["Subject"]
    again = client.post(f"/review/v1/suspensions/{suspension_id}/confirm", headers=admin)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "suspension_not_proposed"
    # The confirmation is in the institution's audit log, once.
    audit = client.get("/review/v1/audit?action=confirm_suspension", headers=admin).json()
    assert [e["detail"]["suspension_id"] for e in audit] == [suspension_id]


def test_a_dismissed_proposal_suspends_nobody_and_its_strikes_stay_used(client, rt, mail):
    reviewer, fam, app_id = _suspended_twice(client, rt, mail, **PROPOSED)
    admin = admin_of(rt)
    suspension_id = _proposed(client, admin)[0]["id"]
    r = client.post(f"/review/v1/suspensions/{suspension_id}/dismiss", headers=admin)
    assert r.json()["state"] == "dismissed"
    assert _proposed(client, admin) == []
    audit = client.get("/review/v1/audit?action=dismiss_suspension", headers=admin).json()
    assert [e["detail"]["suspension_id"] for e in audit] == [suspension_id]
    rejected_post(client, reviewer, fam, app_id, title="第三則")
    assert me(client, fam)["strike_count"] == 1
    assert _proposed(client, admin) == []


def test_a_reviewer_neither_lists_nor_confirms_proposed_suspensions(client, rt, mail):
    reviewer, _, _ = _suspended_twice(client, rt, mail, **PROPOSED)
    suspension_id = _proposed(client, admin_of(rt))[0]["id"]
    assert client.get("/review/v1/suspensions", headers=reviewer).status_code == 403
    r = client.post(f"/review/v1/suspensions/{suspension_id}/confirm", headers=reviewer)
    assert r.status_code == 403


def test_another_institutions_administrator_cannot_confirm_a_proposal(client, rt, mail):
    _suspended_twice(client, rt, mail, **PROPOSED)
    suspension_id = _proposed(client, admin_of(rt))[0]["id"]
    flow.institution(rt, "HLD")
    other = admin_of(rt, "HLD")
    assert _proposed(client, other) == []
    r = client.post(f"/review/v1/suspensions/{suspension_id}/confirm", headers=other)
    assert r.status_code == 404


def test_the_family_is_emailed_the_outcome_of_its_appeal(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id, title="小明的畫")
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id).status_code == 200
    assert decide_appeal(client, admin_of(rt), strike_id, "uphold").status_code == 200
    content = mail.wait_for_subject(fam.email, "appeal decided").get_content()
    assert "申訴未成立" in content and "「小明的畫」" in content


def test_the_suspensions_list_is_paged_through_the_link_header(client, rt, mail):
    from datetime import timedelta

    from storage.models import Institution, utcnow
    from tests.test_paging import _walk

    _, fam, _ = served_family(client, rt, mail)
    account_id = me(client, fam)["id"]
    with writing(rt) as session:
        ttd = session.scalar(select(Institution.id).where(Institution.code == "TTD"))
        for hours in (3, 2, 1):
            at = utcnow() - timedelta(hours=hours)
            session.add(
                Suspension(account_id=account_id, institution_id=ttd, state="proposed",
                           starts_at=at, until=add_months_taiwan(at, 1))
            )  # fmt: skip
    pages = _walk(client, "/review/v1/suspensions?state=proposed&limit=2", admin_of(rt))
    assert [len(p) for p in pages] == [2, 1]
