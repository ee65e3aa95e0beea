"""A queue for the reviewer console's browser tests, built by the real flow: families register,
upload real files, the real check workers pass them, OCR reads the ID card; and a browser
driving the console against a real server (tests/test_console.py)."""

import csv
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from storage.models import Attempt, Decision
from tests.support import files, flow
from tests.support.db import writing
from tests.support.mail import MailSink
from usecases import administration as admin
from usecases import ocr_prefill
from usecases.runtime import Runtime

#: Debian's browser: Playwright's own download cannot reach the internet from here.
CHROMIUM = "/usr/bin/chromium"
#: A name that would run script if the console ever parsed data as HTML.
HOSTILE_FILE = "<img src=x onerror=alert(1)>.png"
HOSTILE_TITLE = "<b>成績</b><img src=x>"
#: The screens the console is made for: a 1366×768 laptop and a tablet held upright.
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
#: Requests under way, per tracked page (track_requests).
_PENDING: dict[int, set[Any]] = {}
#: More inmates than flow.institution's roster: one service each.
EXTRA_INMATES = ("8101", "8102", "8103", "8104")


@dataclass
class Queue:
    reviewer: dict[str, str]
    admin: dict[str, str]
    #: Applications awaiting review, oldest first; the first has its register as a PDF and,
    #: when asked, its OCR pre-fill.
    applications: list[str]
    #: A post awaiting review with the hostile file name and title (when asked for).
    post: str | None
    #: An approved post waiting for delivery (when asked for).
    deliverable: str | None


def _more_inmates(rt: Runtime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "r.csv"
        with open(roster, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(admin.ROSTER_COLUMNS)
            for n, callsign in enumerate(EXTRA_INMATES):
                w.writerow([callsign, f"測試收容人{n}", "2016-04-01", "", ""])
        admin.import_inmates(rt, "TTD", roster)


def _read_id_card(rt: Runtime, app_id: str) -> None:
    """Real tesseract on the application's documents, as the OCR worker would run it."""
    with writing(rt) as session:
        query = select(Attempt.id).where(Attempt.submission_id == app_id)
        attempt_id = session.scalars(query).one()
    ocr_prefill.run_ocr(rt, attempt_id)


def _hostile_post(client: TestClient, fam: flow.Family, app_id: str, title: str) -> str:
    r = client.post(
        "/api/v1/posts",
        headers=fam.headers,
        data={"application_id": app_id, "title": title, "body": "小明數學考了九十分。\n很想念你。"},
        files=[("attachments", (HOSTILE_FILE, files.png_photo(), "image/png"))],
    )
    assert r.status_code == 202, r.text
    post_id: str = r.json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    return post_id


def build_queue(
    client: TestClient,
    rt: Runtime,
    mail: MailSink,
    *,
    applications: int = 1,
    ocr: bool = False,
    post: bool = False,
    deliverable: bool = False,
) -> Queue:
    """Applications awaiting review (the first read by OCR when `ocr`); with `post`, a post
    awaiting review with a hostile title and file name; with `deliverable`, an approved post
    waiting for delivery. Each costs an upload and its checks: a test asks for what it needs."""
    flow.institution(rt)
    _more_inmates(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    boss = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    callsigns = ("7375", "7376", *EXTRA_INMATES[2:])
    app_ids, fams = [], []
    for n in range(applications):
        fam = flow.family(client, mail, f"family{n}@example.com", n=n + 1)
        card = files.id_card_jpeg(name="王小明", national_id=fam.national_id)
        parts = [("identity_documents", ("身分證.jpg", card, "image/jpeg"))]
        # The first family sends the household register as the office prints it: a PDF.
        parts += flow.application_files(register_pdf=n == 0)[1:]
        app_ids.append(flow.apply(client, fam, callsign=callsigns[n], files_=parts).json()["id"])
        fams.append(fam)
    post_id = ready = None
    if post:
        poster, service = flow.served_family(client, mail, "poster@example.com", 20, "8101")
        post_id = _hostile_post(client, poster, service, HOSTILE_TITLE)
    if deliverable:
        sender, service2 = flow.served_family(client, mail, "sender@example.com", 21, "8102")
        ready = _hostile_post(client, sender, service2, "給爸爸的信")
        assert flow.claim_and_decide(client, boss, ready).status_code == 200
    for fam, app_id in zip(fams, app_ids, strict=True):
        flow.wait_status(client, fam, app_id, {"awaiting_review"})
    if ocr:
        _read_id_card(rt, app_ids[0])
    return Queue(reviewer, boss, app_ids, post_id, ready)


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian chromium under Playwright. Missing, it fails the test: never a skip."""
    from playwright.sync_api import sync_playwright

    if shutil.which(CHROMIUM) is None:
        raise AssertionError(f"{CHROMIUM} is missing: run scripts/setup.sh (apt chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str, settle_ms: int = 0) -> None:
    """Saved under FAMILYBOOK_CONSOLE_SCREENSHOTS when set (docs/screenshots/ are made so);
    `settle_ms` lets what draws itself late (the browser's PDF viewer) finish first."""
    folder = os.environ.get("FAMILYBOOK_CONSOLE_SCREENSHOTS")
    if folder:
        page.wait_for_timeout(settle_ms)
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"console-{name}.png"))


def sign_in(page: Any, base: str, headers: dict[str, str]) -> None:
    """Paste the staff token into the sign-in form, as a reviewer does."""
    page.goto(f"{base}/review/")
    page.fill("#token", headers["Authorization"].removeprefix("Bearer "))
    page.click("#sign-in")
    page.wait_for_selector("#queue, .empty")


def track_requests(page: Any) -> None:
    """Count the page's requests still under way, for `settle`."""
    pending: set[Any] = set()
    # Lambdas: Playwright marks its handlers with an attribute, which builtins cannot take.
    page.on("request", lambda r: pending.add(r))
    page.on("requestfinished", lambda r: pending.discard(r))
    page.on("requestfailed", lambda r: pending.discard(r))
    _PENDING[id(page)] = pending


def settle(page: Any, timeout: float = 10.0) -> None:
    """Until every request the page sent has been answered (or failed), so that what is checked
    through the API afterwards includes a stray second request, had the console sent one: the
    server is shared by the module's tests and no longer stopped (and drained) before checks."""
    page.wait_for_timeout(200)  # a request the last key or click started is announced by then
    pending = _PENDING[id(page)]
    while pending:
        if timeout <= 0:
            raise AssertionError(f"requests still under way: {[r.url for r in pending]}")
        page.wait_for_timeout(50)
        timeout -= 0.05


def wait_for_document(page: Any, timeout: float = 10.0) -> None:
    """Until the document image has decoded (polled from here: the page's CSP forbids the
    evaluated strings Playwright's own polling would run inside it)."""
    image = page.wait_for_selector("img.doc")

    def decoded() -> bool:
        return bool(image.evaluate("img => img.complete && img.naturalWidth > 0"))

    flow.wait_for(decoded, timeout, "the document image")


def decisions_of(rt: Runtime, item_id: str) -> int:
    """How many decisions the item got (a double click or a retry must not make two)."""
    with writing(rt) as session:
        query = select(func.count()).select_from(Decision).where(Decision.submission_id == item_id)
        return int(session.scalar(query) or 0)


def item(client: TestClient, headers: dict[str, str], item_id: str) -> dict[str, Any]:
    """The item as the review API answers it."""
    r = client.get(f"/review/v1/items/{item_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def forget(page: Any) -> None:
    _PENDING.pop(id(page), None)
