"""Running the file checks in a child process, so that no hostile file can stall or kill a worker.

Decoders (libjpeg, libpng, zlib, pdfium, libmagic) are native code fed with untrusted bytes. A
crafted file may make one loop, balloon or crash; in the worker's own process that would be a
hung thread, an OOM-killed worker or a lost message. Here they run in a child under:
- a wall-clock timeout per file (`timeout_s`), enforced by the parent, which kills the child;
- RLIMIT_AS (`memory_bytes`): an allocation past it fails as MemoryError inside Python, or
  kills the native decoder; RLIMIT_CPU as a backstop if the parent itself dies;
- a verdict for every ending: `check_timed_out`, `check_crashed`, `check_out_of_memory`.

One child checks all files of a submission in order and sends each file's result as soon as it
has it; when the child dies on file k, files before k keep their results and a new child takes
the files after k. Children fork from a `forkserver` that has already imported Pillow, pypdf,
pypdfium2 and libmagic, so a child costs ~15 ms instead of ~400 ms for a fresh interpreter, and
the forkserver is a clean single-threaded process (forking a threaded dramatiq worker is not).
A child is not given the parent's main script to run again (multiprocessing's default: for
`familybook worker` that script imports the whole application, ~0.7 CPU s per submission, more
than the checks of a typical application take); everything it runs is imported by name.

Timeouts and crashes are sent back to the family as "needs fixing" (like any failed check) with
advice to re-save the file; they are logged as warnings because a legitimate file that hits a
limit would mean the limits are wrong.
"""

import importlib
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.spawn
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from moderation.checks.base import (
    CheckCode,
    CheckContext,
    CheckOutcome,
    CheckReport,
    FileFacts,
    FileUnderCheck,
    display_name,
    fail,
)
from moderation.checks.pipeline import (
    check_error,
    check_submission,
    merge_same_code,
    out_of_memory,
)

log = logging.getLogger(__name__)

#: What the child runs for each file: "module:function" taking (file, ctx) and returning
#: (outcomes, facts). Tests point it at deliberately hostile functions.
DEFAULT_RUNNER = "moderation.checks.pipeline:check_file"
#: Modules the forkserver imports once, so that every child starts with them loaded.
PRELOAD = ["moderation.checks.pipeline"]
#: Extra CPU seconds a child gets over its files' timeouts before the kernel stops it.
CPU_GRACE_S = 5
#: The checking children's process name; also how `_preparation_data` recognises them.
CHILD_NAME = "familybook-checks"

_mp_context: BaseContext | None = None


def run_checks_isolated(
    files: list[FileUnderCheck],
    ctx: CheckContext,
    *,
    timeout_s: float = 60,
    memory_bytes: int = 1_500_000_000,
    total_timeout_s: float | None = None,
    runner: str = DEFAULT_RUNNER,
) -> CheckReport:
    """Like `pipeline.run_checks`, with every file's checks in a limited child process.

    `timeout_s` applies to each file; `memory_bytes` is the child's address-space ceiling;
    `total_timeout_s`, if given, bounds the whole submission (keep it under the actor's
    dramatiq time limit: files still unchecked then get `check_timed_out`).
    """
    report = CheckReport()
    report.outcomes.extend(check_submission(files, ctx))
    deadline = None if total_timeout_s is None else time.monotonic() + total_timeout_s
    pending = list(files)
    while pending:
        if deadline is not None and time.monotonic() >= deadline:
            for file in pending:  # no child for files that have no time left at all
                report.outcomes.append(_death_verdict(file, "timeout", None))
                report.facts[file.file_id] = FileFacts()
            break
        limits = _Limits(timeout_s, memory_bytes, deadline)
        handled, peak = _run_child(pending, ctx, report, limits, runner)
        report.peak_rss_bytes = max(report.peak_rss_bytes or 0, peak) or None
        pending = pending[handled:]
    report.outcomes = merge_same_code(report.outcomes)
    return report


def _context() -> BaseContext:
    global _mp_context
    if _mp_context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _mp_context = multiprocessing.get_context("forkserver")
            _mp_context.set_forkserver_preload(PRELOAD)
        else:  # macOS developers' laptops and Windows: slower, same guarantees
            _mp_context = multiprocessing.get_context("spawn")
        _skip_main_in_children()
    return _mp_context


