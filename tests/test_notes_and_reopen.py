"""Notes between staff (never shown to the family) and reopening a decided item (API.md 1.1)."""

import json

from sqlalchemy import select

from storage.models import AuditEntry
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import admin_of, me, rejected_post, served_family, strikes_of
from tests.support.queue import fill_queue
from usecases import administration as admin

SECRET = "家屬電話中情緒激動，請下次由社工回電。"


def _note(client, staff, item_id, text=SECRET):
    return client.post(f"/review/v1/items/{item_id}/notes", headers=staff, json={"text": text})


def _reopen(client, staff, item_id, reason="誤判：文件其實清楚。"):
    return client.post(f"/review/v1/items/{item_id}/reopen", headers=staff, json={"reason": reason})


def test_a_note_is_kept_with_its_author_and_shown_to_staff(client, rt):
    flow.institution(rt)
    staff = flow.bearer(admin.add_staff(rt, "lin@ttd.example", ["TTD"], "reviewer", name="林社工"))
    item = fill_queue(rt, 1)[0]
    r = _note(client, staff, item.id)
    assert r.status_code == 201, r.text
    assert r.json()["text"] == SECRET and r.json()["by"]["name"] == "林社工"
    notes = client.get(f"/review/v1/items/{item.id}", headers=staff).json()["notes"]
    assert [(n["id"], n["text"]) for n in notes] == [(r.json()["id"], SECRET)]
    with writing(rt) as session:
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.action == "note"))


def test_a_blank_note_is_422_and_another_institutions_item_404(client, rt):
    flow.institution(rt)
    flow.institution(rt, "HLD")
    staff = flow.staff(rt, "r@ttd.example", ["TTD"])
    item = fill_queue(rt, 1)[0]
    theirs = fill_queue(rt, 1, code="HLD", first=10)[0]
    assert _note(client, staff, item.id, "   ").status_code == 422
    assert _note(client, staff, theirs.id).status_code == 404


def test_a_note_is_never_in_anything_the_family_reads(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    r = flow.post(client, fam, app_id)
    post_id = r.json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert _note(client, reviewer, post_id).status_code == 201
    assert _note(client, reviewer, app_id).status_code == 201
    family_reads = [
        "/api/v1/me",
        "/api/v1/applications",
        f"/api/v1/applications/{app_id}",
        "/api/v1/posts",
        f"/api/v1/posts/{post_id}",
        "/api/v1/strikes",
        "/api/v1/institution-posts",
    ]
    for path in family_reads:
        body = client.get(path, headers=fam.headers)
        assert body.status_code == 200, path
        assert SECRET not in json.dumps(body.json(), ensure_ascii=False), path
    assert SECRET not in "".join(m.get_content() for m in mail.to(fam.email))


def test_reopening_a_rejected_post_withdraws_its_strike_and_lifts_its_suspension(client, rt, mail):
    # Given a one-strike policy: a rejected post suspends the family
    reviewer, fam, app_id = served_family(client, rt, mail, strikes_to_suspend=1)
    post_id = rejected_post(client, reviewer, fam, app_id)
    assert me(client, fam)["suspended_until"] is not None
    # When an administrator reopens it
    r = _reopen(client, admin_of(rt), post_id)
    assert r.status_code == 200 and r.json() == {"status": "awaiting_review"}, r.text
    # Then the strike is gone, the suspension lifted, the post back in the queue
    assert strikes_of(client, fam) == []
    assert me(client, fam)["strike_count"] == 0 and me(client, fam)["suspended_until"] is None
    queue = client.get("/review/v1/queue", headers=reviewer).json()
    assert [row["id"] for row in queue] == [post_id]
    family_view = client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()
    assert family_view["status"] == "awaiting_review" and family_view["reasons"] == []
    # …the reason is a note for the next reviewer, and it can be decided again
    detail = client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()
    assert "誤判" in detail["notes"][0]["text"]
    again = flow.claim_and_decide(client, reviewer, post_id, key="second-look")
    assert again.json() == {"status": "approved"}
    with writing(rt) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "reopen"))
        assert entry is not None and entry.detail["was"] == "rejected"
        assert entry.detail["strike_withdrawn"] is not None


def test_the_family_is_told_a_rejected_post_is_under_review_again(client, rt, mail):
    # Given a post rejected with a strike
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = rejected_post(client, reviewer, fam, app_id, title="小明的近況")
    mail.wait_for_subject(fam.email, "not approved")
    # When an administrator reopens it
    assert _reopen(client, admin_of(rt), post_id).status_code == 200
    # Then the family is emailed: under review again, the rejection and its strike withdrawn
    msg = mail.wait_for_subject(fam.email, "under review again")
    content = msg.get_content()
    assert "重新審核" in str(msg["Subject"])
    assert "審核中" in content and "小明的近況" in content and "測試機關 TTD" in content
    assert "審核未通過紀錄已撤銷" in content and "strike" in content
    # …in Chinese first, English beside, and without the administrator's internal reason
    assert content.index("您好") < content.index("Hello")
    assert "誤判" not in content


def test_the_family_is_told_an_approved_application_is_under_review_again(
    client, rt, mail, workers
):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "fam@example.com")
    mail.wait_for_subject(fam.email, "approved")
    assert _reopen(client, admin_of(rt), app_id).status_code == 200
    content = mail.wait_for_subject(fam.email, "under review again").get_content()
    assert "申請家庭聯絡簿服務項目" in content and "審核通過" in content
    assert "service application" in content and "strike" not in content


def test_reopening_an_approved_application_puts_it_back_in_the_queue(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    item = fill_queue(rt, 1)[0]
    flow.claim_and_decide(client, reviewer, item.id)
    assert _reopen(client, admin_of(rt), item.id).status_code == 200
    detail = client.get(f"/review/v1/items/{item.id}", headers=reviewer).json()
    assert detail["status"] == "awaiting_review" and detail["family"]["rejection_count"] == 0


def test_reopen_is_for_administrators_and_decided_items_only(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    administrator = admin_of(rt)
    items = fill_queue(rt, 2)
    flow.claim_and_decide(client, reviewer, items[0].id)
    r = _reopen(client, reviewer, items[0].id)
    assert r.status_code == 403 and r.json()["error"]["code"] == "admin_only"
    r = _reopen(client, administrator, items[1].id)  # still waiting: nothing to reopen
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_reopenable"
    assert _reopen(client, administrator, items[0].id).status_code == 200
    assert _reopen(client, administrator, items[0].id).status_code == 409
    assert _reopen(client, administrator, items[0].id, "  ").status_code == 422


def test_a_rejected_application_whose_inmate_another_family_now_holds_cannot_be_reopened(
    client, rt
):
    from sqlalchemy import update

    from storage.models import Application

    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    first, second = fill_queue(rt, 2)
    flow.claim_and_decide(client, reviewer, first.id, "reject", "identity_unreadable")
    with writing(rt) as session:  # another family applied for the freed inmate meanwhile
        inmate_id = session.get(Application, first.id).inmate_id
        session.execute(
            update(Application).where(Application.id == second.id).values(inmate_id=inmate_id)
        )
    r = _reopen(client, admin_of(rt), first.id)
    assert r.status_code == 409 and r.json()["error"]["code"] == "inmate_has_service"
    detail = client.get(f"/review/v1/items/{first.id}", headers=reviewer).json()
    assert detail["status"] == "rejected"
