"""The queue as reviewers triage it: what its rows say, filters, search, sort (API.md 1.1)."""

from datetime import timedelta

from sqlalchemy import select, update

from storage.models import Attempt, Submission, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.queue import fill_queue, queue_post

PHONE = {"code": "contains_phone_number", "message": "電話", "message_en": "A phone number."}
LINK = {"code": "contains_link", "message": "網址", "message_en": "A link."}


def _ids(client, reviewer, query: str = "") -> list[str]:
    r = client.get(f"/review/v1/queue{query}", headers=reviewer)
    assert r.status_code == 200, r.text
    return [row["id"] for row in r.json()]


def _setup(client, rt, count=3):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    return reviewer, fill_queue(rt, count)


def test_a_queue_row_carries_family_inmate_title_attempt_and_ocr_state(client, rt):
    reviewer, items = _setup(client, rt, 1)
    row = client.get("/review/v1/queue", headers=reviewer).json()[0]
    assert row["family_name"] == items[0].family_name
    assert row["inmate"] == {"callsign": items[0].callsign, "name": "收容人0"}
    assert (row["title"], row["attempt"], row["ocr_state"]) == (None, 1, "pending")
    assert row["claimed_by"] is None and row["claimed_by_staff"] is None


def test_a_claimed_row_names_the_reviewer_holding_it(client, rt):
    flow.institution(rt)
    from usecases import administration as admin

    token = admin.add_staff(rt, "lin@ttd.example", ["TTD"], "reviewer", name="林社工")
    reviewer = flow.bearer(token)
    item = fill_queue(rt, 1)[0]
    client.post(f"/review/v1/items/{item.id}/claim", headers=reviewer)
    row = client.get("/review/v1/queue", headers=reviewer).json()[0]
    assert row["claimed_by_staff"] == {"id": row["claimed_by"], "name": "林社工"}


def test_claimed_filters_mine_unclaimed_and_others(client, rt):
    reviewer, items = _setup(client, rt, 3)
    other = flow.staff(rt, "o@ttd.example", ["TTD"])
    client.post(f"/review/v1/items/{items[0].id}/claim", headers=reviewer)
    client.post(f"/review/v1/items/{items[1].id}/claim", headers=other)
    assert _ids(client, reviewer, "?claimed=mine") == [items[0].id]
    assert _ids(client, reviewer, "?claimed=others") == [items[1].id]
    assert _ids(client, reviewer, "?claimed=unclaimed") == [items[2].id]
    assert client.get("/review/v1/queue?claimed=nobody", headers=reviewer).status_code == 422


