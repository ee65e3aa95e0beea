"""The reviewer console at /review/ as a reviewer works it, driven in headless Debian chromium
against a real server (uvicorn in a thread) with a queue built by the real flow. Every action is
checked afterwards through the API and the database: it happened, and once."""

from tests.support import console, flow
from tests.support.console import (
    HOSTILE_FILE,
    HOSTILE_TITLE,
    decisions_of,
    item,
    screenshot,
    sign_in,
)
from tests.support.queue import fill_queue


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


def test_a_wrong_token_is_refused_in_words_and_sign_out_forgets_the_token(
    client, rt, mail, page, base
):
    queue = console.build_queue(client, rt, mail, applications=0)
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


def test_claim_next_shows_the_document_and_the_ocr_prefill(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=2, ocr=True, post=True)
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
    console.settle(page)
    first = item(client, queue.reviewer, queue.applications[0])
    assert first["status"] == "in_review" and first["claimed_by"] is not None


def test_rejecting_with_a_reason_shows_the_family_wording_and_decides_once(
    client, rt, mail, page, base
):
    queue = console.build_queue(client, rt, mail, applications=1)
    target = queue.applications[0]
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
    console.settle(page)
    assert item(client, queue.reviewer, target)["status"] == "rejected"
    assert decisions_of(rt, target) == 1


def test_a_twenty_item_queue_is_worked_with_the_keyboard_alone(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 20)
    sign_in(page, base, reviewer)
    for _ in items:
        page.keyboard.press("c")
        page.wait_for_selector("#approve:not([disabled])")
        page.keyboard.press("a")
        page.wait_for_selector("#confirm-approve")
        page.keyboard.press("Enter")
        page.wait_for_selector("#queue, .empty")
    page.wait_for_selector(".empty")
    console.settle(page)
    for queued in items:
        assert item(client, reviewer, queued.id)["status"] == "approved"
        assert decisions_of(rt, queued.id) == 1


def test_a_long_queue_pages_by_the_link_header_and_marks_the_overdue(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 55, hours_ago=72)
    sign_in(page, base, reviewer)
    assert page.locator("#queue tbody tr").count() == 50
    assert page.locator("#queue tbody tr.overdue").count() == 50
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("#queue tbody tr.selected").get_attribute("data-id") == items[2].id
    page.click("#next-page")
    page.wait_for_selector("#queue tbody tr:nth-child(5):last-child")
    assert "2" in page.inner_text(".pager span")


def test_searching_and_filtering_the_queue(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 6)
    sign_in(page, base, reviewer)
    page.fill("#filter-q", items[3].family_name)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#queue tbody tr[data-id='{items[3].id}']:only-child")
    assert page.inner_text("#queue tbody tr").count(items[3].callsign) == 1
    page.fill("#filter-q", "")
    page.select_option("#filter-kind", "post")  # no post waits: an empty queue, said so
    page.wait_for_selector(".empty")


def test_a_note_is_written_with_the_n_key_and_kept_once(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    (queued,) = fill_queue(rt, 1)
    sign_in(page, base, reviewer)
    page.keyboard.press("c")
    page.wait_for_selector("#note-text")
    page.keyboard.press("n")
    page.keyboard.type("請注意：戶籍謄本是 2019 年的。")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#notes li:has-text('2019')")
    page.keyboard.press("Control+Enter")  # the field is empty again: nothing more is sent
    console.settle(page)
    notes = item(client, reviewer, queued.id)["notes"]
    assert [n["text"] for n in notes] == ["請注意：戶籍謄本是 2019 年的。"]


def test_a_retry_after_a_lost_answer_decides_once(client, rt, page, base):
    # Seeded straight into the database: what is tested is the console's answer, not the upload.
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    target = fill_queue(rt, 1)[0].id
    keys: list[str] = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the server decides...
            route.abort("connectionreset")  # ...but its answer never reaches the browser
        else:
            route.continue_()

    sign_in(page, base, reviewer)
    page.route("**/decision", lose_the_first_answer)
    page.keyboard.press("c")
    page.wait_for_selector("#approve:not([disabled])")
    page.keyboard.press("a")
    page.click("#confirm-approve")
    page.wait_for_selector("dialog .error:has-text('不會重複決定')")
    page.click("#confirm-approve")
    page.wait_for_selector("#queue, .empty")
    console.settle(page)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert item(client, reviewer, target)["status"] == "approved"
    assert decisions_of(rt, target) == 1


def test_a_lost_claim_is_said_plainly(client, rt, page, base):
    # Seeded straight into the database: what is tested is the console's answer, not the upload.
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    target = fill_queue(rt, 1)[0].id
    other = flow.staff(rt, "other@ttd.example", ["TTD"])
    sign_in(page, base, reviewer)
    page.keyboard.press("c")
    page.wait_for_selector("#approve:not([disabled])")
    # Meanwhile the claim is released and another reviewer takes the item.
    assert client.delete(f"/review/v1/items/{target}/claim", headers=reviewer).is_success
    assert client.post(f"/review/v1/items/{target}/claim", headers=other).status_code == 200
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    alert = page.wait_for_selector("dialog .error:has-text('認領')")
    assert "HTTP" not in alert.inner_text() and "409" not in alert.inner_text()
    console.settle(page)
    assert item(client, other, target)["status"] == "in_review"
    assert decisions_of(rt, target) == 0


def test_a_hostile_title_and_file_name_stay_text(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=0, post=True)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, base, queue.reviewer)
    page.goto(f"{base}/review/#/item/{queue.post}")
    console.wait_for_document(page)
    assert page.inner_text(".panel .post-title") == HOSTILE_TITLE
    assert page.inner_text(".file-name") == HOSTILE_FILE
    assert page.locator("img[src='x']").count() == 0 and page.locator("b").count() == 0
    screenshot(page, "05-post")
    assert dialogs == []


def test_a_document_is_zoomed_and_rotated(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=0, post=True)
    sign_in(page, base, queue.reviewer)
    page.goto(f"{base}/review/#/item/{queue.post}")
    console.wait_for_document(page)
    fitted = page.eval_on_selector("img.doc", "img => img.getBoundingClientRect().width")
    page.click("#zoom-in")
    zoomed = page.eval_on_selector("img.doc", "img => img.getBoundingClientRect().width")
    page.click("#rotate")
    turned = page.eval_on_selector("img.doc", "img => img.style.transform")
    assert zoomed > fitted * 1.2 and "rotate(90deg)" in turned


def test_a_claim_made_in_another_tab_is_shown_as_mine(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    (queued,) = fill_queue(rt, 1)
    assert client.post(f"/review/v1/items/{queued.id}/claim", headers=reviewer).is_success
    sign_in(page, base, reviewer)
    assert page.inner_text("#queue tbody tr .badge-mine") == "由你認領"
    page.keyboard.press("Enter")
    page.wait_for_selector("#approve:not([disabled])")
    assert "由你認領" in page.inner_text("#claim-state")
