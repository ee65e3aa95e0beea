"""The audit log read by administrators (issue 10): filtered, paged, their institutions only."""

from datetime import timedelta

from storage.models import utcnow
from tests.support import flow
from usecases.staff_commands import update

AUDIT = "/review/v1/audit"


def _family_with_an_item(client, rt, mail):
    """A family whose application awaits review, and its account id and item id."""
    flow.institution(rt)
    fam = flow.family(client, mail, "fam@example.com")
    item_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, item_id, {"awaiting_review"})
    account_id = client.get("/api/v1/me", headers=fam.headers).json()["id"]
    return account_id, item_id


def _open_id_card(client, reviewer, item_id):
    item = client.get(f"/review/v1/items/{item_id}", headers=reviewer).json()
    card = next(f for f in item["files"] if f["category"] == "identity_documents")
    r = client.get(f"/review/v1/items/{item_id}/files/{card['id']}", headers=reviewer)
    assert r.status_code == 200
    return card["id"]


def test_an_admin_finds_who_opened_a_familys_id_card(client, rt, mail):
    # Given a reviewer who opened a family's ID card
    account_id, item_id = _family_with_an_item(client, rt, mail)
    reviewer = flow.staff(rt, "lin@ttd.example", ["TTD"])
    update(rt, "lin@ttd.example", actor="operator:test", name="林社工")
    card_id = _open_id_card(client, reviewer, item_id)
    admin = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    # When the administrator asks who viewed this family's files
    r = client.get(f"{AUDIT}?account_id={account_id}&action=view_file", headers=admin)
    # Then the answer names the reviewer, the item and the file
    assert r.status_code == 200, r.text
    [entry] = r.json()
    assert (entry["actor_name"], entry["item_id"], entry["file_id"]) == (
        "林社工",
        item_id,
        card_id,
    )
    assert entry["institution"] == "TTD" and entry["account_id"] == account_id


def test_audit_filters_by_item_staff_and_time(client, rt, mail):
    _, item_id = _family_with_an_item(client, rt, mail)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    _open_id_card(client, reviewer, item_id)
    admin = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    staff_id = client.get("/review/v1/staff", headers=admin).json()[1]["id"]
    by_item = client.get(f"{AUDIT}?item_id={item_id}", headers=admin).json()
    assert {e["action"] for e in by_item} == {"view_item", "view_file"}
    by_staff = client.get(f"{AUDIT}?staff_id={staff_id}", headers=admin).json()
    assert {e["actor"] for e in by_staff} == {f"staff:{staff_id}"}
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    assert client.get(AUDIT, params={"from": later}, headers=admin).json() == []
    assert len(client.get(AUDIT, params={"to": later}, headers=admin).json()) >= 2


def test_audit_shows_only_the_admins_institutions_and_only_to_admins(client, rt, mail):
    _, item_id = _family_with_an_item(client, rt, mail)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    _open_id_card(client, reviewer, item_id)
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "admin@hld.example", ["HLD"], role="admin")
    assert client.get(f"{AUDIT}?item_id={item_id}", headers=other).json() == []
    assert client.get(AUDIT, headers=reviewer).status_code == 403


def test_audit_is_paged_newest_first_and_refuses_an_unknown_action(client, rt, mail):
    _, item_id = _family_with_an_item(client, rt, mail)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    for _ in range(3):
        client.get(f"/review/v1/items/{item_id}", headers=reviewer)
    admin = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    first = client.get(f"{AUDIT}?action=view_item&limit=2", headers=admin)
    link = first.headers["link"]
    rest = client.get(link[1 : link.index(">")], headers=admin)
    ids = [e["id"] for e in first.json() + rest.json()]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    assert client.get(f"{AUDIT}?action=peek", headers=admin).status_code == 422
