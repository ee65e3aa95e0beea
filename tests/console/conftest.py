"""What the console's browser tests share, per module: one headless Debian chromium and one live
server (the whole app under uvicorn, as `familybook serve` runs it) — starting either costs
seconds, and a fresh server would also build its OpenAPI document again for the console's first
page. Tests stay apart by data and by browser context: every test starts from empty tables
(the suite's autouse `clean_state`, which the shared server reads through the same runtime) and
gets a fresh context (no cookies, storage or cache carried over) at 1366×768."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import console
from tests.support.console import DESKTOP
from tests.support.live import live_server
from usecases.runtime import Runtime


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with console.chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def base(database: Runtime) -> Iterator[str]:
    """The shared server's origin (http://127.0.0.1:port)."""
    with live_server(database) as origin:
        yield origin


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-TW")
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    console.track_requests(opened)
    yield opened
    context.close()
    console.forget(opened)
