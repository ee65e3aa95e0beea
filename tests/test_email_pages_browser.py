"""The pages a family opens from an email, in a real headless Chromium at a phone's size
(412×915): they work by tapping, read large, fit the screen and load nothing from outside.

Chromium comes from Debian (scripts/setup.sh installs it); Playwright drives it. Without it
these tests fail rather than skip: a page nobody looked at is what they exist to prevent.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support import flow
from tests.support.live import live_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 412, "height": 915}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
NEW_PASSWORD = "a brand new secret"
#: Sizes the pages promise (ingest/pages.py): readable at arm's length, easy to tap.
MIN_BODY_FONT_PX = 18
MIN_BUTTON_PX = 44


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.console_messages.append(m.text))  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
    yield page
    assert outside == [], f"the page loaded from outside: {outside}"
    context.close()


@pytest.fixture
def site(rt) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with live_server(rt) as base:
        yield base


def _link(mail, address: str, path: str, base: str) -> str:  # type: ignore[no-untyped-def]
    """The link in the real email, pointed at the live server instead of PUBLIC_URL."""
    for msg in mail.wait_for(address, 1):
        match = re.search(rf"https?://\S+/{path}\?token=[A-Za-z0-9_\-]+", msg.get_content())
        if match:
            return re.sub(r"^https?://[^/]+", base, match.group(0))
    raise AssertionError(f"no {path} link in the mail to {address}")


def _measure(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        """() => ({
            body: parseFloat(getComputedStyle(document.body).fontSize),
            smallest: Math.min(...[...document.querySelectorAll('p, label, span, button, input')]
                .map(e => parseFloat(getComputedStyle(e).fontSize))),
            buttons: [...document.querySelectorAll('button')]
                .map(b => b.getBoundingClientRect().height),
            scrollWidth: document.documentElement.scrollWidth,
            width: window.innerWidth,
        })"""
    )
    return result


def _assert_made_for_a_phone(page: Page, shot: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    m = _measure(page)
    assert m["body"] >= MIN_BODY_FONT_PX and m["smallest"] >= MIN_BODY_FONT_PX, m
    assert all(h >= MIN_BUTTON_PX for h in m["buttons"]), m
    assert m["scrollWidth"] <= m["width"], m  # nothing overflows sideways
    assert "家庭聯絡簿" in page.inner_text("header") and "Familybook" in page.inner_text("header")
    blocked = [t for t in page.console_messages if "Content Security Policy" in t]  # type: ignore[attr-defined]
    assert blocked == []


def test_the_verify_page_works_by_tapping_on_a_phone(client, mail, site, phone):
    # Given the link in a real verification email
    client.post("/api/v1/accounts", json=flow.registration("tap@example.com"))
    link = _link(mail, "tap@example.com", "verify-email", site)
    # When the family opens it on a phone
    phone.goto(link)
    _assert_made_for_a_phone(phone, "verify-email")
    # And taps the button
    phone.get_by_role("button").click()
    phone.wait_for_load_state()
    # Then the account is verified, and the answer is as readable
    assert "驗證完成" in phone.inner_text("main")
    _assert_made_for_a_phone(phone, "verify-email-done")
    login = {"email": "tap@example.com", "password": flow.PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 201


def test_the_reset_page_sets_a_new_password_by_tapping_on_a_phone(client, mail, site, phone):
    # Given the link in a real forgot-password email
    flow.family(client, mail, "phone@example.com")
    mail.clear()
    client.post("/api/v1/accounts/password-reset", json={"email": "phone@example.com"})
    link = _link(mail, "phone@example.com", "reset-password", site)
    # When the family opens it, types the new password twice and taps the button
    phone.goto(link)
    _assert_made_for_a_phone(phone, "reset-password")
    phone.get_by_label("新密碼New password").fill(NEW_PASSWORD)
    phone.get_by_label("再輸入一次新密碼").fill(NEW_PASSWORD)
    phone.get_by_role("button").click()
    phone.wait_for_load_state()
    # Then the new password is the one that logs in
    assert "新密碼已設定" in phone.inner_text("main")
    _assert_made_for_a_phone(phone, "reset-password-done")
    login = {"email": "phone@example.com", "password": NEW_PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 201


def test_a_used_reset_link_says_so_on_a_phone(client, mail, site, phone):
    flow.family(client, mail, "used@example.com")
    mail.clear()
    client.post("/api/v1/accounts/password-reset", json={"email": "used@example.com"})
    link = _link(mail, "used@example.com", "reset-password", site)
    token = link.split("token=")[1]
    body = {"token": token, "password": NEW_PASSWORD}
    assert client.post("/api/v1/accounts/password-reset/confirm", json=body).status_code == 200
    phone.goto(link)
    assert "無效或已使用過" in phone.inner_text("main")
    assert phone.locator("form").count() == 0
    _assert_made_for_a_phone(phone, "reset-password-used")


def test_two_different_passwords_are_shown_as_a_problem_and_the_form_stays(
    client, mail, site, phone
):
    flow.family(client, mail, "typo@example.com")
    mail.clear()
    client.post("/api/v1/accounts/password-reset", json={"email": "typo@example.com"})
    phone.goto(_link(mail, "typo@example.com", "reset-password", site))
    phone.get_by_label("新密碼New password").fill(NEW_PASSWORD)
    phone.get_by_label("再輸入一次新密碼").fill("a different secret")
    phone.get_by_role("button").click()
    phone.wait_for_load_state()
    assert "兩次輸入的密碼不同" in phone.get_by_role("alert").inner_text()
    assert phone.locator("form").count() == 1
    _assert_made_for_a_phone(phone, "reset-password-mismatch")
    login = {"email": "typo@example.com", "password": flow.PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 201  # nothing changed
