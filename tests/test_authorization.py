"""Who may see what: families their own, reviewers their institutions', nobody without a token."""

from tests.support import flow
from tests.support.db import writing


def _approved_setup(client, rt, mail):
    flow.institution(rt, "TTD")
    flow.institution(rt, "HLD")
    a = flow.family(client, mail, "a@example.com", n=1)
    b = flow.family(client, mail, "b@example.com", n=2)
    app_a = flow.apply(client, a).json()["id"]
    return a, b, app_a


def test_family_gets_404_for_another_familys_application(client, rt, mail):
    _, b, app_a = _approved_setup(client, rt, mail)
    r = client.get(f"/api/v1/applications/{app_a}", headers=b.headers)
    assert r.status_code == 404
    assert client.get("/api/v1/applications", headers=b.headers).json() == []


def test_family_cannot_resubmit_another_familys_application(client, rt, mail):
    _, b, app_a = _approved_setup(client, rt, mail)
    r = flow.resubmit(client, b, app_a)
    assert r.status_code == 404


def test_reviewer_of_another_institution_gets_404_for_items_and_files(client, rt, mail, workers):
    a, _, app_a = _approved_setup(client, rt, mail)
    flow.wait_status(client, a, app_a, {"awaiting_review"})
    own = flow.staff(rt, "own@ttd.example", ["TTD"])
    other = flow.staff(rt, "other@hld.example", ["HLD"])
    file_id = client.get(f"/review/v1/items/{app_a}", headers=own).json()["files"][0]["id"]
    assert client.get(f"/review/v1/items/{app_a}", headers=other).status_code == 404
    assert (
        client.get(
            f"/review/v1/items/{app_a}/files/{file_id}?variant=original", headers=other
        ).status_code
        == 404
    )
    assert client.post(f"/review/v1/items/{app_a}/claim", headers=other).status_code == 404
    assert client.get("/review/v1/queue", headers=other).json() == []
    assert client.get("/review/v1/queue?institution=TTD", headers=other).status_code == 404


def test_reviewer_file_views_are_audit_logged(client, rt, mail, workers):
    a, _, app_a = _approved_setup(client, rt, mail)
    flow.wait_status(client, a, app_a, {"awaiting_review"})
    own = flow.staff(rt, "own@ttd.example", ["TTD"])
    files = client.get(f"/review/v1/items/{app_a}", headers=own).json()["files"]
    for f in files:
        r = client.get(f"/review/v1/items/{app_a}/files/{f['id']}?variant=original", headers=own)
        assert r.status_code == 200
    from storage.models import AuditEntry

    with writing(rt) as session:
        views = session.query(AuditEntry).filter_by(action="view_file").all()
    assert {v.file_id for v in views} == {f["id"] for f in files}


def test_an_original_is_a_download_never_rendered_in_the_reviewers_browser(
    client, rt, mail, workers
):
    a, _, app_a = _approved_setup(client, rt, mail)
    flow.wait_status(client, a, app_a, {"awaiting_review"})
    own = flow.staff(rt, "own@ttd.example", ["TTD"])
    file_id = client.get(f"/review/v1/items/{app_a}", headers=own).json()["files"][0]["id"]
    base = f"/review/v1/items/{app_a}/files/{file_id}"
    original = client.get(f"{base}?variant=original", headers=own)
    assert original.headers["content-type"] == "application/octet-stream"
    assert original.headers["content-disposition"].startswith("attachment")
    sanitized = client.get(base, headers=own)
    assert sanitized.headers["content-type"] == "image/jpeg"
    assert "sandbox" in sanitized.headers["content-security-policy"]


def test_a_submission_the_checks_sent_back_never_reaches_a_reviewer(client, rt, mail, workers):
    # Given an application whose "ID card" is a web page: the checks send it back at once
    flow.institution(rt, "TTD")
    fam = flow.family(client, mail, "a@example.com")
    page = ("identity_documents", ("id.jpg", b"<html><script>x()</script></html>", "image/jpeg"))
    app_id = flow.apply(client, fam, files_=[page, *flow.application_files()[1:]]).json()["id"]
    flow.wait_status(client, fam, app_id, {"needs_fix"})
    # Then a reviewer of the institution finds nothing, not even by its id
    own = flow.staff(rt, "own@ttd.example", ["TTD"])
    assert client.get("/review/v1/queue", headers=own).json() == []
    assert client.get(f"/review/v1/items/{app_id}", headers=own).status_code == 404


def test_no_token_is_401_everywhere(client):
    for method, path in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/applications"),
        ("POST", "/api/v1/applications"),
        ("GET", "/review/v1/queue"),
        ("GET", "/review/v1/items/x"),
        ("GET", "/review/v1/reasons"),
    ]:
        r = client.request(method, path)
        assert r.status_code == 401, path
        assert r.json()["error"]["code"] in {"unauthenticated", "session_expired"}


def test_a_family_token_is_not_a_staff_token(client, rt, mail):
    fam = flow.family(client, mail, "f@example.com")
    assert client.get("/review/v1/queue", headers=fam.headers).status_code == 401
