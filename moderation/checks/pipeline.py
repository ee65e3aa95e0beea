"""The check stage: every stage listed here, in order.

`run_checks` runs in whatever process calls it. Workers call `isolation.run_checks_isolated`,
which runs the same `check_file` for each file in a child process under time and memory
limits; tests and the benchmark may call either.
"""

import logging
import time
from collections.abc import Callable

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
from moderation.checks.filetype import check_file_type
from moderation.checks.images import check_image
from moderation.checks.pdfrender import render_pdf
from moderation.checks.pdfs import check_pdf
from moderation.checks.polyglot import check_polyglot
from moderation.checks.sizes import check_counts, check_sizes

log = logging.getLogger(__name__)

FileStage = Callable[[FileUnderCheck, FileFacts, CheckContext], list[CheckOutcome]]
SubmissionStage = Callable[[list[FileUnderCheck], CheckContext], list[CheckOutcome]]

SUBMISSION_STAGES: tuple[SubmissionStage, ...] = (check_counts, check_sizes)
#: Type first (nothing else may parse a file of the wrong type), then hidden content, then
#: the decoders; `render_pdf` runs only on PDFs whose structure passed `check_pdf`.
FILE_STAGES: tuple[FileStage, ...] = (
    check_file_type,
    check_polyglot,
    check_image,
    check_pdf,
    render_pdf,
)


def run_checks(files: list[FileUnderCheck], ctx: CheckContext) -> CheckReport:
    report = CheckReport()
    report.outcomes.extend(check_submission(files, ctx))
    for file in files:
        outcomes, facts = check_file(file, ctx)
        report.outcomes.extend(outcomes)
        report.facts[file.file_id] = facts
    report.outcomes = merge_same_code(report.outcomes)
    return report


def check_submission(files: list[FileUnderCheck], ctx: CheckContext) -> list[CheckOutcome]:
    """Counts and sizes: cheap, no file is opened, safe in the worker's own process."""
    outcomes: list[CheckOutcome] = []
    for stage in SUBMISSION_STAGES:
        outcomes.extend(stage(files, ctx))
    return outcomes


def check_file(file: FileUnderCheck, ctx: CheckContext) -> tuple[list[CheckOutcome], FileFacts]:
    """One file's stages in order, stopping at its first failure."""
    facts = FileFacts()
    outcomes: list[CheckOutcome] = []
    for stage in FILE_STAGES:
        started = time.perf_counter()
        try:
            result = stage(file, facts, ctx)
        except MemoryError:
            result = [out_of_memory(file)]
        except Exception:
            # A stage must not raise for a bad file; if one does, it is our bug: log it loudly
            # and still give the family a verdict rather than lose the submission.
            log.exception("check stage %s failed on file %s", stage.__name__, file.file_id)
            result = [check_error(file)]
        facts.stage_seconds[stage.__name__] = time.perf_counter() - started
        outcomes.extend(result)
        if any(not o.ok for o in result):
            break
    return outcomes, facts


def merge_same_code(outcomes: list[CheckOutcome]) -> list[CheckOutcome]:
    """One outcome per (file, code): results are stored under that unique key."""
    merged: dict[tuple[str | None, str], CheckOutcome] = {}
    for o in outcomes:
        key = (o.file_id, o.code)
        if key in merged:
            first = merged[key]
            merged[key] = CheckOutcome(
                o.file_id,
                o.code,
                first.ok and o.ok,
                f"{first.message}{o.message}" if first.message != o.message else o.message,
                f"{first.message_en} {o.message_en}"
                if first.message_en != o.message_en
                else o.message_en,
            )
        else:
            merged[key] = o
    return list(merged.values())


def out_of_memory(file: FileUnderCheck) -> CheckOutcome:
    name = display_name(file.original_name)
    return fail(
        file.file_id,
        CheckCode.CHECK_OUT_OF_MEMORY,
        f"「{name}」太大或太複雜，無法自動檢查。"
        "請縮小照片，或用「列印 > 另存為 PDF」重新產生檔案。",
        f"'{name}' is too large or complex to check; resize the photo or re-save the PDF.",
    )


def check_error(file: FileUnderCheck) -> CheckOutcome:
    name = display_name(file.original_name)
    return fail(
        file.file_id,
        CheckCode.CHECK_ERROR,
        f"「{name}」無法自動檢查，請重新拍攝或重新匯出後再上傳。",
        f"'{name}' could not be checked; take the photo or export the file again.",
    )
