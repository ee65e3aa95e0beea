"""The reviewer console at /review/, driven in headless Debian chromium against a real server
(uvicorn in a thread) with a queue built by the real flow. Every action is checked afterwards
through the API and the database: it happened, and once."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import Decision
from tests.support import console, flow, posting
from tests.support.console import HOSTILE_FILE, HOSTILE_TITLE, screenshot, sign_in
from tests.support.db import writing
from tests.support.live import live_server
from tests.support.queue import fill_queue

DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with console.chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-TW")
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


def decisions_of(rt, item_id: str) -> int:
    with writing(rt) as session:
        query = select(func.count()).select_from(Decision).where(Decision.submission_id == item_id)
        return int(session.scalar(query) or 0)


def item(client, headers, item_id: str) -> dict[str, Any]:
    r = client.get(f"/review/v1/items/{item_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_page_sends_a_strict_content_security_policy(client):
    r = client.get("/review/")
    policy = r.headers["content-security-policy"]
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "img-src 'self' blob:" in policy
    script = client.get("/review/static/js/main.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "frame-ancestors 'none'" in script.headers["content-security-policy"]


def test_review_without_its_slash_leads_to_the_console(client):
    r = client.get("/review", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (308, "/review/")


def test_a_wrong_token_is_refused_in_words_and_sign_out_forgets_the_token(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=0)
    with live_server(rt) as base:
        page.goto(f"{base}/review/")
        screenshot(page, "01-sign-in")
        page.fill("#token", "fbs_not-a-token")
        page.click("#sign-in")
        page.wait_for_selector(".signin .error:has-text('憑證無效')")
        sign_in(page, base, queue.reviewer)
        assert page.evaluate("sessionStorage.length") >= 1
        assert page.evaluate("localStorage.getItem('fb.staffToken')") is None
        page.click("#sign-out")
        page.wait_for_selector("#token")
        assert page.evaluate("Object.keys(sessionStorage)") == []


def test_claim_next_shows_the_document_and_the_ocr_prefill(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=2, ocr=True, post=True)
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        assert page.locator("#queue tbody tr").count() == 3
        screenshot(page, "02-queue")
        page.keyboard.press("c")
        page.wait_for_selector("#prefill")
        image = page.wait_for_selector("img.doc")
        console.wait_for_document(page)
        assert image.get_attribute("src").startswith("blob:")
        assert page.locator("#prefill .badge-good").count() >= 1  # 相符: what OCR read matched
        assert "由你認領" in page.inner_text("#claim-state")
        screenshot(page, "03-item")
        page.click(".doc-tabs button:nth-child(2)")  # the household register, a PDF
        pdf = page.wait_for_selector("iframe.pdf")
        assert pdf.get_attribute("src").startswith("blob:")
        screenshot(page, "03b-pdf", settle_ms=2500)
    first = item(client, queue.reviewer, queue.applications[0])
    assert first["status"] == "in_review" and first["claimed_by"] is not None


def test_rejecting_with_a_reason_shows_the_family_wording_and_decides_once(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=1)
    target = queue.applications[0]
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.keyboard.press("c")
        page.wait_for_selector("#approve:not([disabled])")
        page.keyboard.press("r")
        page.select_option("#reject-reason", "identity_unreadable")
        page.fill("#reject-advice", "請在光線充足處重拍 <b>正面</b>")
        sees = page.inner_text("#family-sees")
        assert "身分證明文件不清楚" in sees and "請在光線充足處重拍 <b>正面</b>" in sees
        screenshot(page, "04-reject")
        page.dblclick("#send-reject")  # a double click must not decide twice
        page.wait_for_selector("#queue, .empty")
    assert item(client, queue.reviewer, target)["status"] == "rejected"
    assert decisions_of(rt, target) == 1


def test_a_twenty_item_queue_is_worked_with_the_keyboard_alone(client, rt, page):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 20)
    with live_server(rt) as base:
        sign_in(page, base, reviewer)
        for _ in items:
            page.keyboard.press("c")
            page.wait_for_selector("#approve:not([disabled])")
            page.keyboard.press("a")
            page.wait_for_selector("#confirm-approve")
            page.keyboard.press("Enter")
            page.wait_for_selector("#queue, .empty")
        page.wait_for_selector(".empty")
    for queued in items:
        assert item(client, reviewer, queued.id)["status"] == "approved"
        assert decisions_of(rt, queued.id) == 1


def test_a_long_queue_pages_by_the_link_header_and_marks_the_overdue(client, rt, page):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 55, hours_ago=72)
    with live_server(rt) as base:
        sign_in(page, base, reviewer)
        assert page.locator("#queue tbody tr").count() == 50
        assert page.locator("#queue tbody tr.overdue").count() == 50
        page.keyboard.press("j")
        page.keyboard.press("j")
        assert page.locator("#queue tbody tr.selected").get_attribute("data-id") == items[2].id
        page.click("#next-page")
        page.wait_for_selector("#queue tbody tr:nth-child(5):last-child")
        assert "2" in page.inner_text(".pager span")


def test_searching_and_filtering_the_queue(client, rt, page):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 6)
    with live_server(rt) as base:
        sign_in(page, base, reviewer)
        page.fill("#filter-q", items[3].family_name)
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#queue tbody tr[data-id='{items[3].id}']:only-child")
        assert page.inner_text("#queue tbody tr").count(items[3].callsign) == 1
        page.fill("#filter-q", "")
        page.select_option("#filter-kind", "post")  # no post waits: an empty queue, said so
        page.wait_for_selector(".empty")


def test_a_note_is_written_with_the_n_key_and_kept_once(client, rt, page):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    (queued,) = fill_queue(rt, 1)
    with live_server(rt) as base:
        sign_in(page, base, reviewer)
        page.keyboard.press("c")
        page.wait_for_selector("#note-text")
        page.keyboard.press("n")
        page.keyboard.type("請注意：戶籍謄本是 2019 年的。")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#notes li:has-text('2019')")
        page.keyboard.press("Control+Enter")  # the field is empty again: nothing more is sent
    notes = item(client, reviewer, queued.id)["notes"]
    assert [n["text"] for n in notes] == ["請注意：戶籍謄本是 2019 年的。"]


def test_a_retry_after_a_lost_answer_decides_once(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=1)
    target = queue.applications[0]
    keys: list[str] = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the server decides...
            route.abort("connectionreset")  # ...but its answer never reaches the browser
        else:
            route.continue_()

    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.route("**/decision", lose_the_first_answer)
        page.keyboard.press("c")
        page.wait_for_selector("#approve:not([disabled])")
        page.keyboard.press("a")
        page.click("#confirm-approve")
        page.wait_for_selector("dialog .error:has-text('不會重複決定')")
        page.click("#confirm-approve")
        page.wait_for_selector("#queue, .empty")
    assert len(keys) == 2 and keys[0] == keys[1]
    assert item(client, queue.reviewer, target)["status"] == "approved"
    assert decisions_of(rt, target) == 1


def test_a_lost_claim_is_said_plainly(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=1)
    target = queue.applications[0]
    other = flow.staff(rt, "other@ttd.example", ["TTD"])
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.keyboard.press("c")
        page.wait_for_selector("#approve:not([disabled])")
        # Meanwhile the claim is released and another reviewer takes the item.
        assert client.delete(f"/review/v1/items/{target}/claim", headers=queue.reviewer).is_success
        assert client.post(f"/review/v1/items/{target}/claim", headers=other).status_code == 200
        page.keyboard.press("a")
        page.keyboard.press("Enter")
        alert = page.wait_for_selector("dialog .error:has-text('認領')")
        assert "HTTP" not in alert.inner_text() and "409" not in alert.inner_text()
    assert item(client, other, target)["status"] == "in_review"
    assert decisions_of(rt, target) == 0


def test_a_hostile_title_and_file_name_stay_text(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=0, post=True)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.goto(f"{base}/review/#/item/{queue.post}")
        console.wait_for_document(page)
        assert page.inner_text(".panel .post-title") == HOSTILE_TITLE
        assert page.inner_text(".file-name") == HOSTILE_FILE
        assert page.locator("img[src='x']").count() == 0 and page.locator("b").count() == 0
        screenshot(page, "05-post")
    assert dialogs == []


def test_a_document_is_zoomed_and_rotated(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=0, post=True)
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.goto(f"{base}/review/#/item/{queue.post}")
        console.wait_for_document(page)
        fitted = page.eval_on_selector("img.doc", "img => img.getBoundingClientRect().width")
        page.click("#zoom-in")
        zoomed = page.eval_on_selector("img.doc", "img => img.getBoundingClientRect().width")
        page.click("#rotate")
        turned = page.eval_on_selector("img.doc", "img => img.style.transform")
    assert zoomed > fitted * 1.2 and "rotate(90deg)" in turned


def test_deliveries_are_marked_delivered_once(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=0, deliverable=True)
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.click("a[href='#/deliveries']")
        page.wait_for_selector("#deliveries")
        screenshot(page, "06-deliveries")
        page.check("#pick-all")
        page.click("#mark-delivered")
        page.wait_for_selector(".empty")
    assert item(client, queue.reviewer, queue.deliverable)["status"] == "delivered"
    assert client.get("/review/v1/deliveries", headers=queue.reviewer).json() == []


def test_printing_deliveries_opens_the_servers_pdf(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=0, deliverable=True)
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.goto(f"{base}/review/#/deliveries")
        page.check(f"input.pick[value='{queue.deliverable}']")
        with (
            page.expect_response(lambda r: "/deliveries/print" in r.url) as answered,
            page.context.expect_page() as opened,
        ):
            page.click("#print")
        assert answered.value.status == 200
        assert answered.value.headers["content-type"] == "application/pdf"
        assert opened.value.url.startswith("blob:")
    # Printing is not delivering: the post still waits to be handed over.
    assert item(client, queue.reviewer, queue.deliverable)["status"] == "approved"


def test_no_request_leaves_the_servers_origin(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=1)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.keyboard.press("c")
        console.wait_for_document(page)
        page.keyboard.press("?")
        page.wait_for_selector("dialog table.keys")
        screenshot(page, "12-help")
        page.keyboard.press("Escape")
        page.click("#lang")
        page.wait_for_selector("text=Queue")
        page.goto(f"{base}/review/#/deliveries")
        page.wait_for_selector("#deliveries, .empty")
    outside = [u for u in requested if not (u.startswith(f"{base}/") or u.startswith("blob:"))]
    assert requested and outside == []


def test_english_switch_and_a_tablet_screen(client, rt, mail, browser):
    queue = console.build_queue(client, rt, mail, applications=1)
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    try:
        with live_server(rt) as base:
            sign_in(page, base, queue.reviewer)
            page.click("#lang")
            page.wait_for_selector("#claim-next:has-text('Claim next')")
            page.keyboard.press("c")
            console.wait_for_document(page)
            wide = page.evaluate("document.documentElement.scrollWidth")
            screenshot(page, "07-tablet-english")
            page.click("#lang")
    finally:
        context.close()
    assert wide <= TABLET["width"]


def test_an_administrator_overrules_an_appeal_after_seeing_the_post(client, rt, mail, page):
    reviewer, fam, app_id = posting.served_family(client, rt, mail)
    boss = posting.admin_of(rt)
    post_id = posting.rejected_post(client, reviewer, fam, app_id, title="孩子的畫")
    strike_id = posting.strikes_of(client, fam)[0]["id"]
    assert posting.appeal(client, fam, strike_id, "那是孩子畫的圖，不是暗號。").status_code == 200
    with live_server(rt) as base:
        sign_in(page, base, boss)
        page.click("a[href='#/appeals']")
        page.wait_for_selector("#appeals:has-text('那是孩子畫的圖')")
        screenshot(page, "08-appeals")
        page.click("#appeals a")
        page.wait_for_selector(".panel .post-title:has-text('孩子的畫')")
        assert post_id in page.url
        page.go_back()
        assert page.inner_text("#appeals .appealed-post .post-title") == "孩子的畫"
        page.click("#appeals button.overrule")
        page.wait_for_selector(".empty")
    assert posting.strikes_of(client, fam)[0]["appeal_outcome"] == "overruled"


def test_a_reviewer_sees_no_administrators_tab(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=0)
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        assert page.locator("a[href='#/deliveries']").count() == 1
        assert page.locator("a[href='#/appeals']").count() == 0


def test_reports_chart_the_last_thirty_days_and_download_as_csv(client, rt, mail, page):
    queue = console.build_queue(client, rt, mail, applications=1)
    target = queue.applications[0]
    assert flow.claim_and_decide(client, queue.reviewer, target, "reject", "other").is_success
    with live_server(rt) as base:
        sign_in(page, base, queue.reviewer)
        page.click("a[href='#/reports']")
        page.wait_for_selector("#report-chart rect")
        totals = page.inner_text("#report-totals")
        assert "退件\n1" in totals and "收件\n1" in totals
        screenshot(page, "09-reports")
        with page.expect_download() as downloaded:
            page.click("#report-csv")
        csv_text = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.startswith("date,institution,received")


def test_an_administrator_adds_staff_sees_the_token_once_and_reads_the_audit_log(
    client, rt, mail, page
):
    queue = console.build_queue(client, rt, mail, applications=0)
    with live_server(rt) as base:
        sign_in(page, base, queue.admin)
        page.click("a[href='#/staff']")
        page.click("#add-staff")
        page.fill("#staff-name", "<i>林</i>審核員")
        page.fill("#staff-email", "lin@ttd.example")
        page.click("#save-staff")
        token = page.input_value("#new-token")
        screenshot(page, "10-staff-token")
        page.keyboard.press("Escape")
        page.wait_for_selector("#staff td:has-text('<i>林</i>審核員')")
        page.click("a[href='#/audit']")
        page.wait_for_selector("#audit td:has-text('新增工作人員')")
        screenshot(page, "11-audit")
    listed = client.get("/review/v1/staff", headers=queue.admin).json()
    assert [s["email"] for s in listed].count("lin@ttd.example") == 1
    newcomer = {"Authorization": f"Bearer {token}"}
    assert client.get("/review/v1/reasons", headers=newcomer).status_code == 200


def test_an_administrator_reopens_a_decided_item_with_a_reason(client, rt, page):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    boss = posting.admin_of(rt)
    (queued,) = fill_queue(rt, 1)
    assert flow.claim_and_decide(client, reviewer, queued.id).is_success
    with live_server(rt) as base:
        sign_in(page, base, boss)
        page.goto(f"{base}/review/#/item/{queued.id}")
        page.click("#reopen")
        page.fill("#reopen-reason", "核准時漏看了戶籍謄本的日期。")
        page.dblclick("#send-reopen")
        page.wait_for_selector("#claim:not([disabled])")
    assert item(client, reviewer, queued.id)["status"] == "awaiting_review"
    audit = client.get("/review/v1/audit", params={"action": "reopen"}, headers=boss).json()
    assert len(audit) == 1