def test_flag_filter_is_repeatable_and_takes_any_of_them(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    phone = fill_queue(rt, 1, flags=[PHONE])
    link = fill_queue(rt, 1, first=10, flags=[LINK], hours_ago=40)
    fill_queue(rt, 1, first=20, hours_ago=30)
    assert _ids(client, reviewer, "?flag=contains_phone_number") == [phone[0].id]
    both = "?flag=contains_phone_number&flag=contains_link"
    assert _ids(client, reviewer, both) == [phone[0].id, link[0].id]
    assert client.get("/review/v1/queue?flag=rude", headers=reviewer).status_code == 422


def test_flag_filter_follows_flags_a_worker_sets_later(client, rt):
    """The filter reads the flag index (`attempt_flags`), which follows `Attempt.flags` as the
    OCR workers rewrite it: a flag added is found, a flag taken away is not."""
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    item = fill_queue(rt, 1, flags=[PHONE])[0]
    with writing(rt) as session:
        attempt = session.scalar(select(Attempt).where(Attempt.submission_id == item.id))
        attempt.flags = [LINK, LINK]  # the phone number was a misreading; a link twice
    assert _ids(client, reviewer, "?flag=contains_phone_number") == []
    assert _ids(client, reviewer, "?flag=contains_link") == [item.id]


def test_min_attempt_keeps_resubmitted_items(client, rt):
    reviewer, items = _setup(client, rt, 2)
    with writing(rt) as session:
        session.execute(update(Submission).where(Submission.id == items[1].id).values(attempt=2))
        session.execute(
            update(Attempt).where(Attempt.submission_id == items[1].id).values(number=2)
        )
    assert _ids(client, reviewer, "?min_attempt=2") == [items[1].id]


def test_older_than_hours_keeps_items_waiting_longer(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    old = fill_queue(rt, 1, hours_ago=30)
    fill_queue(rt, 1, first=5, hours_ago=2)
    assert _ids(client, reviewer, "?older_than_hours=24") == [old[0].id]


def test_ocr_state_is_shown_and_filtered(client, rt):
    reviewer, items = _setup(client, rt, 4)
    now = utcnow()
    gave_up = [{"code": "ocr_gave_up", "message": "放棄", "message_en": "Gave up."}]
    states = {
        items[1].id: {"ocr_started_at": now},  # running
        items[2].id: {"ocr_started_at": now, "ocr_done_at": now},  # done
        items[3].id: {"ocr_started_at": now, "ocr_done_at": now, "flags": gave_up},
    }
    with writing(rt) as session:
        for item_id, values in states.items():
            # Through the ORM, as the OCR workers write them: the flag index follows.
            attempt = session.scalar(select(Attempt).where(Attempt.submission_id == item_id))
            for name, value in values.items():
                setattr(attempt, name, value)
        # A claim nobody renewed for hours is no longer running: pending again
        session.execute(
            update(Attempt)
            .where(Attempt.submission_id == items[0].id)
            .values(ocr_started_at=now - timedelta(hours=3))
        )
    rows = client.get("/review/v1/queue", headers=reviewer).json()
    assert [r["ocr_state"] for r in rows] == ["pending", "running", "done", "gave_up"]
    for n, state in enumerate(["pending", "running", "done", "gave_up"]):
        assert _ids(client, reviewer, f"?ocr_state={state}") == [items[n].id]


def test_search_by_family_name_prefix_national_id_callsign_and_item_id(client, rt):
    reviewer, items = _setup(client, rt, 12)
    target = items[11]
    assert _ids(client, reviewer, "?q=家屬011") == [target.id]
    assert _ids(client, reviewer, "?q=家屬01") == [i.id for i in items[10:12]]
    assert _ids(client, reviewer, f"?q={target.national_id.lower()}") == [target.id]
    assert _ids(client, reviewer, f"?q={target.callsign}") == [target.id]
    assert _ids(client, reviewer, f"?q={target.id}") == [target.id]
    assert _ids(client, reviewer, "?q=陳") == []
    assert _ids(client, reviewer, "?q=%25") == []  # a LIKE wildcard is searched as itself


def test_search_by_callsign_finds_the_posts_under_the_inmates_service(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fill_queue(rt, 2)
    with writing(rt) as session:
        from sqlalchemy import select

        from storage.models import Account

        email = session.scalar(select(Account.email).limit(1))
    service = flow.approved_service(rt, email, callsign="7376")
    post_id = queue_post(rt, service)
    assert _ids(client, reviewer, "?q=7376") == [post_id]
    row = client.get("/review/v1/queue?q=7376", headers=reviewer).json()[0]
    assert row["inmate"] == {"callsign": "7376", "name": "陳志強"}
    assert row["title"] == "小明的成績單"


def test_sort_newest_reverses_the_queue_and_pages_the_same_way(client, rt):
    reviewer, items = _setup(client, rt, 5)
    first = client.get("/review/v1/queue?sort=newest&limit=3", headers=reviewer)
    assert [r["id"] for r in first.json()] == [i.id for i in reversed(items[2:])]
    rest = client.get(first.headers["link"].split(">")[0][1:], headers=reviewer)
    assert [r["id"] for r in rest.json()] == [items[1].id, items[0].id]
    # A cursor of the oldest-first order is refused by the newest-first one
    oldest = client.get("/review/v1/queue?limit=1", headers=reviewer).headers["link"]
    cursor = oldest.split("cursor=")[1].split(">")[0]
    r = client.get(f"/review/v1/queue?sort=newest&cursor={cursor}", headers=reviewer)
    assert r.status_code == 422


def test_another_institutions_items_are_neither_listed_nor_searchable(client, rt):
    reviewer, items = _setup(client, rt, 1)
    flow.institution(rt, "HLD")
    theirs = fill_queue(rt, 1, code="HLD", first=50)
    assert _ids(client, reviewer) == [items[0].id]
    assert _ids(client, reviewer, f"?q={theirs[0].callsign}") == []
    assert _ids(client, reviewer, f"?q={theirs[0].id}") == []
