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


def _nice_of(stat_file: Path) -> int:
    # /proc/<pid>/stat: the command name (field 2) may hold spaces; nice is field 19.
    fields = stat_file.read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


def _thread_nices(pid: int) -> list[int]:
    return [_nice_of(task / "stat") for task in Path(f"/proc/{pid}/task").iterdir()]


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "production", reason="a worker process needs Redis")
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc")
def test_a_worker_process_and_all_its_threads_run_at_the_configured_lower_priority(rt):
    env = {**os.environ, "FAMILYBOOK_WORKER_NICE": "7"}
    args = ["worker", "--queues", "mail", "--threads", "2"]
    worker = subprocess.Popen(
        [sys.executable, "-m", "familybook.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Started: the two worker threads and dramatiq's own exist beside the main thread.
        flow.wait_for(lambda: len(_thread_nices(worker.pid)) >= 4, timeout=30, what="threads")
        assert set(_thread_nices(worker.pid)) == {7}
    finally:
        worker.terminate()
        worker.wait(timeout=40)
