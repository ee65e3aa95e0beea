"""The whole case in one item call (API.md 1.1): institution, OCR state, file URLs, earlier
attempts in full, strikes with appeals, the inmate's eligibility data, staff names."""

from datetime import timedelta

from sqlalchemy import select, update

from storage.models import Attempt, Decision, Inmate, Strike, Submission, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import admin_of, appeal, rejected_post, served_family
from tests.support.queue import fill_queue
from usecases import administration as admin


def _item(client, reviewer, item_id):
    r = client.get(f"/review/v1/items/{item_id}", headers=reviewer)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_detail_names_the_institution_the_ocr_state_and_the_inmates_dates(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    item = fill_queue(rt, 1)[0]
    with writing(rt) as session:
        session.execute(
            update(Inmate)
            .where(Inmate.callsign == item.callsign)
            .values(youngest_child_birth_date=flow.days_from_today(-3000))
        )
        session.execute(
            update(Attempt).where(Attempt.submission_id == item.id).values(ocr_done_at=utcnow())
        )
    body = _item(client, reviewer, item.id)
    assert body["institution"] == {"code": "TTD", "name": "測試機關 TTD"}
    assert body["ocr"]["state"] == "done" and body["ocr"]["done_at"] is not None
    assert body["inmate"]["youngest_child_birth_date"] == flow.days_from_today(-3000).isoformat()
    assert body["inmate"]["restricted_until"] is None
    assert body["duplicates"] == [] and body["notes"] == []


def test_every_file_has_a_download_url_that_serves_it(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    files = _item(client, reviewer, app_id)["files"]
    assert len(files) == 2
    for f in files:
        assert f["url"] == f"/review/v1/items/{app_id}/files/{f['id']}"
        r = client.get(f["url"], headers=reviewer)
        assert r.status_code == 200 and r.content


def test_history_shows_each_earlier_attempts_text_files_and_who_decided(client, rt):
    flow.institution(rt)
    token = admin.add_staff(rt, "lin@ttd.example", ["TTD"], "reviewer", name="林社工")
    reviewer = flow.bearer(token)
    item = fill_queue(rt, 1)[0]
    r = flow.claim_and_decide(client, reviewer, item.id, "reject", "identity_unreadable")
    assert r.status_code == 200, r.text
    # The family sends a second attempt (written as the upload would leave it, checked)
    with writing(rt) as session:
        session.execute(
            update(Submission)
            .where(Submission.id == item.id)
            .values(attempt=2, status="awaiting_review", decided_at=None)
        )
        session.add(
            Attempt(submission_id=item.id, number=2, status="awaiting_review", checked_at=utcnow())
        )
    body = _item(client, reviewer, item.id)
    [first] = body["history"]
    assert first["decision"] == "reject" and first["reason_code"] == "identity_unreadable"
    assert first["decided_by"]["name"] == "林社工"
    assert [f["url"].rsplit("/", 1)[1] for f in first["files"]] == [f["id"] for f in first["files"]]
    assert len(first["files"]) == 1 and first["title"] is None and first["body"] is None


def test_the_family_strikes_come_with_their_appeals(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = rejected_post(client, reviewer, fam, app_id)
    strike_id = client.get("/api/v1/strikes", headers=fam.headers).json()[0]["id"]
    assert appeal(client, fam, strike_id, "照片是孩子畫的圖。").status_code == 200
    body = _item(client, admin_of(rt), app_id)
    [strike] = body["family"]["strikes"]
    assert strike["id"] == strike_id and strike["reason_code"] == "off_topic"
    assert strike["item_id"] == post_id
    assert strike["appeal"]["text"] == "照片是孩子畫的圖。" and strike["appeal"]["outcome"] is None


def test_a_claimed_item_names_who_holds_it(client, rt):
    flow.institution(rt)
    token = admin.add_staff(rt, "chen@ttd.example", ["TTD"], "reviewer", name="陳輔導員")
    reviewer = flow.bearer(token)
    item = fill_queue(rt, 1)[0]
    client.post(f"/review/v1/items/{item.id}/claim", headers=reviewer)
    body = _item(client, reviewer, item.id)
    assert body["claimed_by_staff"] == {"id": body["claimed_by"], "name": "陳輔導員"}


def test_a_withdrawn_strike_is_not_listed(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    item = fill_queue(rt, 1)[0]
    flow.claim_and_decide(client, reviewer, item.id, "reject", "identity_unreadable")
    with writing(rt) as session:
        decision_id = session.scalar(select(Decision.id))
        session.add(
            Strike(
                account_id=item.account_id,
                submission_id=item.id,
                decision_id=decision_id,
                reason_code="off_topic",
                withdrawn_at=utcnow() - timedelta(minutes=1),
            )
        )
    assert _item(client, reviewer, item.id)["family"]["strikes"] == []