def _skip_main_in_children() -> None:
    """Children named CHILD_NAME start without running the parent's `__main__` again.

    multiprocessing re-runs the parent's main script in every forkserver/spawn child, in case
    the target was defined there; ours never is (`_child_main` and the runners are imported by
    name). Preloading "__main__" in the forkserver would avoid it once per worker, but Python
    3.11 never passes the main path to the forkserver (it asks `get_preparation_data` for a
    "main_path" key that is called "init_main_from_path"). So the preparation data of our
    children, and only theirs, leaves the main module out. Installed once; other processes
    started by the same program are untouched."""
    original = multiprocessing.spawn.get_preparation_data
    if getattr(original, "familybook_checks", False):
        return

    def preparation_data(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        if name == CHILD_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    preparation_data.familybook_checks = True  # type: ignore[attr-defined]
    multiprocessing.spawn.get_preparation_data = preparation_data


@dataclass(frozen=True)
class _Limits:
    timeout_s: float
    memory_bytes: int
    #: time.monotonic() value after which no file may run any longer, if any.
    deadline: float | None

    def wait_s(self) -> float:
        """How long to wait for the next file's result."""
        if self.deadline is None:
            return self.timeout_s
        return max(0.0, min(self.timeout_s, self.deadline - time.monotonic()))


def _run_child(
    files: list[FileUnderCheck],
    ctx: CheckContext,
    report: CheckReport,
    limits: _Limits,
    runner: str,
) -> tuple[int, int]:
    """Check `files` in one child until done or until it dies; return (files handled, peak)."""
    mp = _context()
    receiver, sender = mp.Pipe(duplex=False)
    cpu_s = int(limits.timeout_s * len(files)) + CPU_GRACE_S
    child = mp.Process(
        target=_child_main,
        args=(sender, files, ctx, limits.memory_bytes, cpu_s, runner),
        daemon=True,
        name=CHILD_NAME,
    )
    child.start()
    sender.close()  # the parent keeps only its reading end, so EOF means the child is gone
    peak = 0
    try:
        for handled, file in enumerate(files):
            message = _receive(receiver, limits.wait_s())
            if message is None or isinstance(message, str):
                _end_child(child)
                outcome = _death_verdict(file, message, child.exitcode)
                report.outcomes.append(outcome)
                report.facts[file.file_id] = FileFacts()
                _remove_partial_outputs(file, ctx)
                return handled + 1, peak
            outcomes, facts, peak = message
            report.outcomes.extend(outcomes)
            report.facts[file.file_id] = facts
        return len(files), peak
    finally:
        receiver.close()
        _end_child(child)


def _receive(receiver: multiprocessing.connection.Connection, timeout_s: float) -> Any:
    """The child's next message; "timeout" if none came in time, None if the child died."""
    if not receiver.poll(timeout_s):
        return "timeout"
    try:
        return receiver.recv()
    except (EOFError, OSError):
        return None


def _end_child(child: BaseProcess) -> None:
    if child.is_alive():
        child.kill()
    child.join(timeout=5)


def _death_verdict(file: FileUnderCheck, message: str | None, exitcode: int | None) -> CheckOutcome:
    """Why the child ended without a result for `file`, as a verdict the family can act on."""
    name = display_name(file.original_name)
    if message == "timeout" or exitcode == -signal.SIGXCPU:
        log.warning("checks of file %s timed out", file.file_id)
        return fail(
            file.file_id,
            CheckCode.CHECK_TIMED_OUT,
            f"「{name}」檢查太久沒有完成，檔案可能過於複雜。"
            "請縮小照片，或用「列印 > 另存為 PDF」重新產生檔案後再上傳。",
            f"Checking '{name}' took too long; resize the photo or re-save the PDF.",
        )
    if exitcode == -signal.SIGKILL:  # not us (we only kill on timeout): the kernel's OOM killer
        log.warning("checks of file %s were killed (memory?)", file.file_id)
        return out_of_memory(file)
    log.warning("checks of file %s crashed the decoder (exit code %s)", file.file_id, exitcode)
    return fail(
        file.file_id,
        CheckCode.CHECK_CRASHED,
        f"「{name}」無法安全地開啟（檔案可能已損壞）。請重新拍攝，或重新匯出後再上傳。",
        f"'{name}' could not be opened safely (it may be damaged); take the photo or export "
        "the file again.",
    )


def _remove_partial_outputs(file: FileUnderCheck, ctx: CheckContext) -> None:
    """A killed child may leave half-written copies; they must never be shown to anyone."""
    for path in ctx.work_dir.glob(f"{file.file_id}.*"):
        if path.parent == ctx.work_dir:
            path.unlink(missing_ok=True)


def _child_main(
    sender: multiprocessing.connection.Connection,
    files: list[FileUnderCheck],
    ctx: CheckContext,
    memory_bytes: int,
    cpu_s: int,
    runner: str,
) -> None:
    """Runs in the child: limits first, then one result per file, in order."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing decoder leaves no core file
    check = _resolve(runner)
    for file in files:
        try:
            outcomes, facts = check(file, ctx)
        except MemoryError:
            outcomes, facts = [out_of_memory(file)], FileFacts()
        except Exception:
            log.exception("checks of file %s raised", file.file_id)
            outcomes, facts = [check_error(file)], FileFacts()
        try:
            sender.send((outcomes, facts, _peak_rss_bytes()))
        except (BrokenPipeError, OSError):
            sys.exit(0)  # the parent gave up on us
    sender.close()


def _resolve(runner: str) -> Callable[[FileUnderCheck, CheckContext], Any]:
    module, _, name = runner.partition(":")
    return getattr(importlib.import_module(module), name)


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
