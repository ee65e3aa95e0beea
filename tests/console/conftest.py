"""What the console's browser tests share: one headless Debian chromium per module, a fresh
browser context (no storage carried over) per test at 1366×768."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import console
from tests.support.console import DESKTOP


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
