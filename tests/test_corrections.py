"""Staff correct the locked fields on a family's request (issue 15, rule 10): name, national
ID, birth date and email, by an administrator of an institution serving the family, audited;
a new email is verified again before the family logs in with it."""

from sqlalchemy import select

from storage.models import AuditEntry
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import admin_of, me


def _served(client, rt, mail):
    flow.institution(rt)
    fam, _ = flow.served_family(client, mail, "a@example.com")
    return fam, me(client, fam)["id"]


def _correct(client, staff, account_id, **body):
    return client.patch(
        f"/review/v1/accounts/{account_id}", headers=staff, json={"note": "家屬來電申請", **body}
    )


def test_an_administrator_corrects_the_name_national_id_and_birth_date(client, rt, mail):
    fam, account_id = _served(client, rt, mail)
    new_id = flow.national_id(77)
    r = _correct(
        client, admin_of(rt), account_id, name="王曉明", national_id=new_id.lower(),
        birth_date="1985-03-02",
    )  # fmt: skip
    assert r.status_code == 200, r.text
    profile = me(client, fam)
    assert (profile["name"], profile["national_id"], profile["birth_date"]) == (
        "王曉明", new_id, "1985-03-02",
    )  # fmt: skip


def test_a_correction_is_audited_with_before_after_and_why(client, rt, mail):
    _, account_id = _served(client, rt, mail)
    _correct(client, admin_of(rt), account_id, name="王曉明")
    with writing(rt) as session:
        detail = session.scalar(
            select(AuditEntry.detail).where(AuditEntry.action == "correct_account")
        )
    assert detail["before"] == {"name": "王小明"} and detail["after"] == {"name": "王曉明"}
    assert detail["note"] == "家屬來電申請"


def test_a_wrong_national_id_is_a_422_naming_the_field(client, rt, mail):
    _, account_id = _served(client, rt, mail)
    r = _correct(client, admin_of(rt), account_id, national_id="A123456788")
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"national_id"}


def test_a_corrected_email_must_be_verified_again(client, rt, mail):
    fam, account_id = _served(client, rt, mail)
    r = _correct(client, admin_of(rt), account_id, email="new@example.com")
    assert r.json()["verified"] is False
    # Then the old session ends and the new address cannot log in until it is verified
    assert client.get("/api/v1/me", headers=fam.headers).status_code == 401
    login = {"email": "new@example.com", "password": flow.PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 403
    token = flow.token_from(mail, "new@example.com")
    assert client.post("/api/v1/accounts/verify", json={"token": token}).status_code == 200
    assert client.post("/api/v1/sessions", json=login).status_code == 201


def test_an_email_another_account_has_is_a_409(client, rt, mail):
    _, account_id = _served(client, rt, mail)
    flow.family(client, mail, "b@example.com", n=2)
    r = _correct(client, admin_of(rt), account_id, email="B@example.com")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "email_taken"


def test_only_an_administrator_serving_the_family_corrects_it(client, rt, mail):
    _, account_id = _served(client, rt, mail)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    assert _correct(client, reviewer, account_id, name="王曉明").status_code == 403
    flow.institution(rt, "HLD")
    assert _correct(client, admin_of(rt, "HLD"), account_id, name="王曉明").status_code == 404
