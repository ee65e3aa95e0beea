"""Staff management (issue 10, issue 12 #9): administrators list, add, rotate and disable their
institutions' staff through the API; operators do it, explicitly, at the command line; tokens
expire; every change is audited."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from familybook.cli import main
from moderation.audit import AuditAction
from storage.models import AuditEntry, Staff, utcnow
from tests.support import flow
from tests.support.db import writing

QUEUE = "/review/v1/queue"


@pytest.fixture
def ttd_admin(rt):
    flow.institution(rt, "TTD")
    return flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")


def _add(client, admin, email="new@ttd.example", role="reviewer", institutions=("TTD",)):
    body = {"email": email, "name": "陳社工", "role": role, "institutions": list(institutions)}
    return client.post("/review/v1/staff", json=body, headers=admin)


def _staff_id(rt, email):
    with writing(rt) as session:
        return session.scalar(select(Staff.id).where(Staff.email == email))


def _actions(rt, action):
    with writing(rt) as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_an_admin_adds_staff_whose_token_is_shown_once_and_works(client, rt, ttd_admin):
    # When the administrator adds a reviewer
    r = _add(client, ttd_admin)
    # Then the answer shows the token once, and it works at once
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["email"], body["name"], body["role"], body["institutions"]) == (
        "new@ttd.example",
        "陳社工",
        "reviewer",
        ["TTD"],
    )
    assert client.get(QUEUE, headers=flow.bearer(body["token"])).status_code == 200
    # …it expires after the configured days (90 by default)
    issued = body["token_issued_at"]
    lifetime = datetime.fromisoformat(body["token_expires_at"]) - datetime.fromisoformat(issued)
    assert lifetime == timedelta(days=rt.settings.staff_token_days) == timedelta(days=90)
    # …and the list shows them, without any token
    listed = client.get("/review/v1/staff", headers=ttd_admin).json()
    assert [s["email"] for s in listed] == ["admin@ttd.example", "new@ttd.example"]
    assert all("token" not in s for s in listed)


def test_an_existing_email_is_refused_not_rekeyed(client, rt, ttd_admin):
    first = _add(client, ttd_admin).json()
    again = _add(client, ttd_admin, role="admin")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "staff_exists")
    assert client.get(QUEUE, headers=flow.bearer(first["token"])).status_code == 200


def test_an_admin_cannot_add_staff_to_another_institution(client, rt, ttd_admin):
    flow.institution(rt, "HLD")
    r = _add(client, ttd_admin, institutions=("TTD", "HLD"))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "institution_not_found")
    assert _staff_id(rt, "new@ttd.example") is None


def test_a_reviewer_cannot_manage_staff(client, rt, ttd_admin):
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    assert client.get("/review/v1/staff", headers=reviewer).status_code == 403
    assert _add(client, reviewer).json()["error"]["code"] == "admin_only"


def test_rotating_a_token_stops_the_old_one_at_once(client, rt, ttd_admin):
    # Given a reviewer with a working token
    old = flow.staff(rt, "r@ttd.example", ["TTD"])
    staff_id = _staff_id(rt, "r@ttd.example")
    # When the administrator rotates it
    r = client.post(f"/review/v1/staff/{staff_id}/token", headers=ttd_admin)
    # Then the old token is refused and the new one works
    assert r.status_code == 200, r.text
    assert client.get(QUEUE, headers=old).status_code == 401
    assert client.get(QUEUE, headers=flow.bearer(r.json()["token"])).status_code == 200


def test_disabling_staff_stops_their_token_at_once(client, rt, ttd_admin):
    # Given a reviewer with a working token
    token = flow.staff(rt, "r@ttd.example", ["TTD"])
    staff_id = _staff_id(rt, "r@ttd.example")
    # When the administrator disables them
    assert client.delete(f"/review/v1/staff/{staff_id}", headers=ttd_admin).status_code == 204
    # Then the token is refused, and the list says since when
    assert client.get(QUEUE, headers=token).status_code == 401
    listed = {s["email"]: s for s in client.get("/review/v1/staff", headers=ttd_admin).json()}
    assert listed["r@ttd.example"]["disabled_at"] is not None


def test_an_admin_manages_only_staff_of_their_own_institutions(client, rt, ttd_admin):
    # Given a reviewer of HLD only, and one serving both TTD and HLD
    flow.institution(rt, "HLD")
    flow.staff(rt, "hld@hld.example", ["HLD"])
    both = flow.staff(rt, "both@ttd.example", ["TTD", "HLD"])
    # Then TTD's administrator does not see the first and may not touch the second
    hld_only, shared = _staff_id(rt, "hld@hld.example"), _staff_id(rt, "both@ttd.example")
    listed = [s["email"] for s in client.get("/review/v1/staff", headers=ttd_admin).json()]
    assert "hld@hld.example" not in listed and "both@ttd.example" in listed
    assert client.delete(f"/review/v1/staff/{hld_only}", headers=ttd_admin).status_code == 404
    assert client.post(f"/review/v1/staff/{shared}/token", headers=ttd_admin).status_code == 403
    assert client.get(QUEUE, headers=both).status_code == 200


def test_the_last_admin_of_an_institution_cannot_be_disabled_through_the_api(client, rt, ttd_admin):
    own_id = _staff_id(rt, "admin@ttd.example")
    r = client.delete(f"/review/v1/staff/{own_id}", headers=ttd_admin)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "last_admin")
    assert client.get(QUEUE, headers=ttd_admin).status_code == 200


def test_an_expired_staff_token_is_refused(client, rt, ttd_admin):
    # Given a reviewer whose token's days have run out
    token = flow.staff(rt, "r@ttd.example", ["TTD"])
    with writing(rt) as session:
        session.execute(
            update(Staff)
            .where(Staff.email == "r@ttd.example")
            .values(token_expires_at=utcnow() - timedelta(seconds=1))
        )
    # Then it is refused and says why
    r = client.get(QUEUE, headers=token)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "session_expired")


def test_the_staff_list_is_paged(client, rt, ttd_admin):
    for n in range(3):
        flow.staff(rt, f"r{n}@ttd.example", ["TTD"])
    first = client.get("/review/v1/staff?limit=2", headers=ttd_admin)
    link = first.headers["link"]
    rest = client.get(link[1 : link.index(">")], headers=ttd_admin)
    emails = [s["email"] for s in first.json() + rest.json()]
    assert emails == sorted(emails) and len(emails) == 4
    assert "link" not in rest.headers


def test_every_api_staff_change_is_audited_with_the_admin_as_actor(client, rt, ttd_admin):
    staff_id = _add(client, ttd_admin).json()["id"]
    client.post(f"/review/v1/staff/{staff_id}/token", headers=ttd_admin)
    client.delete(f"/review/v1/staff/{staff_id}", headers=ttd_admin)
    admin_actor = f"staff:{_staff_id(rt, 'admin@ttd.example')}"
    for action in (
        AuditAction.STAFF_ADDED,
        AuditAction.STAFF_TOKEN_ROTATED,
        AuditAction.STAFF_DISABLED,
    ):
        entries = [e for e in _actions(rt, action) if e.detail.get("staff_id") == staff_id]
        assert [e.actor for e in entries] == [admin_actor], action


# --- the command line ---


def _last_line(capsys):
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_cli_staff_add_refuses_an_existing_email(client, rt, capsys, ttd_admin):
    main(["staff", "add", "r@ttd.example", "--institution", "TTD"])
    token = _last_line(capsys)
    # When the same email is added again, as an admin
    with pytest.raises(SystemExit) as exit_:
        main(["staff", "add", "r@ttd.example", "--institution", "TTD", "--role", "admin"])
    # Then it is refused: no silent re-key or promotion
    assert exit_.value.code == 2
    assert "rotate" in capsys.readouterr().err
    assert client.get(QUEUE, headers=flow.bearer(token)).status_code == 200
    with writing(rt) as session:
        assert session.scalar(select(Staff.role).where(Staff.email == "r@ttd.example")) == (
            "reviewer"
        )


def test_cli_rotate_disable_and_list(client, rt, capsys, ttd_admin):
    main(["staff", "add", "r@ttd.example", "--institution", "TTD", "--name", "林社工"])
    old = flow.bearer(_last_line(capsys))
    main(["staff", "rotate", "r@ttd.example"])
    new = flow.bearer(_last_line(capsys))
    assert client.get(QUEUE, headers=old).status_code == 401
    assert client.get(QUEUE, headers=new).status_code == 200
    main(["staff", "disable", "r@ttd.example"])
    assert client.get(QUEUE, headers=new).status_code == 401
    capsys.readouterr()
    main(["staff", "list", "--institution", "TTD"])
    lines = capsys.readouterr().out.strip().splitlines()
    row = next(line.split("\t") for line in lines if line.startswith("r@ttd.example"))
    assert row[1:4] == ["林社工", "reviewer", "TTD"] and row[4].startswith("disabled")


def test_cli_update_promotes_and_unbinds_explicitly_and_is_audited(client, rt, capsys):
    flow.institution(rt, "TTD")
    flow.institution(rt, "HLD")
    main(["staff", "add", "r@ttd.example", "--institution", "TTD", "--institution", "HLD"])
    token = flow.bearer(_last_line(capsys))
    # When an operator promotes them and removes HLD
    main(["staff", "update", "r@ttd.example", "--role", "admin", "--remove-institution", "HLD"])
    # Then they are an administrator of TTD only
    assert client.get("/review/v1/staff", headers=token).status_code == 200
    assert client.get(f"{QUEUE}?institution=HLD", headers=token).status_code == 404
    # …and the change is audited with the operator as the actor
    changed = _actions(rt, AuditAction.STAFF_CHANGED)[0]
    assert changed.actor.startswith("operator")
    assert changed.detail["role"] == "admin"
    assert len(changed.detail["institutions_after"]) == 1
    added = _actions(rt, AuditAction.STAFF_ADDED)
    assert added and all(e.actor.startswith("operator") for e in added)
