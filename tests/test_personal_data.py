"""Personal data where it does not belong (issue 12, findings 4 and 6): other families' email
addresses in the review API's stats, and personal data in logs."""

import logging

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from moderation.privacy import mask_emails_in
from storage.models import OutboxEmail
from tests.support import flow
from tests.support.db import writing
from tests.support.live import live_server

#: What smtplib raises when the server refuses a recipient: the address is in it.
REFUSED = "SMTPRecipientsRefused({'victim@example.org': (550, b'5.1.1 no such user')})"


def _failing_email_of_a_family_at_ttd(client, mail, rt) -> None:
    flow.institution(rt, "TTD")
    flow.institution(rt, "KHH")
    fam = flow.family(client, mail, "victim@example.org")
    assert flow.apply(client, fam).status_code == 202
    with writing(rt) as session:
        session.execute(update(OutboxEmail).values(sent_at=None, tries=1, last_error=REFUSED))


def test_stats_show_no_failing_email_of_another_institutions_family(client, mail, rt):
    _failing_email_of_a_family_at_ttd(client, mail, rt)
    other = flow.staff(rt, "khh@example.gov", ["KHH"])
    r = client.get("/review/v1/stats", headers=other)
    assert r.status_code == 200
    assert r.json()["stuck"]["failing_emails"] == []
    assert "victim" not in r.text


def test_stats_mask_addresses_in_their_own_familys_errors(client, mail, rt):
    _failing_email_of_a_family_at_ttd(client, mail, rt)
    own = flow.staff(rt, "ttd@example.gov", ["TTD"])
    r = client.get("/review/v1/stats", headers=own)
    [email] = r.json()["stuck"]["failing_emails"]
    assert email["to"] == "v***@example.org"
    assert "v***@example.org" in email["last_error"] and "550" in email["last_error"]
    assert "victim@example.org" not in r.text


def test_an_smtp_error_is_stored_with_the_address_masked():
    assert mask_emails_in(REFUSED) == (
        "SMTPRecipientsRefused({'v***@example.org': (550, b'5.1.1 no such user')})"
    )


def test_a_database_error_carries_no_bound_values(rt):
    # An account row refused by the database (no name): its values must not be in the error
    national_id = flow.national_id(424242)
    with pytest.raises(IntegrityError) as refused, rt.db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO accounts (id, national_id) VALUES (:id, :nid)"),
            {"id": "x", "nid": national_id},
        )
    assert national_id not in str(refused.value)


def test_the_verification_token_is_not_in_the_access_log(client, mail, rt, caplog):
    # Given the link from a verification email, opened through a real server
    client.post("/api/v1/accounts", json=flow.registration("log@example.com"))
    token = flow.token_from(mail, "log@example.com")
    with caplog.at_level(logging.INFO), live_server(rt, access_log=True) as base:
        assert httpx.get(f"{base}/verify-email?token={token}").status_code == 200
    # Then the access log has the request, without the token
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any("/verify-email?token=[redacted]" in line for line in lines), lines
    # (the test's own HTTP client and SMTP server log it; nothing of the server does)
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "mail.log"))]
    assert not any(token in r.getMessage() for r in ours)
