"""A day of triage as reviewers work it (issue 10's "done when"): two reviewers clear a queue
of 30 items with claim-next and one decision each, write notes, answer a family's phone call
by searching, and hand the approved posts on; the queue ends empty, nothing decided twice."""

from sqlalchemy import func, select

from storage.models import Decision
from tests.support import flow
from tests.support.db import writing
from tests.support.queue import fill_queue, queue_post


def _decide(client, reviewer, item, n: int):
    reject = n % 5 == 0
    reason = ("off_topic" if item["kind"] == "post" else "identity_unreadable") if reject else None
    body = {"decision": "reject" if reject else "approve", "reason_code": reason}
    return client.post(
        f"/review/v1/items/{item['id']}/decision",
        json=body,
        headers={**reviewer, "Idempotency-Key": f"day-{item['id']}"},
    )


def test_two_reviewers_clear_a_thirty_item_queue_two_calls_per_decision(client, rt):
    # Given 20 applications and 10 posts waiting, and two reviewers of the institution
    flow.institution(rt)
    reviewers = [flow.staff(rt, f"r{n}@ttd.example", ["TTD"]) for n in range(2)]
    applications = fill_queue(rt, 20)
    with writing(rt) as session:
        from storage.models import Account

        email = session.scalar(
            select(Account.email).where(Account.id == applications[0].account_id)
        )
    service = flow.approved_service(rt, email, callsign="7375")
    posts = [queue_post(rt, service, title=f"近況 {n}") for n in range(10)]
    calls, decided = 0, []
    # When they take turns: claim-next (the whole case comes with it), then decide
    while True:
        reviewer = reviewers[len(decided) % 2]
        r = client.post("/review/v1/queue/next", headers=reviewer)
        calls += 1
        if r.status_code == 204:
            break
        item = r.json()
        assert item["status"] == "in_review" and item["institution"]["code"] == "TTD"
        if item["flags"] or len(decided) % 7 == 0:
            note = {"text": f"第 {len(decided)} 件：已核對文件。"}
            assert (
                client.post(
                    f"/review/v1/items/{item['id']}/notes", headers=reviewer, json=note
                ).status_code
                == 201
            )
        decision = _decide(client, reviewer, item, len(decided))
        calls += 1
        assert decision.status_code == 200, decision.text
        decided.append(item["id"])
        if len(decided) == 15:  # a family calls about their application mid-morning
            wanted = applications[3]
            found = client.get(f"/review/v1/items?q={wanted.national_id}", headers=reviewer)
            assert [row["id"] for row in found.json()] == [wanted.id]
    # Then every item was decided once, in two calls each (the last claim-next answered 204)
    assert sorted(decided) == sorted([a.id for a in applications] + posts)
    assert calls == 2 * 30 + 1
    assert client.get("/review/v1/queue", headers=reviewers[0]).json() == []
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 30
    mine = client.get("/review/v1/items?decided_by=me&limit=200", headers=reviewers[0]).json()
    assert len(mine) == 15
    # …and the approved posts wait to be handed to the inmate, with the inmate's callsign
    approved_posts = {p for n, p in enumerate(decided) if p in posts and n % 5 != 0}
    waiting = client.get("/review/v1/deliveries", headers=reviewers[0]).json()
    assert {d["id"] for d in waiting} == approved_posts
    assert {d["inmate"]["callsign"] for d in waiting} == {"7375"}
