"""Wording per the seeds (issue 15, rules 7–9): the emails' subjects and sentences, 審核通過
for a delivered post with its date beside it, the post view naming the inmate and the
relationship, the token-expiry minutes as configured, the emails the family is owed, and the
institution's contact window in refusals that say 「請洽機關」."""

from datetime import timedelta

from sqlalchemy import update

from moderation.institutions import Contact
from storage.models import EmailToken, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import rejected_post, served_family
from usecases import administration as admin

CONTACTS = [Contact("李社工師", "社工師", "(089) 581-014", "119")]


def test_the_verification_email_is_the_portals_registration_notice(client, rt, mail):
    client.post("/api/v1/accounts", json=flow.registration("a@example.com"))
    email = mail.wait_for("a@example.com")[0]
    assert str(email["Subject"]).startswith("便民服務入口網註冊通知")
    assert "您於【便民服務入口網】註冊帳號成功，請點選下方連結進行帳號驗證。" in email.get_content()


def test_the_approval_email_says_the_seeds_sentence_with_one_contact_book(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, _ = flow.approved_family(client, mail, reviewer, "a@example.com")
    email = mail.wait_for_subject(fam.email, "service application approved")
    assert str(email["Subject"]).startswith("遠距接見入口網家庭聯絡簿審核結果通知")
    sentence = email.get_content().splitlines()[1]
    assert sentence == "您於【便民服務入口網】申請家庭聯絡簿服務項目審核結果為「審核通過」。"


def test_a_rejection_email_has_no_double_full_stop_in_english(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    content = mail.wait_for_subject(fam.email, "post not approved").get_content()
    assert "Reason: " in content
    assert ".." not in content and "。。" not in content


def test_a_delivered_post_still_reads_approved_with_its_delivery_date(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    flow.claim_and_decide(client, reviewer, post_id)
    client.post(f"/review/v1/items/{post_id}/delivered", headers=reviewer)
    view = client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()
    assert (view["status"], view["status_label"]) == ("delivered", "審核通過")
    assert view["delivered_at"] is not None


def test_the_post_view_names_the_inmate_masked_and_the_relationship(client, rt, mail):
    _, fam, app_id = served_family(client, rt, mail)
    post_id = flow.post(client, fam, app_id).json()["id"]
    view = client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()
    assert view["inmate"] == {"callsign": "7375", "masked_name": "王○○"}
    assert (view["relationship"], view["relationship_label"]) == ("spouse", "配偶")


def test_the_token_expiry_message_says_the_configured_minutes(client, rt, mail):
    client.post("/api/v1/accounts", json=flow.registration("a@example.com"))
    token = flow.token_from(mail, "a@example.com")
    with writing(rt) as session:
        session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    r = client.post("/api/v1/accounts/verify", json={"token": token})
    assert r.status_code == 410
    minutes = rt.settings.verify_token_minutes
    assert f"{minutes} 分鐘" in r.json()["error"]["message"]
    assert f"{minutes} minutes" in r.json()["error"]["message_en"]


def test_a_submission_sent_back_by_the_checks_emails_what_to_fix(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    html = ("identity_documents", ("id.jpg", b"<html>not a photo</html>", "image/jpeg"))
    app_id = flow.apply(client, fam, files_=[html, *flow.application_files()[1:]]).json()["id"]
    reason = flow.wait_status(client, fam, app_id, {"needs_fix"})["reasons"][0]
    content = mail.wait_for_subject(fam.email, "needs fixing").get_content()
    assert "待補件" in mail.wait_for_subject(fam.email, "needs fixing")["Subject"]
    assert reason["message"] in content
    assert "這不算審核未通過" in content


def test_institutions_show_their_contact_window(client, rt, mail):
    admin.add_institution(rt, "TTD", "臺東戒治所", contacts=CONTACTS)
    rows = client.get("/api/v1/institutions").json()
    assert rows[0]["contacts"] == [
        {"name": "李社工師", "title": "社工師", "phone": "(089) 581-014", "extension": "119"}
    ]


def test_a_refusal_that_says_ask_the_institution_names_its_contacts(client, rt, mail):
    flow.institution(rt)
    admin.add_institution(rt, "TTD", "測試機關 TTD", contacts=CONTACTS)
    first = flow.family(client, mail, "a@example.com", n=1)
    second = flow.family(client, mail, "b@example.com", n=2)
    assert flow.apply(client, first).status_code == 202
    error = flow.apply(client, second).json()["error"]
    assert "請洽機關" in error["message"]
    assert error["contacts"][0]["extension"] == "119"


def test_the_service_ended_email_names_the_contact_window(client, rt, mail):
    flow.institution(rt)
    admin.add_institution(rt, "TTD", "測試機關 TTD", contacts=CONTACTS)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    end = {"reason": "transferred"}
    assert client.post(f"/review/v1/services/{app_id}/end", headers=reviewer, json=end).is_success
    content = mail.wait_for_subject(fam.email, "service ended").get_content()
    assert "聯繫窗口：李社工師，電話 (089) 581-014 分機 119。" in content
    assert "Contact: 李社工師 (社工師), (089) 581-014 ext. 119." in content
