"""Contact-book posts: quota, review, delivery, strikes, suspensions and appeals (issue 5)."""

import concurrent.futures

from storage.models import Strike, utcnow
from tests.support import files, flow


def _setup(client, rt, mail, **policy):
    flow.institution(rt, "TTD", **policy)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "fam@example.com")
    return reviewer, fam, app_id


def _reject(client, reviewer, fam, post_id, code="off_topic"):
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    r = flow.claim_and_decide(client, reviewer, post_id, "reject", code)
    assert r.json() == {"status": "rejected"}, r.text


def test_approved_post_is_emailed_delivered_and_uses_the_quota(client, rt, mail):
    reviewer, fam, app_id = _setup(client, rt, mail)
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
    # The quota refuses the next post and says when
    again = flow.post(client, fam, app_id, title="第二則")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "quota_used"
    assert again.json()["error"]["next_allowed_at"] > utcnow().isoformat()
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


def test_only_one_post_may_be_in_flight(client, rt, mail):
    _, fam, app_id = _setup(client, rt, mail)
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
    _, fam, app_id = _setup(client, rt, mail)
    r = flow.post(client, fam, app_id, body="好" * 101)
    assert r.status_code == 422
    assert "body" in r.json()["error"]["fields"]
    family_emoji = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert flow.post(client, fam, app_id, body=family_emoji * 100).status_code == 202


def test_phone_numbers_and_links_are_flagged_for_the_reviewer(client, rt, mail):
    reviewer, fam, app_id = _setup(client, rt, mail)
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
    reviewer, fam, app_id = _setup(client, rt, mail)
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


def test_three_rejections_suspend_until_the_admin_lifts_it(client, rt, mail):
    reviewer, fam, app_id = _setup(client, rt, mail, strikes_to_suspend=3, suspension_days=30)
    admin = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    for i in range(3):
        post_id = flow.post(client, fam, app_id, title=f"第{i + 1}則").json()["id"]
        _reject(client, reviewer, fam, post_id)
    me = client.get("/api/v1/me", headers=fam.headers).json()
    assert me["suspended_until"] is not None
    refused = flow.post(client, fam, app_id, title="第四則")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "suspended"
    assert refused.json()["error"]["until"] == me["suspended_until"]
    assert "暫停" in mail.wait_for_subject(fam.email, "posting suspended")["Subject"]
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="outbox drained")
    assert [m for m in mail.to(fam.email) if "暫停" in m["Subject"]] != [] == [
        m for m in mail.to(fam.email) if "暫停" in m["Subject"]
    ][1:]
    # A reviewer cannot lift it; the administrator can, and the count starts again
    assert (
        client.delete(f"/review/v1/accounts/{me['id']}/suspension", headers=reviewer).status_code
        == 403
    )
    assert (
        client.delete(f"/review/v1/accounts/{me['id']}/suspension", headers=admin).status_code
        == 204
    )
    me = client.get("/api/v1/me", headers=fam.headers).json()
    assert me["suspended_until"] is None
    assert me["strike_count"] == 0
    assert flow.post(client, fam, app_id, title="第五則").status_code == 202


def test_automated_check_failures_never_count(client, rt, mail):
    _, fam, app_id = _setup(client, rt, mail, strikes_to_suspend=1)
    post_id = flow.post(client, fam, app_id, photo=b"<html>not a photo</html>").json()["id"]
    flow.wait_post(client, fam, post_id, {"needs_fix"})
    assert client.get("/api/v1/me", headers=fam.headers).json()["strike_count"] == 0


def test_concurrent_rejections_are_each_counted_once(client, rt, mail):
    flow.institution(rt, "TTD", strikes_to_suspend=2)
    one = flow.staff(rt, "one@ttd.example", ["TTD"])
    two = flow.staff(rt, "two@ttd.example", ["TTD"])
    fam, first_app = flow.approved_family(client, mail, one, "fam@example.com")
    second_app = flow.apply(client, fam, callsign="7376").json()["id"]
    flow.wait_status(client, fam, second_app, {"awaiting_review"})
    flow.claim_and_decide(client, one, second_app)
    posts = [flow.post(client, fam, a).json()["id"] for a in (first_app, second_app)]
    for post_id, reviewer in zip(posts, (one, two), strict=True):
        flow.wait_post(client, fam, post_id, {"awaiting_review"})
        client.post(f"/review/v1/items/{post_id}/claim", headers=reviewer)

    def reject(pair):
        post_id, reviewer = pair
        return client.post(
            f"/review/v1/items/{post_id}/decision",
            json={"decision": "reject", "reason_code": "off_topic"},
            headers={**reviewer, "Idempotency-Key": post_id},
        )

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(reject, zip(posts, (one, two), strict=True)))
    assert [r.status_code for r in results] == [200, 200]
    # A retried decision is not counted again
    assert reject((posts[0], one)).status_code == 200
    with rt.db.session() as session:
        assert session.query(Strike).count() == 2
        assert session.query(Strike).filter(Strike.suspension_id.is_not(None)).count() == 2
    assert client.get("/api/v1/me", headers=fam.headers).json()["suspended_until"] is not None


def test_a_reviewer_of_another_institution_cannot_see_or_decide_the_post(client, rt, mail):
    _, fam, app_id = _setup(client, rt, mail)
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


def test_the_institution_publishes_to_the_familys_book(client, rt, mail):
    reviewer, fam, app_id = _setup(client, rt, mail)
    r = client.post(
        "/review/v1/institution-posts",
        headers=reviewer,
        data={
            "application_id": app_id,
            "title": "爸爸的信",
            "body": "這是爸爸這個月寫給孩子的信。",
        },
        files=[("files", ("letter.pdf", files.household_pdf(), "application/pdf"))],
    )
    assert r.status_code == 201, r.text
    entries = client.get("/api/v1/institution-posts", headers=fam.headers).json()
    assert [e["title"] for e in entries] == ["爸爸的信"]
    file_id = entries[0]["files"][0]["id"]
    got = client.get(
        f"/api/v1/institution-posts/{entries[0]['id']}/files/{file_id}", headers=fam.headers
    )
    assert got.status_code == 200
    assert got.content.startswith(b"%PDF")
    assert mail.wait_for_subject(fam.email, "機關聯絡簿")


def test_a_post_cannot_be_sent_while_the_inmate_is_under_a_restriction(client, rt, mail):
    from storage.models import Inmate

    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "a@example.com")
    with rt.db.session() as session:  # the institution puts the inmate in isolation
        session.execute(update(Inmate).values(restricted_until=flow.days_from_today(30)))
    r = flow.post(client, fam, app_id)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "inmate_restricted"
