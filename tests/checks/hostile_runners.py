"""Stand-ins for a decoder gone wrong, run by `run_checks_isolated(runner=...)` in the child.

The file's name says what to do, so that one batch can mix good and hostile files.
"""

import ctypes
import os
import time

from moderation.checks.base import CheckContext, CheckOutcome, FileFacts, FileUnderCheck
from moderation.checks.pipeline import check_file


def by_name(file: FileUnderCheck, ctx: CheckContext) -> tuple[list[CheckOutcome], FileFacts]:
    name = file.original_name
    if name.startswith("hang"):
        time.sleep(3600)  # a decoder stuck in a loop
    if name.startswith("abort"):
        (ctx.work_dir / f"{file.file_id}.sanitized").write_bytes(b"half a file")
        os.abort()  # a native library calling abort()
    if name.startswith("segfault"):
        ctypes.string_at(0)  # a decoder reading address 0
    if name.startswith("balloon"):
        hoard = bytearray(3_000_000_000)  # past the address-space ceiling: MemoryError
        del hoard
    if name.startswith("spin"):
        while True:  # burns CPU without a system call
            pass
    return check_file(file, ctx)
