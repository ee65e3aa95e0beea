"""Log out, forgot password, change password (API 1.1: family account lifecycle)."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from storage.models import PasswordResetToken, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.mail import MailSink

NEW_PASSWORD = "a brand new secret"


def _login(client, email, password=flow.PASSWORD):
    return client.post("/api/v1/sessions", json={"email": email, "password": password})


def _reset_token(mail: MailSink, address: str) -> str:
    msg = mail.wait_for_subject(address, "重設密碼")
    match = re.search(r"/reset-password\?token=([A-Za-z0-9_\-]+)", msg.get_content())
    assert match, msg.get_content()
    return match.group(1)


def _confirm(client, token, password=NEW_PASSWORD):
    return client.post(
        "/api/v1/accounts/password-reset/confirm", json={"token": token, "password": password}
    )


def test_logging_out_stops_the_token_at_once(client, mail):
    fam = flow.family(client, mail, "out@example.com")
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 200
    assert client.delete("/api/v1/sessions/current", headers=fam.headers).status_code == 204
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 401
    assert client.delete("/api/v1/sessions/current", headers=fam.headers).status_code == 401


def test_logging_out_leaves_the_other_sessions(client, mail):
    fam = flow.family(client, mail, "two@example.com")
    other = flow.bearer(_login(client, "two@example.com").json()["token"])
    client.delete("/api/v1/sessions/current", headers=fam.headers)
    assert client.get("/api/v1/me", headers=other).status_code == 200


def test_the_emailed_reset_link_sets_a_new_password_and_ends_every_session(client, mail):
    # Given a family logged in on two devices
    fam = flow.family(client, mail, "forgot@example.com")
    other = flow.bearer(_login(client, "forgot@example.com").json()["token"])
    # When it asks for a reset and follows the link in the real email
    r = client.post("/api/v1/accounts/password-reset", json={"email": "Forgot@example.com"})
    assert r.status_code == 202
    done = _confirm(client, _reset_token(mail, "forgot@example.com"))
    # Then the new password works, the old one does not, and both sessions are over
    assert done.status_code == 200, done.text
    assert _login(client, "forgot@example.com").status_code == 401
    assert _login(client, "forgot@example.com", NEW_PASSWORD).status_code == 201
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 401
    assert client.get("/api/v1/me", headers=other).status_code == 401


def test_a_reset_link_works_once(client, mail):
    flow.family(client, mail, "once@example.com")
    client.post("/api/v1/accounts/password-reset", json={"email": "once@example.com"})
    token = _reset_token(mail, "once@example.com")
    assert _confirm(client, token).status_code == 200
    again = _confirm(client, token, "yet another secret")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "token_invalid"


def test_an_unknown_reset_token_is_400_token_invalid(client):
    r = _confirm(client, "not-a-token")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "token_invalid"


def test_the_reset_link_lasts_thirty_minutes_and_then_is_410(client, mail, rt):
    flow.family(client, mail, "late@example.com")
    client.post("/api/v1/accounts/password-reset", json={"email": "late@example.com"})
    token = _reset_token(mail, "late@example.com")
    with writing(rt) as session:
        expires_at = session.scalar(select(PasswordResetToken.expires_at))
        assert expires_at is not None
        assert timedelta(minutes=29) < expires_at - utcnow() <= timedelta(minutes=30)
        session.execute(update(PasswordResetToken).values(expires_at=utcnow()))
    r = _confirm(client, token)
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "token_expired"
    assert "30" in r.json()["error"]["message"]


def test_only_a_hash_of_the_reset_token_is_stored(client, mail, rt):
    flow.family(client, mail, "hash@example.com")
    client.post("/api/v1/accounts/password-reset", json={"email": "hash@example.com"})
    token = _reset_token(mail, "hash@example.com")
    with writing(rt) as session:
        stored = session.scalar(select(PasswordResetToken.token_hash))
    assert stored and token not in stored and len(stored) == 64


def test_a_new_reset_link_retires_the_older_one(client, mail):
    flow.family(client, mail, "twice@example.com")
    client.post("/api/v1/accounts/password-reset", json={"email": "twice@example.com"})
    first = _reset_token(mail, "twice@example.com")
    mail.clear()
    client.post("/api/v1/accounts/password-reset", json={"email": "twice@example.com"})
    second = _reset_token(mail, "twice@example.com")
    assert _confirm(client, first).status_code == 400
    assert _confirm(client, second).status_code == 200


def test_a_reset_request_answers_alike_for_a_stranger_and_mails_nobody(client, mail, workers):
    flow.family(client, mail, "known@example.com")
    known = client.post("/api/v1/accounts/password-reset", json={"email": "known@example.com"})
    stranger = client.post("/api/v1/accounts/password-reset", json={"email": "who@example.com"})
    assert (known.status_code, known.json()) == (stranger.status_code, stranger.json())
    _reset_token(mail, "known@example.com")
    flow.wait_for(lambda: flow.unsent_emails(client.app.state.runtime) == 0, what="outbox empty")
    assert mail.to("who@example.com") == []


def test_reset_requests_are_throttled_alike_whether_or_not_the_email_is_known(client, mail, rt):
    flow.family(client, mail, "many@example.com")
    answers = {}
    for email in ("many@example.com", "nobody-known@example.com"):
        codes = [
            client.post("/api/v1/accounts/password-reset", json={"email": email}).status_code
            for _ in range(rt.settings.login_max_failures + 1)
        ]
        answers[email] = codes
    assert answers["many@example.com"] == answers["nobody-known@example.com"]
    assert answers["many@example.com"][-1] == 429


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(client, mail):
    fam = flow.family(client, mail, "change@example.com")
    other = flow.bearer(_login(client, "change@example.com").json()["token"])
    body = {"current_password": flow.PASSWORD, "new_password": NEW_PASSWORD}
    r = client.post("/api/v1/me/password", headers=fam.headers, json=body)
    assert r.status_code == 204, r.text
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 200
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert _login(client, "change@example.com", NEW_PASSWORD).status_code == 201


def test_a_wrong_current_password_is_403_and_repeated_ones_are_throttled(client, mail, rt):
    fam = flow.family(client, mail, "wrong@example.com")
    body = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    for _ in range(rt.settings.login_max_failures):
        r = client.post("/api/v1/me/password", headers=fam.headers, json=body)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "wrong_password"
    body["current_password"] = flow.PASSWORD
    r = client.post("/api/v1/me/password", headers=fam.headers, json=body)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0


def test_a_too_short_new_password_is_named_in_a_422(client, mail):
    fam = flow.family(client, mail, "short@example.com")
    body = {"current_password": flow.PASSWORD, "new_password": "short"}
    r = client.post("/api/v1/me/password", headers=fam.headers, json=body)
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"new_password"}


def test_opening_the_reset_link_asks_before_it_uses_the_token(client, mail):
    flow.family(client, mail, "page@example.com")
    client.post("/api/v1/accounts/password-reset", json={"email": "page@example.com"})
    token = _reset_token(mail, "page@example.com")
    for _ in range(2):  # a mail scanner opening the link spends nothing
        page = client.get(f"/reset-password?token={token}")
        assert page.status_code == 200 and 'method="post"' in page.text
    form = {"token": token, "password": NEW_PASSWORD, "password_confirm": "something else"}
    assert client.post("/reset-password", data=form).status_code == 400  # typed differently
    form["password_confirm"] = NEW_PASSWORD
    done = client.post("/reset-password", data=form)
    assert done.status_code == 200 and "新密碼已設定" in done.text
    assert _login(client, "page@example.com", NEW_PASSWORD).status_code == 201
    assert client.post("/reset-password", data=form).status_code == 400


def test_the_email_pages_allow_only_their_own_style_and_leak_no_token(client):
    for path in ("/verify-email?token=x", "/reset-password?token=x"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "style-src 'sha256-" in csp
        assert "form-action 'self'" in csp and "frame-ancestors 'none'" in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_the_mailbox_is_told_when_the_password_changes(client, mail):
    fam = flow.family(client, mail, "told@example.com")
    body = {"current_password": flow.PASSWORD, "new_password": NEW_PASSWORD}
    client.post("/api/v1/me/password", headers=fam.headers, json=body)
    told = mail.wait_for_subject("told@example.com", "密碼變更")
    assert "忘記密碼" in told.get_content()
