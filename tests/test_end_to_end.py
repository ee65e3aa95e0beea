"""The whole family flow over HTTP, with a real SMTP server and real workers (both backends)."""

from tests.support import flow


def test_family_applies_and_reviewer_approves(client, rt, mail, workers):
    # Given an institution with its roster and a reviewer
    flow.institution(rt, "TTD", max_child_age=18)
    reviewer = flow.staff(rt, "reviewer@ttd.example", ["TTD"])

    # When a family registers, verifies with the emailed token and logs in
    r = client.post("/api/v1/accounts", json=flow.registration("Mom@Example.com"))
    assert r.status_code == 201, r.text
    assert r.json()["verified"] is False
    token = flow.token_from(mail, "Mom@Example.com")
    assert client.post("/api/v1/accounts/verify", json={"token": token}).json() == {
        "verified": True
    }
    login = client.post(
        "/api/v1/sessions", json={"email": "mom@example.com", "password": flow.PASSWORD}
    )
    assert login.status_code == 201, login.text
    fam = flow.Family("Mom@Example.com", login.json()["token"], "")

    # and looks up the inmate, masked
    r = client.get("/api/v1/institutions/TTD/inmates/7375", headers=fam.headers)
    assert r.json() == {"callsign": "7375", "masked_name": "王○○"}

    # and applies with a real ID-card photo and a household-register PDF
    r = flow.apply(client, fam, files_=flow.application_files(register_pdf=True))
    assert r.status_code == 202, r.text
    app_id = r.json()["id"]
    assert r.json()["attempt"] == 1

    # Then the checks run and the application waits for a reviewer
    body = flow.wait_status(client, fam, app_id, {"awaiting_review"})
    assert body["status_label"] == "審核中"

    # When the reviewer finds it in the queue, claims it and approves it
    queue = client.get("/review/v1/queue?kind=application", headers=reviewer).json()
    assert [item["id"] for item in queue] == [app_id]
    assert client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer).status_code == 200
    item = client.get(f"/review/v1/items/{app_id}", headers=reviewer).json()
    assert {f["detected_type"] for f in item["files"]} == {"image/jpeg", "application/pdf"}
    assert all(c["ok"] for c in item["checks"])
    assert {k: item["inmate"][k] for k in ("callsign", "name")} == {
        "callsign": "7375",
        "name": "王大明",
    }
    r = client.post(
        f"/review/v1/items/{app_id}/decision",
        json={"decision": "approve"},
        headers={**reviewer, "Idempotency-Key": "decide-1"},
    )
    assert r.json() == {"status": "approved"}, r.text

    # Then the family sees approved and gets the email, Traditional Chinese first
    body = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert body["status"] == "approved"
    assert body["status_label"] == "審核通過"
    assert body["decided_at"] is not None
    decision_mail = mail.wait_for_subject("Mom@Example.com", "service application approved")
    assert "審核通過" in decision_mail["Subject"]
    assert "測試機關 TTD" in decision_mail.get_content()
