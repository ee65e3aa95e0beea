"""Claim-next (POST /review/v1/queue/next): the oldest unclaimed item, claimed and shown in one
call, and never the same item to two reviewers, however many ask at once."""

import concurrent.futures
from datetime import timedelta

from sqlalchemy import select, update

from storage.models import Attempt, AuditEntry, Staff, Submission, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.queue import fill_queue


def _next(client, reviewer, query: str = ""):
    return client.post(f"/review/v1/queue/next{query}", headers=reviewer)


def test_claim_next_answers_the_oldest_unclaimed_items_whole_detail(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    other = flow.staff(rt, "other@ttd.example", ["TTD"])
    items = fill_queue(rt, 3)
    client.post(f"/review/v1/items/{items[0].id}/claim", headers=other)
    r = _next(client, me)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == items[1].id
    assert body["status"] == "in_review"
    assert body["family"]["name"] == items[1].family_name and body["files"]
    # It is mine now: a claim by another reviewer is refused
    taken = client.post(f"/review/v1/items/{items[1].id}/claim", headers=other)
    assert taken.json()["error"]["code"] == "claimed_by_other"
    assert _next(client, me).json()["id"] == items[2].id


def test_claim_next_is_204_when_nothing_is_left(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    fill_queue(rt, 1)
    assert _next(client, me).status_code == 200
    r = _next(client, me)
    assert r.status_code == 204 and r.content == b""


def test_claim_next_keeps_to_the_kind_and_institution_asked(client, rt):
    flow.institution(rt)
    flow.institution(rt, "HLD")
    me = flow.staff(rt, "me@ttd.example", ["TTD", "HLD"])
    fill_queue(rt, 1)
    hld = fill_queue(rt, 1, code="HLD", first=10, hours_ago=1)
    assert _next(client, me, "?kind=post").status_code == 204
    assert _next(client, me, "?institution=HLD").json()["id"] == hld[0].id
    assert _next(client, me, "?institution=XYZ").status_code == 404
    assert _next(client, me, "?kind=letter").status_code == 422


def test_ten_reviewers_at_once_never_get_the_same_item(client, rt):
    flow.institution(rt)
    reviewers = [flow.staff(rt, f"r{n}@ttd.example", ["TTD"]) for n in range(10)]
    items = fill_queue(rt, 25)

    def work_the_queue(reviewer) -> list[str]:
        got = []
        while (r := _next(client, reviewer)).status_code == 200:
            got.append(r.json()["id"])
        assert r.status_code == 204, r.text
        return got

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        claimed = list(pool.map(work_the_queue, reviewers))
    every = [item_id for got in claimed for item_id in got]
    assert len(every) == len(set(every)) == 25
    assert set(every) == {item.id for item in items}


def _lapse(rt, item_id: str, holder_email: str) -> None:
    """The item held by `holder_email`, whose lease ran out a minute ago (the sweeper not yet
    round)."""
    with writing(rt) as session:
        holder = session.scalars(select(Staff).where(Staff.email == holder_email)).one()
        session.execute(
            update(Submission)
            .where(Submission.id == item_id)
            .values(
                status="in_review",
                claimed_by=holder.id,
                lease_expires_at=utcnow() - timedelta(minutes=1),
            )
        )


def test_claim_next_takes_over_an_older_lapsed_lease_before_the_oldest_waiting_item(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    flow.staff(rt, "gone@ttd.example", ["TTD"])
    items = fill_queue(rt, 3)
    _lapse(rt, items[0].id, "gone@ttd.example")
    body = _next(client, me).json()
    assert body["id"] == items[0].id
    assert body["status"] == "in_review"
    with rt.db.session() as session:
        me_id = session.scalars(select(Staff.id).where(Staff.email == "me@ttd.example")).one()
    assert body["claimed_by"] == me_id
    assert _next(client, me).json()["id"] == items[1].id


def test_a_lapsed_lease_newer_than_the_oldest_waiting_item_waits_its_turn(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    flow.staff(rt, "gone@ttd.example", ["TTD"])
    items = fill_queue(rt, 3)
    _lapse(rt, items[1].id, "gone@ttd.example")
    assert [_next(client, me).json()["id"] for _ in range(3)] == [i.id for i in items]


def test_claim_next_moves_the_attempt_and_audits_the_claim_and_the_look(client, rt):
    flow.institution(rt)
    me = flow.staff(rt, "me@ttd.example", ["TTD"])
    [item] = fill_queue(rt, 1)
    _next(client, me)
    with rt.db.session() as session:
        attempt = session.scalars(select(Attempt).where(Attempt.submission_id == item.id)).one()
        submission = session.get(Submission, item.id)
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.submission_id == item.id).order_by(AuditEntry.id)
        ).all()
    assert attempt.status == "in_review"
    assert [e.action for e in entries] == ["claim", "view_item"]
    assert {(e.institution_id, e.account_id) for e in entries} == {
        (submission.institution_id, submission.account_id)
    }
    assert {e.actor for e in entries} == {f"staff:{submission.claimed_by}"}


def test_a_reviewer_of_several_institutions_gets_the_oldest_item_of_any(client, rt):
    flow.institution(rt)
    flow.institution(rt, "HLD")
    me = flow.staff(rt, "me@ttd.example", ["TTD", "HLD"])
    ttd = fill_queue(rt, 2, hours_ago=2)  # 2 h and 2 h - 1 min ago
    hld = fill_queue(rt, 2, code="HLD", first=10, hours_ago=3)  # 3 h and 3 h - 1 min ago
    got = [_next(client, me).json()["id"] for _ in range(4)]
    assert got == [hld[0].id, hld[1].id, ttd[0].id, ttd[1].id]
    assert _next(client, me).status_code == 204
