"""The console beyond the queue: deliveries, what leaves the page, a tablet in English, and the
administrators' screens (appeals, reports, staff, audit log, reopening), in headless chromium
against a real server."""

from pathlib import Path

from tests.support import console, flow, posting
from tests.support.console import TABLET, item, screenshot, sign_in
from tests.support.queue import fill_queue


def test_deliveries_are_marked_delivered_once(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=0, deliverable=True)
    sign_in(page, base, queue.reviewer)
    page.click("a[href='#/deliveries']")
    page.wait_for_selector("#deliveries")
    screenshot(page, "06-deliveries")
    page.check("#pick-all")
    page.click("#mark-delivered")
    page.wait_for_selector(".empty")
    console.settle(page)
    assert item(client, queue.reviewer, queue.deliverable)["status"] == "delivered"
    assert client.get("/review/v1/deliveries", headers=queue.reviewer).json() == []


def test_printing_deliveries_opens_the_servers_pdf(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=0, deliverable=True)
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
    console.settle(page)
    assert item(client, queue.reviewer, queue.deliverable)["status"] == "approved"


def test_no_request_leaves_the_servers_origin(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=1)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
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


def test_english_switch_and_a_tablet_screen(client, rt, mail, browser, base):
    queue = console.build_queue(client, rt, mail, applications=1)
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    try:
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


def test_an_administrator_overrules_an_appeal_after_seeing_the_post(client, rt, mail, page, base):
    reviewer, fam, app_id = posting.served_family(client, rt, mail)
    boss = posting.admin_of(rt)
    post_id = posting.rejected_post(client, reviewer, fam, app_id, title="孩子的畫")
    strike_id = posting.strikes_of(client, fam)[0]["id"]
    assert posting.appeal(client, fam, strike_id, "那是孩子畫的圖，不是暗號。").status_code == 200
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
    console.settle(page)
    assert posting.strikes_of(client, fam)[0]["appeal_outcome"] == "overruled"


def test_a_reviewer_sees_no_administrators_tab(client, rt, mail, page, base):
    queue = console.build_queue(client, rt, mail, applications=0)
    sign_in(page, base, queue.reviewer)
    assert page.locator("a[href='#/deliveries']").count() == 1
    assert page.locator("a[href='#/appeals']").count() == 0
    assert page.locator("a[href='#/suspensions']").count() == 0
    assert page.locator("a[href='#/services']").count() == 0


def test_reports_chart_the_last_thirty_days_and_download_as_csv(client, rt, page, base):
    # Seeded straight into the database: what is tested is the console's answer, not the upload.
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    target = fill_queue(rt, 1)[0].id
    assert flow.claim_and_decide(client, reviewer, target, "reject", "other").is_success
    sign_in(page, base, reviewer)
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
    client, rt, mail, page, base
):
    queue = console.build_queue(client, rt, mail, applications=0)
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
    console.settle(page)
    listed = client.get("/review/v1/staff", headers=queue.admin).json()
    assert [s["email"] for s in listed].count("lin@ttd.example") == 1
    newcomer = {"Authorization": f"Bearer {token}"}
    assert client.get("/review/v1/reasons", headers=newcomer).status_code == 200


def test_an_administrator_reopens_a_decided_item_with_a_reason(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    boss = posting.admin_of(rt)
    (queued,) = fill_queue(rt, 1)
    assert flow.claim_and_decide(client, reviewer, queued.id).is_success
    sign_in(page, base, boss)
    page.goto(f"{base}/review/#/item/{queued.id}")
    page.click("#reopen")
    page.fill("#reopen-reason", "核准時漏看了戶籍謄本的日期。")
    page.dblclick("#send-reopen")
    page.wait_for_selector("#claim:not([disabled])")
    console.settle(page)
    assert item(client, reviewer, queued.id)["status"] == "awaiting_review"
    audit = client.get("/review/v1/audit", params={"action": "reopen"}, headers=boss).json()
    assert len(audit) == 1


def test_finding_what_i_decided(client, rt, page, base):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    decided, waiting = fill_queue(rt, 2)
    assert flow.claim_and_decide(client, reviewer, decided.id, "reject", "other").is_success
    sign_in(page, base, reviewer)
    page.click("a[href='#/finder']")
    page.wait_for_selector("#found")
    assert page.locator("#found tbody tr").count() == 2
    page.check("#find-mine")
    page.click("form.filters button[type='submit']")
    page.wait_for_selector("#found tbody tr:only-child")
    assert decided.family_name in page.inner_text("#found")
    assert waiting.family_name not in page.inner_text("#found")
    screenshot(page, "13-find")
