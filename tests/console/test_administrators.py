"""The administrators' screens for families' standing, in headless chromium against the shared
live server: a proposed suspension confirmed (then lifted), a service ended with its reason and
note; each happened once, as the review API and the family's inbox show afterwards."""

from tests.support import console, flow, posting
from tests.support.console import screenshot, sign_in

#: Two rejections make a suspension an administrator must confirm (Taitung-like policy).
PROPOSED = {"strikes_to_suspend": 2, "suspension_mode": "proposed"}


def _audited(client, admin, action: str) -> int:
    r = client.get("/review/v1/audit", params={"action": action}, headers=admin)
    assert r.status_code == 200, r.text
    return len(r.json())


def _subjects(mail, address: str, part: str) -> int:
    return sum(part in str(m["Subject"]) for m in mail.to(address))


def _another_served_family(client, mail, rt) -> str:
    """A second family (named apart from flow's 王小明, so the screens tell them apart)."""
    body = flow.registration("other@example.com", 2, name="陳美玲")
    assert client.post("/api/v1/accounts", json=body).status_code == 201
    verify = {"token": flow.token_from(mail, "other@example.com")}
    assert client.post("/api/v1/accounts/verify", json=verify).status_code == 200
    return flow.approved_service(rt, "other@example.com", callsign="7376")


def test_an_administrator_confirms_a_proposed_suspension_once_then_lifts_it(
    client, rt, mail, page, base
):
    reviewer, fam, app_id = posting.served_family(client, rt, mail, **PROPOSED)
    for title in ("第一則", "第二則"):
        posting.rejected_post(client, reviewer, fam, app_id, title=title)
    boss = posting.admin_of(rt)
    listed = client.get("/review/v1/suspensions", params={"state": "proposed"}, headers=boss)
    (proposed,) = listed.json()
    sign_in(page, base, boss)
    page.click("a[href='#/suspensions']")
    page.wait_for_selector(f"#suspensions tr[data-id='{proposed['id']}']")
    assert "王小明" in page.inner_text("#suspensions tbody")
    screenshot(page, "14-suspensions")
    page.click("#suspensions button.confirm-suspension")
    said = page.inner_text("dialog .consequence")
    assert "家屬會收到 email 通知" in said and "The family is emailed" in said
    screenshot(page, "15-suspension-confirm")
    page.dblclick("#send-confirm-suspension")  # a double click must not confirm twice
    page.wait_for_selector("#screen .empty")  # nothing waits for a decision any more
    console.settle(page)
    active = client.get("/review/v1/suspensions", params={"state": "active"}, headers=boss).json()
    assert [s["id"] for s in active] == [proposed["id"]]
    assert _audited(client, boss, "confirm_suspension") == 1
    assert posting.me(client, fam)["suspended_until"] is not None
    mail.wait_for_subject(fam.email, "posting suspended")
    # The confirmed suspension is listed as running, and lifted from there.
    page.select_option("#suspension-state", "active")
    page.click(f"#suspensions tr[data-id='{proposed['id']}'] button.lift-suspension")
    page.dblclick("#send-lift-suspension")
    page.wait_for_selector(f"#suspensions tr[data-id='{proposed['id']}'] .badge:has-text('已解除')")
    console.settle(page)
    (lifted,) = client.get(
        "/review/v1/suspensions", params={"state": "active"}, headers=boss
    ).json()
    assert lifted["lifted_at"] is not None
    assert page.locator("button.lift-suspension").count() == 0
    assert posting.me(client, fam)["suspended_until"] is None
    assert _audited(client, boss, "lift_suspension") == 1
    mail.wait_for_subject(fam.email, "suspension lifted")
    assert _subjects(mail, fam.email, "posting suspended") == 1
    assert _subjects(mail, fam.email, "suspension lifted") == 1


def test_an_administrator_ends_a_service_once_with_a_reason_and_a_note(
    client, rt, mail, page, base
):
    flow.institution(rt)
    boss = posting.admin_of(rt)
    fam, service_id = flow.served_family(client, mail, "fam@example.com")
    gone_id = _another_served_family(client, mail, rt)
    sign_in(page, base, boss)
    page.click("a[href='#/services']")
    page.wait_for_selector(f"#services tr[data-id='{service_id}']")
    screenshot(page, "16-services")
    # Meanwhile another administrator ends one of them: said in words, not as a status code.
    ended_meanwhile = client.post(
        f"/review/v1/services/{gone_id}/end", json={"reason": "other"}, headers=boss
    )
    assert ended_meanwhile.status_code == 200
    page.click(f"#services tr[data-id='{gone_id}'] button.end-service")
    page.select_option("#end-reason", "other")
    page.fill("#end-note", "重複")
    page.click("#send-end-service")
    refusal = page.wait_for_selector("dialog .error:has-text('只有使用中的服務')")
    assert "409" not in refusal.inner_text()
    page.keyboard.press("Escape")
    page.click(f"#services tr[data-id='{service_id}'] button.end-service")
    said = page.inner_text("dialog .consequence")
    assert "家屬會收到 email 通知" in said and "The family is emailed" in said
    assert said.index("收容人可由其他家屬申請") < said.index("The inmate is free")
    page.select_option("#end-reason", "released")
    page.fill("#end-note", "   ")  # a note of spaces says nothing: asked again, nothing sent
    page.click("#send-end-service")
    page.wait_for_selector("dialog .error:has-text('請寫下備註')")
    page.fill("#end-note", "收容人 12/1 出監 <b>通知</b>")
    screenshot(page, "17-service-end")
    page.dblclick("#send-end-service")  # a double click must not end it twice
    page.wait_for_selector("#screen .empty")  # no active service is left
    console.settle(page)
    ended = client.get("/review/v1/services", params={"status": "ended"}, headers=boss).json()
    mine = [(s["end_reason"], s["end_note"]) for s in ended if s["id"] == service_id]
    assert mine == [("released", "收容人 12/1 出監 <b>通知</b>")]
    assert _audited(client, boss, "end_service") == 2  # this one and the one ended meanwhile
    mail.wait_for_subject(fam.email, "service ended")
    assert _subjects(mail, fam.email, "service ended") == 1
    # The ended list shows the note as the administrator wrote it: text, never markup.
    page.select_option("#service-status", "ended")
    note = page.wait_for_selector(f"#services tr[data-id='{service_id}'] td.note-cell")
    assert note.inner_text() == "收容人 12/1 出監 <b>通知</b>"
    assert page.locator("#services b").count() == 0
    screenshot(page, "18-services-ended")
