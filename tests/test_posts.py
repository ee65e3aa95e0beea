"""Contact-book posts: quota, review, delivery, strikes and suspensions (issue 5).

Appeals and the ends of suspensions: tests/test_strikes.py; the institution's book:
tests/test_institution_posts.py.
"""

import concurrent.futures
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update

from storage.models import Strike, Submission, Suspension, utcnow
from tests.conftest import BACKEND
from tests.support import files, flow
from tests.support.db import writing
from tests.support.posting import admin_of, lift, me, rejected_post, served_family


def _reject(client, reviewer, fam, post_id, code="off_topic"):
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    r = flow.claim_and_decide(client, reviewer, post_id, "reject", code)
    assert r.json() == {"status": "rejected"}, r.text


def _approved_post(client, reviewer, fam, app_id):
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert flow.claim_and_decide(client, reviewer, post_id).json() == {"status": "approved"}
    return post_id


def _submitted_days_ago(rt, post_id, days):
    with writing(rt) as session:
        session.execute(
            update(Submission)
            .where(Submission.id == post_id)
            .values(submitted_at=utcnow() - timedelta(days=days))
        )


def _submitted(rt, post_id):
    """When the post was sent, as the quota counts it."""
    with writing(rt) as session:
        return session.scalar(select(Submission.submitted_at).where(Submission.id == post_id))


def _next_allowed(refusal):
    return datetime.fromisoformat(refusal.json()["error"]["next_allowed_at"])


