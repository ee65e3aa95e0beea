"""Rate limits of the account endpoints per client address and per email (issue 12, finding
8): resend cannot flood a mailbox, one address cannot register or guess without end."""

import time

from tests.support import flow


def test_resend_cannot_flood_one_mailbox(client, mail, rt):
    # Given an unverified account (its first email is sent)
    client.post("/api/v1/accounts", json=flow.registration("flood@example.com"))
    flow.token_from(mail, "flood@example.com")
    # When resend is asked for far more often than the limit
    codes = [
        client.post("/api/v1/accounts/verify/resend", json={"email": "flood@example.com"})
        for _ in range(rt.settings.resend_per_email + 5)
    ]
    # Then only the limit's worth are accepted, and the rest told to wait
    assert [r.status_code for r in codes].count(202) == rt.settings.resend_per_email
    refused = codes[-1]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    # And the mailbox got the first email and the limit's worth of resends, no more
    mail.wait_for("flood@example.com", 1 + rt.settings.resend_per_email)
    time.sleep(0.5)  # time for any extra email to arrive
    assert len(mail.to("flood@example.com")) == 1 + rt.settings.resend_per_email


def test_resend_is_limited_per_address_across_emails(client, rt):
    codes = [
        client.post("/api/v1/accounts/verify/resend", json={"email": f"n{i}@example.com"})
        for i in range(rt.settings.resend_per_address + 1)
    ]
    assert codes[-2].status_code == 202
    assert codes[-1].status_code == 429


def test_registrations_from_one_address_are_limited(client, rt):
    codes = [
        client.post(
            "/api/v1/accounts", json=flow.registration(f"r{i}@example.com", n=i + 1)
        ).status_code
        for i in range(rt.settings.register_per_address + 1)
    ]
    assert codes == [201] * rt.settings.register_per_address + [429]


def test_logins_from_one_address_are_limited_across_emails(client, rt):
    codes = [
        client.post(
            "/api/v1/sessions", json={"email": f"g{i}@example.com", "password": "guess!!!"}
        ).status_code
        for i in range(rt.settings.login_per_address + 1)
    ]
    assert set(codes[:-1]) == {401}
    assert codes[-1] == 429
