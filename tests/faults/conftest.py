"""Fixtures of the fault tests: real worker/API/redis processes, always stopped afterwards."""

import io
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from moderation.statuses import Status
from storage.models import CheckResult, Submission
from tests.conftest import BACKEND
from tests.faults.procs import Processes
from tests.support.db import writing
from usecases.runtime import Runtime

#: Tests of real worker, API and Redis processes: slow, and on the production backend only.
REAL_PROCESSES = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BACKEND != "production",
        reason="needs real worker processes sharing PostgreSQL and Redis (FAMILYBOOK_TEST_BACKEND="
        "production); the embedded backend's broker lives inside the test process",
    ),
]


@pytest.fixture
def procs(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Processes]:
    processes = Processes(tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(processes.tail())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@lru_cache
def slow_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel photo of noise: its check (decode, re-encode) takes a moment."""
    img = Image.effect_noise((width, height), 30).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def slow_application_files(count: int = 2) -> list[tuple[str, tuple[str, bytes, str]]]:
    from tests.support import files

    parts = [
        ("identity_documents", (f"id-{i}.jpg", slow_jpeg(), "image/jpeg")) for i in range(count)
    ]
    pdf = ("戶籍謄本.pdf", files.household_pdf(), "application/pdf")
    parts.append(("relationship_documents", pdf))
    return parts


def statuses(rt: Runtime, ids: list[str]) -> dict[str, str]:
    with writing(rt) as session:
        query = select(Submission.id, Submission.status).where(Submission.id.in_(ids))
        return {i: s for i, s in session.execute(query)}


def all_in(rt: Runtime, ids: list[str], wanted: set[str]) -> bool:
    found = statuses(rt, ids)
    return len(found) == len(ids) and all(s in wanted for s in found.values())


def check_rows(rt: Runtime) -> tuple[int, int]:
    """(check result rows, distinct (attempt, file, check) among them)."""
    with writing(rt) as session:
        total = session.scalar(select(func.count()).select_from(CheckResult)) or 0
        distinct = (
            session.scalar(
                select(func.count()).select_from(
                    select(CheckResult.attempt_id, CheckResult.file_key, CheckResult.code)
                    .distinct()
                    .subquery()
                )
            )
            or 0
        )
    return total, distinct


CHECKED = {Status.AWAITING_REVIEW.value, Status.NEEDS_FIX.value}
