"""CPU seconds per pipeline stage per application, measured on real worker processes.

Used by `bench_load.py` (pipeline part). Wall time on a shared 2-core machine says more about the
neighbours than about us; the CPU a process and its children used does not. One worker process
per stage (`--queues checks`, `ocr`, `mail`; one thread each) runs at the same time, so every
process's CPU belongs to one stage. A process's CPU is read from /proc for it and all its
descendants: the checks' forkserver and its (reaped) children, the tesseract pool child.

Start-up is left out: one warm-up application goes through every stage first (imports, the
forkserver's preload, tesseract's model), then the counters are read, then `n` applications are
sent and drained. Each worker's idle CPU (polling Redis, heartbeats, the sweeper), measured
just before, is subtracted for the time the batch took.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")
STAGES = ("checks", "ocr", "mail")


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of `pid` and every descendant, living or reaped."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime: a reaped child's CPU is in its reaper's c-times,
            # a living child's only in its own utime/stime, so nothing is counted twice.
            total += sum(int(x) for x in fields[11:15]) / TICK
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited between listing and reading: its CPU is in its parent's c-times
    return total


def wait_idle(pids: list[int], timeout: float = 120.0) -> None:
    """Until the processes have finished starting (imports, connections): CPU flat for 1 s."""
    deadline = time.monotonic() + timeout
    last = sum(tree_cpu(p) for p in pids)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = sum(tree_cpu(p) for p in pids)
        if now - last < 0.05 * len(pids):
            return
        last = now
    raise TimeoutError("the workers never went idle")


def idle_rates(pids: dict[str, int], seconds: float = 4.0) -> dict[str, float]:
    """CPU seconds per second each worker uses with nothing to do."""
    before = {s: tree_cpu(p) for s, p in pids.items()}
    time.sleep(seconds)
    return {s: max(0.0, (tree_cpu(p) - before[s]) / seconds) for s, p in pids.items()}


def measure(
    start_worker: Callable[[str], Any],
    stop_worker: Callable[[Any], None],
    run_batch: Callable[[int], None],
    n: int,
) -> dict[str, float]:
    """CPU seconds per application for each stage, and the workers' idle CPU per second.
    `start_worker(queues)` returns a Popen; `run_batch(k)` sends k applications and returns
    once they went through every stage (checks, OCR, a reviewer's decision and its email)."""
    workers = {stage: start_worker(stage) for stage in STAGES}
    try:
        pids = {stage: proc.pid for stage, proc in workers.items()}
        wait_idle(list(pids.values()))
        run_batch(1)  # the warm-up: every stage's start-up costs happen here
        idle = idle_rates(pids)
        before = {s: tree_cpu(p) for s, p in pids.items()}
        started = time.monotonic()
        run_batch(n)
        elapsed = time.monotonic() - started
        used = {s: tree_cpu(p) - before[s] - idle[s] * elapsed for s, p in pids.items()}
    finally:
        for proc in workers.values():
            stop_worker(proc)
    return {"idle/s": sum(idle.values()), **{s: max(0.0, used[s]) / n for s in STAGES}}