def test_approved_post_is_emailed_delivered_and_uses_the_quota(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    r = flow.post(client, fam, app_id)
    assert r.status_code == 202, r.text
    post_id = r.json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    queue = client.get("/review/v1/queue?kind=post", headers=reviewer).json()
    assert [i["id"] for i in queue] == [post_id]
    item = client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()
    assert item["title"] == "小明的成績單"
    assert item["files"][0]["sanitized"] is True
    assert flow.claim_and_decide(client, reviewer, post_id).json() == {"status": "approved"}
    # The family gets the email with the seed's summary
    email = mail.wait_for_subject(fam.email, "contact-book post approved")
    content = email.get_content()
    assert "審核通過" in content and "聯絡簿主旨：小明的成績單" in content
    assert "與申請對象關係：配偶" in content
    # The quota refuses the next post and says when: 30 days after this one
    again = flow.post(client, fam, app_id, title="第二則")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "quota_used"
    assert _next_allowed(again) - _submitted(rt, post_id) == timedelta(days=30)
    # The institution prints it and marks it delivered
    waiting = client.get("/review/v1/deliveries?institution=TTD", headers=reviewer).json()
    assert [p["id"] for p in waiting] == [post_id]
    assert client.post(f"/review/v1/items/{post_id}/delivered", headers=reviewer).json() == {
        "status": "delivered"
    }
    assert client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()["status"] == (
        "delivered"
    )
    assert client.get("/review/v1/deliveries", headers=reviewer).json() == []


def test_a_seven_day_policy_allows_the_next_post_seven_days_after(client, rt, mail):
    # Given an institution whose juveniles may receive a post every 7 days
    reviewer, fam, app_id = served_family(client, rt, mail, post_interval_days=7)
    post_id = _approved_post(client, reviewer, fam, app_id)
    # When the family posts again at once, it is told: 7 days after the approved one
    refused = flow.post(client, fam, app_id, title="第二則")
    assert refused.status_code == 409
    assert _next_allowed(refused) - _submitted(rt, post_id) == timedelta(days=7)
    assert "每 7 天" in refused.json()["error"]["message"]
    # …and once those 7 days are over the post is accepted
    _submitted_days_ago(rt, post_id, 7.001)
    assert flow.post(client, fam, app_id, title="第二則").status_code == 202


def test_only_one_post_may_be_in_flight(client, rt, mail):
    _, fam, app_id = served_family(client, rt, mail)
    assert flow.post(client, fam, app_id).status_code == 202
    r = flow.post(client, fam, app_id, title="再一則")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "post_in_flight"


def test_posting_needs_an_approved_application(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    r = flow.post(client, fam, app_id)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "application_not_approved"


def test_body_over_100_characters_is_refused_but_emoji_count_as_one(client, rt, mail):
    _, fam, app_id = served_family(client, rt, mail)
    r = flow.post(client, fam, app_id, body="好" * 101)
    assert r.status_code == 422
    assert "body" in r.json()["error"]["fields"]
    family_emoji = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert flow.post(client, fam, app_id, body=family_emoji * 100).status_code == 202


def test_phone_numbers_and_links_are_flagged_for_the_reviewer(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = flow.post(
        client, fam, app_id, body="打給我 0912-345-678 或看 www.example.com"
    ).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    codes = {
        f["code"]
        for f in client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()["flags"]
    }
    assert {"contains_phone_number", "contains_link"} <= codes


def test_a_rejected_post_does_not_use_the_quota_and_can_be_resubmitted(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = flow.post(client, fam, app_id).json()["id"]
    _reject(client, reviewer, fam, post_id)
    body = client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()
    assert body["status_label"] == "審核未通過"
    r = client.post(
        f"/api/v1/posts/{post_id}/attempts",
        headers=fam.headers,
        data={"application_id": app_id, "title": "改好了", "body": "小明很好。"},
        files=[("attachments", ("new.png", files.png_photo(), "image/png"))],
    )
    assert r.status_code == 202
    assert r.json()["attempt"] == 2


def test_three_rejections_suspend_until_the_admin_lifts_it_and_the_count_restarts(client, rt, mail):
    # Given the default policy: 3 rejections suspend for 30 days
    reviewer, fam, app_id = served_family(client, rt, mail)
    admin = admin_of(rt)
    for n in (1, 2):
        rejected_post(client, reviewer, fam, app_id, title=f"第{n}則")
        assert me(client, fam)["strike_count"] == n
        assert me(client, fam)["suspended_until"] is None
    # When the third post is rejected
    rejected_post(client, reviewer, fam, app_id, title="第3則")
    # Then the family is suspended, the fourth try refused with the date, one email sent
    until = me(client, fam)["suspended_until"]
    assert until is not None
    refused = flow.post(client, fam, app_id, title="第四則")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "suspended"
    assert refused.json()["error"]["until"] == until
    assert "暫停" in mail.wait_for_subject(fam.email, "posting suspended")["Subject"]
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="outbox drained")
    assert len([m for m in mail.to(fam.email) if "暫停" in m["Subject"]]) == 1
    # A reviewer cannot lift it; the administrator can
    assert lift(client, reviewer, fam).status_code == 403
    assert lift(client, admin, fam).status_code == 204
    assert me(client, fam)["suspended_until"] is None
    assert me(client, fam)["strike_count"] == 0
    # Then posting works again and the count restarted: a new rejection is 1 of 3, not 4
    rejected_post(client, reviewer, fam, app_id, title="第五則")
    assert me(client, fam)["strike_count"] == 1
    assert me(client, fam)["suspended_until"] is None
    assert flow.post(client, fam, app_id, title="第六則").status_code == 202


def test_the_rejection_email_carries_the_reason_and_the_advice(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert client.post(f"/review/v1/items/{post_id}/claim", headers=reviewer).status_code == 200
    r = client.post(
        f"/review/v1/items/{post_id}/decision",
        json={"decision": "reject", "reason_code": "off_topic", "advice": "請分享孩子的近況。"},
        headers={**reviewer, "Idempotency-Key": post_id},
    )
    assert r.status_code == 200, r.text
    content = mail.wait_for_subject(fam.email, "contact-book post not approved").get_content()
    assert "未通過原因：內容與子女照顧或家庭支持無關。" in content
    assert "審核意見：請分享孩子的近況。" in content
    assert "not about the children's care" in content
    assert "聯絡簿主旨：小明的成績單" in content


def test_automated_check_failures_never_count(client, rt, mail):
    # Given a policy where a single rejection would suspend
    reviewer, fam, app_id = served_family(client, rt, mail, strikes_to_suspend=1)
    # When a post's file fails the automated checks
    post_id = flow.post(client, fam, app_id, photo=b"<html>not a photo</html>").json()["id"]
    body = flow.wait_post(client, fam, post_id, {"needs_fix"})
    assert body["reasons"][0]["code"] == "file_type"
    # Then no reviewer sees it, no strike is recorded and the family is not suspended
    assert client.get("/review/v1/queue?kind=post", headers=reviewer).json() == []
    assert client.get("/api/v1/strikes", headers=fam.headers).json() == []
    assert me(client, fam)["strike_count"] == 0
    assert me(client, fam)["suspended_until"] is None
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(Strike)) == 0
    # …and the family fixes it and sends it again
    r = client.post(
        f"/api/v1/posts/{post_id}/attempts",
        headers=fam.headers,
        data={"application_id": app_id, "title": "改好了", "body": "小明很好。"},
        files=[("attachments", ("new.png", files.png_photo(), "image/png"))],
    )
    assert r.status_code == 202, r.text


@contextmanager
def _account_held(rt, email: str, waiters: int) -> Iterator[None]:
    """Hold the family's account row (what counting a strike locks) until `waiters` requests
    queue behind it, then let them all go: they decide at the same moment."""
    with rt.db.engine.connect() as conn:
        conn.execute(  # on SQLite this BEGIN IMMEDIATE holds the database's write lock
            text("SELECT id FROM accounts WHERE email = :e" + _for_update()), {"e": email}
        )
        yield
        if BACKEND == "production":
            flow.wait_for(lambda: _waiting_for_account(rt) >= waiters, what="both waiting")
        else:
            threading.Event().wait(1.0)  # SQLite: nothing to observe; they wait at BEGIN
        conn.commit()


def _for_update() -> str:
    return " FOR UPDATE" if BACKEND == "production" else ""


def _waiting_for_account(rt) -> int:
    """Sessions of this database blocked by a lock (ours, or a fellow waiter's on the row).
    Asked on a connection of its own: a transaction sees pg_stat_activity as it first saw it."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND cardinality(pg_blocking_pids(pid)) > 0"
    )
    with rt.db.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def test_concurrent_rejections_are_each_counted_once(client, rt, mail):
    # Given a 2-strike policy, and a family with two approved services, a post to each
    # claimed by two reviewers
    flow.institution(rt, "TTD", strikes_to_suspend=2)
    one = flow.staff(rt, "one@ttd.example", ["TTD"])
    two = flow.staff(rt, "two@ttd.example", ["TTD"])
    fam, first_app = flow.served_family(client, mail, "fam@example.com")
    second_app = flow.approved_service(rt, fam.email, callsign="7376")
    posts = [flow.post(client, fam, a).json()["id"] for a in (first_app, second_app)]
    for post_id, reviewer in zip(posts, (one, two), strict=True):
        flow.wait_post(client, fam, post_id, {"awaiting_review"})
        assert client.post(f"/review/v1/items/{post_id}/claim", headers=reviewer).is_success

    def reject(pair):
        post_id, reviewer = pair
        return client.post(
            f"/review/v1/items/{post_id}/decision",
            json={"decision": "reject", "reason_code": "off_topic"},
            headers={**reviewer, "Idempotency-Key": post_id},
        )

    # When both rejections are decided at the same moment
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        with _account_held(rt, fam.email, waiters=2):
            futures = [pool.submit(reject, pair) for pair in zip(posts, (one, two), strict=True)]
        results = [f.result() for f in futures]
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    # Then both count: the later one saw the earlier and suspended the family with both
    assert me(client, fam)["suspended_until"] is not None
    assert [s["counts"] for s in client.get("/api/v1/strikes", headers=fam.headers).json()] == [
        False,
        False,
    ]
    # When a decision is retried with the same Idempotency-Key
    retry = reject((posts[0], one))
    # Then it answers the first result and is not counted again
    assert retry.json() == {"status": "rejected"}
    assert me(client, fam)["strike_count"] == 0
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(Strike)) == 2
        assert session.scalar(select(func.count()).select_from(Suspension)) == 1


def test_a_reviewer_of_another_institution_cannot_list_or_mark_deliveries(client, rt, mail):
    # Given an approved post of TTD waiting to be delivered
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = _approved_post(client, reviewer, fam, app_id)
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "o@hld.example", ["HLD"])
    # Then HLD's reviewer neither sees it nor can mark it delivered
    assert client.get("/review/v1/deliveries?institution=TTD", headers=other).status_code == 404
    assert client.get("/review/v1/deliveries", headers=other).json() == []
    assert client.post(f"/review/v1/items/{post_id}/delivered", headers=other).status_code == 404
    assert client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()["status"] == (
        "approved"
    )
    waiting = client.get("/review/v1/deliveries", headers=reviewer).json()
    assert [p["id"] for p in waiting] == [post_id]


def test_a_reviewer_of_another_institution_cannot_see_or_decide_the_post(client, rt, mail):
    _, fam, app_id = served_family(client, rt, mail)
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "o@hld.example", ["HLD"])
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert client.get(f"/review/v1/items/{post_id}", headers=other).status_code == 404
    assert client.post(f"/review/v1/items/{post_id}/claim", headers=other).status_code == 404
    r = client.post(
        f"/review/v1/items/{post_id}/decision",
        json={"decision": "approve"},
        headers={**other, "Idempotency-Key": "x"},
    )
    assert r.status_code == 404
    assert client.get("/review/v1/queue?kind=post", headers=other).json() == []


def test_a_post_cannot_be_sent_while_the_inmate_is_under_a_restriction(client, rt, mail):
    from storage.models import Inmate

    flow.institution(rt)
    flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    with writing(rt) as session:  # the institution puts the inmate in isolation
        session.execute(update(Inmate).values(restricted_until=flow.days_from_today(30)))
    r = flow.post(client, fam, app_id)
    assert r.status_code == 409  # API.md 1.1: not_eligible, with the reason
    assert r.json()["error"]["code"] == "not_eligible"
    assert r.json()["error"]["reason"] == "inmate_restricted"
