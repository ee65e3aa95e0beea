"""GET /review/v1/items: any item of the reviewer's institutions, decided or not, so that a
reviewer can answer a family's phone call (API.md 1.1)."""

from sqlalchemy import update

from storage.models import Submission
from tests.support import flow
from tests.support.db import writing
from tests.support.queue import fill_queue


def _ids(client, reviewer, query: str = "") -> list[str]:
    r = client.get(f"/review/v1/items{query}", headers=reviewer)
    assert r.status_code == 200, r.text
    return [row["id"] for row in r.json()]


def _decide(client, reviewer, item_id: str, decision: str = "approve", reason=None):
    r = flow.claim_and_decide(client, reviewer, item_id, decision, reason)
    assert r.status_code == 200, r.text


def test_decided_items_are_found_with_their_status_and_decision_time(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    items = fill_queue(rt, 3)
    _decide(client, me, items[0].id)
    rows = client.get(f"/review/v1/items?q={items[0].national_id}", headers=me).json()
    assert [(r["id"], r["status"]) for r in rows] == [(items[0].id, "approved")]
    assert rows[0]["decided_at"] is not None
    assert _ids(client, me, "?status=approved") == [items[0].id]
    assert _ids(client, me, "?status=awaiting_review") == [items[1].id, items[2].id]
    queue = [r["id"] for r in client.get("/review/v1/queue", headers=me).json()]
    assert queue == [items[1].id, items[2].id]


def test_decided_by_me_lists_only_my_decisions(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    other = flow.staff(rt, "other@ttd.example", ["TTD"])
    items = fill_queue(rt, 3)
    _decide(client, me, items[0].id)
    _decide(client, other, items[1].id, "reject", "identity_unreadable")
    assert _ids(client, me, "?decided_by=me") == [items[0].id]
    assert _ids(client, other, "?decided_by=me") == [items[1].id]
    assert client.get("/review/v1/items?decided_by=you", headers=me).status_code == 422


def test_from_and_to_are_days_of_submission_in_taiwan(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    old = fill_queue(rt, 1, hours_ago=24 * 10)
    new = fill_queue(rt, 1, first=5, hours_ago=1)
    old_day = flow.days_from_today(-10).isoformat()
    assert _ids(client, me, f"?from={old_day}&to={old_day}") == [old[0].id]
    assert _ids(client, me, f"?from={flow.days_from_today(-1).isoformat()}") == [new[0].id]
    assert client.get("/review/v1/items?from=yesterday", headers=me).status_code == 422


def test_a_first_attempt_the_checks_sent_back_is_not_listed(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    items = fill_queue(rt, 2)
    with writing(rt) as session:
        session.execute(
            update(Submission).where(Submission.id == items[0].id).values(status="needs_fix")
        )
    assert _ids(client, me) == [items[1].id]
    assert _ids(client, me, f"?q={items[0].id}") == []
