"""Registration, verification and login (SPEC: Accounts)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from storage.models import EmailToken, utcnow
from tests.support import flow
from tests.support.db import writing

BAD_FIELDS = [
    ("name", ""),
    ("national_id", "A123456788"),  # check digit wrong
    ("national_id", "1234567890"),
    ("email", "not-an-email"),
    ("birth_date", "2999-01-01"),
    ("birth_date", "03/02/1985"),
    ("mobile", "12345"),
    ("phone", "abc"),
    ("password", "short"),
    ("password_confirm", "a different secret"),  # the password typed twice must agree
    ("consent", False),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_each_wrong_registration_field_is_named_in_a_422(client, field, value):
    body = flow.registration("a@example.com")
    body[field] = value
    r = client.post("/api/v1/accounts", json=body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert set(error["fields"]) == {field}
    assert error["message"] and error["message_en"]


def test_a_missing_field_is_named(client):
    body = flow.registration("a@example.com")
    del body["national_id"]
    r = client.post("/api/v1/accounts", json=body)
    assert r.status_code == 422
    assert "national_id" in r.json()["error"]["fields"]


def test_email_is_unique_regardless_of_case(client):
    assert (
        client.post("/api/v1/accounts", json=flow.registration("Dad@Example.com")).status_code
        == 201
    )
    r = client.post("/api/v1/accounts", json=flow.registration("dad@EXAMPLE.com", n=2))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "email_taken"


def test_consent_is_stored_with_notice_version_and_time(client, mail, rt):
    fam = flow.family(client, mail, "c@example.com")
    me = client.get("/api/v1/me", headers=fam.headers).json()
    assert me["consent_version"] == client.get("/api/v1/notices/personal-data").json()["version"]
    assert me["consented_at"]


def test_unverified_account_cannot_log_in(client):
    client.post("/api/v1/accounts", json=flow.registration("u@example.com"))
    r = client.post("/api/v1/sessions", json={"email": "u@example.com", "password": flow.PASSWORD})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "email_unverified"


def test_verification_token_works_once(client, mail):
    client.post("/api/v1/accounts", json=flow.registration("o@example.com"))
    token = flow.token_from(mail, "o@example.com")
    assert client.post("/api/v1/accounts/verify", json={"token": token}).status_code == 200
    again = client.post("/api/v1/accounts/verify", json={"token": token})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "token_invalid"


def test_expired_verification_token_is_refused_with_410(client, mail, rt):
    client.post("/api/v1/accounts", json=flow.registration("e@example.com"))
    token = flow.token_from(mail, "e@example.com")
    with writing(rt) as session:
        session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    r = client.post("/api/v1/accounts/verify", json={"token": token})
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "token_expired"


def test_verification_link_expires_after_ten_minutes(client, mail, rt):
    client.post("/api/v1/accounts", json=flow.registration("t@example.com"))
    flow.token_from(mail, "t@example.com")
    with writing(rt) as session:
        row = session.query(EmailToken).one()
        assert timedelta(minutes=9) < row.expires_at - utcnow() <= timedelta(minutes=10)


def test_resend_retires_the_old_link_and_never_reveals_accounts(client, mail):
    client.post("/api/v1/accounts", json=flow.registration("r@example.com"))
    first = flow.token_from(mail, "r@example.com")
    assert (
        client.post("/api/v1/accounts/verify/resend", json={"email": "R@example.com"}).status_code
        == 202
    )
    second = flow.token_from(mail, "r@example.com", count=2)
    assert (
        client.post(
            "/api/v1/accounts/verify/resend", json={"email": "nobody@example.com"}
        ).status_code
        == 202
    )
    assert client.post("/api/v1/accounts/verify", json={"token": first}).status_code == 400
    assert client.post("/api/v1/accounts/verify", json={"token": second}).status_code == 200


def test_wrong_password_is_401_and_repeated_failures_are_throttled(client, mail, rt):
    flow.family(client, mail, "p@example.com")
    for _ in range(rt.settings.login_max_failures):
        r = client.post("/api/v1/sessions", json={"email": "p@example.com", "password": "wrong!!!"})
        assert r.status_code == 401
    r = client.post("/api/v1/sessions", json={"email": "p@example.com", "password": flow.PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0


def test_login_token_has_an_expiry(client, mail):
    flow.family(client, mail, "x@example.com")
    r = client.post("/api/v1/sessions", json={"email": "x@example.com", "password": flow.PASSWORD})
    assert r.json()["expires_at"] > utcnow().isoformat()


def test_only_mobile_and_phone_may_change(client, mail):
    fam = flow.family(client, mail, "m@example.com")
    ok = client.patch("/api/v1/me", headers=fam.headers, json={"mobile": "0987654321"})
    assert ok.status_code == 200
    assert ok.json()["mobile"] == "0987654321"
    r = client.patch("/api/v1/me", headers=fam.headers, json={"name": "別人"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "field_not_changeable"
    assert client.get("/api/v1/me", headers=fam.headers).json()["name"] == "王小明"


def test_password_is_stored_as_an_argon2_hash(client, rt):
    client.post("/api/v1/accounts", json=flow.registration("h@example.com"))
    from storage.models import Account

    with writing(rt) as session:
        stored = session.query(Account).one().password_hash
    assert stored.startswith("$argon2")
    assert flow.PASSWORD not in stored


def test_without_smtp_each_email_is_a_readable_eml_file(client, rt, workers):
    smtp_url, rt.settings.smtp_url = rt.settings.smtp_url, ""
    try:
        client.post("/api/v1/accounts", json=flow.registration("eml@example.com"))
        files = flow.wait_for(lambda: sorted(rt.settings.mail_dir.glob("*.eml")), what="an .eml")
    finally:
        rt.settings.smtp_url = smtp_url
    text = files[0].read_text(encoding="utf-8")
    assert "To: eml@example.com" in text
    assert "請點選下方連結進行帳號驗證" in text  # readable, not base64
    assert "/verify-email?token=" in text


def test_unknown_emails_are_throttled_alike_so_logins_reveal_no_accounts(client, mail, rt):
    flow.family(client, mail, "known@example.com")
    answers = {}
    for email in ("known@example.com", "stranger@example.com"):
        codes = [
            client.post("/api/v1/sessions", json={"email": email, "password": "wrong!!!"})
            for _ in range(rt.settings.login_max_failures + 1)
        ]
        answers[email] = [(r.status_code, r.json()["error"]["code"]) for r in codes]
    assert answers["known@example.com"] == answers["stranger@example.com"]
    assert answers["stranger@example.com"][-1] == (429, "too_many_attempts")


def test_opening_the_email_link_asks_before_it_uses_the_token(client, mail):
    # Given the link from the verification email
    client.post("/api/v1/accounts", json=flow.registration("link@example.com"))
    token = flow.token_from(mail, "link@example.com")
    # When it is opened (as a mail scanner would), it only shows a button
    page = client.get(f"/verify-email?token={token}")
    assert page.status_code == 200
    assert "完成帳號驗證" in page.text and 'method="post"' in page.text
    assert client.get(f"/verify-email?token={token}").status_code == 200  # still unused
    # Then pressing the button verifies the account, once
    done = client.post("/verify-email", data={"token": token})
    assert done.status_code == 200 and "驗證完成" in done.text
    assert client.post("/verify-email", data={"token": token}).status_code == 400
    login = {"email": "link@example.com", "password": flow.PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 201
