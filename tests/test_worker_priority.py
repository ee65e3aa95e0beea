"""Workers yield the cores to the API where both run on one machine (issue 13's load benchmark:
200 families' pages waited behind their own photos' OCR)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKEND
from tests.support import flow

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BACKEND != "production", reason="a worker process needs Redis"),
    pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc"),
]


def _nice_of(stat_file: Path) -> int:
    # /proc/<pid>/stat: the command name (field 2) may hold spaces; nice is field 19.
    fields = stat_file.read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


def _thread_nices(pid: int) -> list[int]:
    return [_nice_of(task / "stat") for task in Path(f"/proc/{pid}/task").iterdir()]


def _thread_policies(pid: int) -> set[int]:
    return {os.sched_getscheduler(int(task.name)) for task in Path(f"/proc/{pid}/task").iterdir()}


def _worker(**env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "familybook.cli", "worker", "--queues", "mail", "--threads", "2"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _started(worker: subprocess.Popen[bytes]) -> None:
    # Started: the two worker threads and dramatiq's own exist beside the main thread.
    flow.wait_for(lambda: len(_thread_nices(worker.pid)) >= 4, timeout=30, what="threads")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    worker.wait(timeout=40)


def test_a_worker_process_and_all_its_threads_run_at_the_configured_lower_priority(rt):
    worker = _worker(FAMILYBOOK_WORKER_NICE="7")
    try:
        _started(worker)
        assert set(_thread_nices(worker.pid)) == {7}
    finally:
        _stop(worker)


def test_every_worker_thread_runs_under_the_idle_policy_so_pages_take_the_core_at_once(rt):
    worker = _worker()
    try:
        _started(worker)
        assert _thread_policies(worker.pid) == {os.SCHED_IDLE}
    finally:
        _stop(worker)


def test_the_idle_policy_can_be_turned_off(rt):
    worker = _worker(FAMILYBOOK_WORKER_SCHED_IDLE="false")
    try:
        _started(worker)
        assert _thread_policies(worker.pid) == {os.SCHED_OTHER}
    finally:
        _stop(worker)
