"""A worker process killed with SIGKILL in the middle of a check: a new worker finishes it."""

import os

import pytest
from sqlalchemy import func, select

from moderation.statuses import Status
from storage.models import Attempt, CheckResult, StoredFile
from tests.conftest import BACKEND, MAIL
from tests.faults.conftest import check_rows, slow_application_files, statuses
from tests.faults.procs import wait_until
from tests.support import flow

pytestmark = pytest.mark.skipif(
    BACKEND != "production",
    reason="needs real worker processes sharing PostgreSQL and Redis (FAMILYBOOK_TEST_BACKEND="
    "production); the embedded backend's broker lives inside the test process",
)


def test_a_worker_killed_mid_check_is_finished_by_a_new_worker_and_stored_once(client, rt, procs):
    flow.institution(rt)
    first = procs.worker(threads=1)
    fam = flow.family(client, MAIL, "a@example.com")
    r = flow.apply(client, fam, files_=slow_application_files())
    assert r.status_code == 202, r.text
    app_id = r.json()["id"]
    # Given a worker in the middle of checking the submission
    wait_until(lambda: statuses(rt, [app_id])[app_id] == Status.CHECKING, 20, "checking")
    # When it is killed without any chance to clean up
    procs.kill(first)
    assert statuses(rt, [app_id])[app_id] == Status.CHECKING, "the check ended before the kill"
    assert check_rows(rt) == (0, 0)
    # Then a new worker (its sweeper) finishes the submission
    procs.worker(threads=1)
    wait_until(
        lambda: statuses(rt, [app_id])[app_id] == Status.AWAITING_REVIEW, 40, "awaiting_review"
    )
    # And its results are stored once: one row per (file, check), files stored once
    total, distinct = check_rows(rt)
    assert total == distinct > 0
    with rt.db.session() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.submission_id == app_id))
        assert attempt is not None and attempt.checked_at is not None
        files = session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt.id)).all()
        per_file = session.execute(
            select(CheckResult.file_key, func.count()).group_by(CheckResult.file_key)
        ).all()
    assert len(files) == 3 and all(f.sanitized_key for f in files)
    referenced = {k for f in files for k in (f.storage_key, f.sanitized_key, f.preview_key) if k}
    stored = {
        name for _, _, names in os.walk(rt.settings.files_dir) for name in names if len(name) == 32
    }
    assert stored == referenced, "a file left behind or stored twice by the killed run"
    assert {key for key, _ in per_file} >= {f.id for f in files}
