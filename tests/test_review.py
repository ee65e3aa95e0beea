"""Claims, decisions, rejection with reasons, and resubmission after a rejection."""

import concurrent.futures

from tests.support import flow
from tests.support.db import writing


def _awaiting(client, rt, mail, email="a@example.com", n=1, callsign="7375"):
    fam = flow.family(client, mail, email, n=n)
    app_id = flow.apply(client, fam, callsign=callsign).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    return fam, app_id


def decide(client, reviewer, app_id, key, **body):
    body.setdefault("decision", "approve")
    return client.post(
        f"/review/v1/items/{app_id}/decision",
        json=body,
        headers={**reviewer, "Idempotency-Key": key},
    )


def test_a_second_reviewer_cannot_claim_a_claimed_item(client, rt, mail):
    flow.institution(rt)
    one = flow.staff(rt, "one@ttd.example", ["TTD"])
    two = flow.staff(rt, "two@ttd.example", ["TTD"])
    _, app_id = _awaiting(client, rt, mail)
    assert client.post(f"/review/v1/items/{app_id}/claim", headers=one).status_code == 200
    r = client.post(f"/review/v1/items/{app_id}/claim", headers=two)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "claimed_by_other"
    assert client.delete(f"/review/v1/items/{app_id}/claim", headers=one).status_code == 204
    assert client.post(f"/review/v1/items/{app_id}/claim", headers=two).status_code == 200


def test_deciding_without_a_claim_is_409_not_claimed(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    _, app_id = _awaiting(client, rt, mail)
    r = decide(client, reviewer, app_id, "k1")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_claimed"


def test_a_repeated_decision_with_the_same_key_answers_the_first_result(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    fam, app_id = _awaiting(client, rt, mail)
    client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer)
    first = decide(client, reviewer, app_id, "same-key")
    again = decide(client, reviewer, app_id, "same-key")
    assert first.status_code == again.status_code == 200
    assert again.json() == {"status": "approved"}
    other_key = decide(client, reviewer, app_id, "other-key")
    assert other_key.status_code == 409
    assert other_key.json()["error"]["code"] == "already_decided"
    # One email about the decision, not two: once the outbox is drained, that is all there is
    mail.wait_for_subject(fam.email, "service application approved")
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="outbox drained")
    assert len(mail.to(fam.email)) == 2  # the verification and the one decision


def test_double_clicks_decide_once(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    _, app_id = _awaiting(client, rt, mail)
    client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda k: decide(client, reviewer, app_id, f"click-{k}"), range(4)))
    assert sorted(r.status_code for r in results) == [200, 409, 409, 409]
    from storage.models import Decision

    with writing(rt) as session:
        assert session.query(Decision).count() == 1


def test_rejection_needs_a_reason_from_the_list(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    _, app_id = _awaiting(client, rt, mail)
    client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer)
    r = decide(client, reviewer, app_id, "k", decision="reject", reason_code="made_up")
    assert r.status_code == 422
    assert "reason_code" in r.json()["error"]["fields"]
    codes = {x["code"] for x in client.get("/review/v1/reasons", headers=reviewer).json()}
    assert "relationship_unproven" in codes


def test_rejected_family_sees_reason_gets_email_and_resubmits(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    fam, app_id = _awaiting(client, rt, mail)
    client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer)
    r = decide(
        client,
        reviewer,
        app_id,
        "k",
        decision="reject",
        reason_code="relationship_unproven",
        advice="請補上最近三個月的戶籍謄本。",
    )
    assert r.json() == {"status": "rejected"}
    body = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert body["status_label"] == "審核未通過"
    assert body["reasons"][0]["code"] == "relationship_unproven"
    assert body["reasons"][0]["advice"] == "請補上最近三個月的戶籍謄本。"
    email = mail.wait_for_subject(fam.email, "service application not approved")
    assert "審核未通過" in email.get_content()
    assert "請補上最近三個月的戶籍謄本。" in email.get_content()
    # The family fixes it and sends a new attempt; the reviewer sees the history
    r = flow.resubmit(client, fam, app_id)
    assert r.status_code == 202
    assert r.json()["attempt"] == 2
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    item = client.get(f"/review/v1/items/{app_id}", headers=reviewer).json()
    assert item["history"][0]["reason_code"] == "relationship_unproven"
    assert item["family"]["rejection_count"] == 1


def test_queue_is_oldest_first_and_stats_count_it(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    _, first = _awaiting(client, rt, mail, "a@example.com", 1, "7375")
    _, second = _awaiting(client, rt, mail, "b@example.com", 2, "7376")
    queue = client.get("/review/v1/queue", headers=reviewer).json()
    assert [i["id"] for i in queue] == [first, second]
    stats = client.get("/review/v1/stats", headers=reviewer).json()["queues"]
    assert stats[0]["queue_length"] == 2


def test_decision_requires_an_idempotency_key(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "one@ttd.example", ["TTD"])
    _, app_id = _awaiting(client, rt, mail)
    r = client.post(
        f"/review/v1/items/{app_id}/decision", json={"decision": "approve"}, headers=reviewer
    )
    assert r.status_code == 422
