"""DELETE /me: the family closes its account; its documents and personal fields are erased,
decisions, strikes and audit entries stay with ids only (API 1.1)."""

from sqlalchemy import func, select

from storage.models import (
    Account,
    Application,
    AuditEntry,
    Decision,
    OutboxEmail,
    PrefillField,
    StoredFile,
    Strike,
)
from tests.support import flow
from tests.support.db import writing
from tests.support.history import APPEAL_TEXT, family_with_history


def _close(client, fam, password=flow.PASSWORD):
    return client.request("DELETE", "/api/v1/me", headers=fam.headers, json={"password": password})


def test_closing_stops_the_login_and_every_token_at_once(client, mail):
    fam = flow.family(client, mail, "bye@example.com")
    login = {"email": "bye@example.com", "password": flow.PASSWORD}
    other = flow.bearer(client.post("/api/v1/sessions", json=login).json()["token"])
    r = _close(client, fam)
    assert r.status_code == 202, r.text
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 401
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert client.post("/api/v1/sessions", json=login).status_code == 401


def test_closing_needs_the_password(client, mail):
    fam = flow.family(client, mail, "keep@example.com")
    r = _close(client, fam, "not my password")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "wrong_password"
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 200


def test_closing_erases_the_familys_files_from_the_store(client, rt, mail):
    story = family_with_history(client, rt, mail)
    with writing(rt) as session:
        files = session.scalars(select(StoredFile)).all()
        keys = [k for f in files for k in (f.storage_key, f.sanitized_key, f.preview_key) if k]
    assert keys and all(rt.files.exists(k) for k in keys)
    assert _close(client, story.fam).status_code == 202
    assert not any(rt.files.exists(k) for k in keys)
    with writing(rt) as session:
        rows = session.scalars(select(StoredFile)).all()
        assert all(f.original_erased_at and f.copies_erased_at for f in rows)


def test_closing_replaces_the_personal_fields_and_what_the_family_wrote(client, rt, mail):
    story = family_with_history(client, rt, mail)
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="the outbox sent")
    assert _close(client, story.fam).status_code == 202
    with writing(rt) as session:
        account = session.scalars(select(Account)).one()
        assert account.closed_at is not None
        held = f"{account.name}|{account.national_id}|{account.email}|{account.mobile}"
        assert "王小明" not in held and story.fam.national_id not in held
        assert "hist@example.com" not in held and "0912345678" not in held
        assert session.scalar(select(func.count()).select_from(PrefillField)) == 0
        outbox = session.scalars(select(OutboxEmail.to_addr)).all()
        assert outbox and "hist@example.com" not in outbox
        strike = session.scalars(select(Strike)).one()
        assert strike.account_id == account.id and strike.appeal_text != APPEAL_TEXT


def test_decisions_strikes_and_audit_entries_stay(client, rt, mail):
    story = family_with_history(client, rt, mail)
    with writing(rt) as session:
        before = [session.scalar(select(func.count()).select_from(t)) for t in (Decision, Strike)]
    assert _close(client, story.fam).status_code == 202
    with writing(rt) as session:
        after = [session.scalar(select(func.count()).select_from(t)) for t in (Decision, Strike)]
        actions = set(session.scalars(select(AuditEntry.action)))
    assert after == before and before[0] >= 2
    assert {"decision", "account_closed"} <= actions


def test_staff_still_open_a_closed_familys_decided_item(client, rt, mail):
    # Given a family whose post a reviewer rejected, which then closed its account
    story = family_with_history(client, rt, mail)
    assert _close(client, story.fam).status_code == 202
    # When the reviewer opens the decided item
    r = client.get(f"/review/v1/items/{story.post_id}", headers=story.reviewer)
    # Then it answers, without the family's name, and its files say they were erased
    assert r.status_code == 200, r.text
    item = r.json()
    assert item["status"] == "rejected"
    assert item["family"]["name"] != "王小明"
    file_id = item["files"][0]["id"]
    got = client.get(f"/review/v1/items/{story.post_id}/files/{file_id}", headers=story.reviewer)
    assert got.status_code == 410
    assert got.json()["error"]["code"] == "file_erased"


def test_closing_ends_the_service_and_frees_the_inmate(client, rt, mail):
    story = family_with_history(client, rt, mail)
    assert _close(client, story.fam).status_code == 202
    with writing(rt) as session:
        application = session.get(Application, story.application_id)
        assert application is not None and not application.holds_inmate
    assert (
        client.get("/review/v1/items/" + story.application_id, headers=story.reviewer).json()[
            "status"
        ]
        == "ended"
    )
    newcomer = flow.family(client, mail, "next@example.com", n=2)
    assert flow.apply(client, newcomer, callsign="7375").status_code == 202


def test_the_email_of_a_closed_account_can_register_again(client, mail):
    fam = flow.family(client, mail, "again@example.com")
    assert _close(client, fam).status_code == 202
    r = client.post("/api/v1/accounts", json=flow.registration("again@example.com"))
    assert r.status_code == 201, r.text
