"""The check stage: every stage listed here, in order."""

from collections.abc import Callable

from moderation.checks.base import (
    CheckContext,
    CheckOutcome,
    CheckReport,
    FileFacts,
    FileUnderCheck,
)
from moderation.checks.filetype import check_file_type
from moderation.checks.images import check_image
from moderation.checks.pdfs import check_pdf
from moderation.checks.sizes import check_counts, check_sizes

FileStage = Callable[[FileUnderCheck, FileFacts, CheckContext], list[CheckOutcome]]
SubmissionStage = Callable[[list[FileUnderCheck], CheckContext], list[CheckOutcome]]

SUBMISSION_STAGES: tuple[SubmissionStage, ...] = (check_counts, check_sizes)
FILE_STAGES: tuple[FileStage, ...] = (check_file_type, check_image, check_pdf)


def run_checks(files: list[FileUnderCheck], ctx: CheckContext) -> CheckReport:
    report = CheckReport()
    for submission_stage in SUBMISSION_STAGES:
        report.outcomes.extend(submission_stage(files, ctx))
    for file in files:
        facts = report.facts.setdefault(file.file_id, FileFacts())
        for stage in FILE_STAGES:
            outcomes = stage(file, facts, ctx)
            report.outcomes.extend(outcomes)
            if any(not o.ok for o in outcomes):
                break
    return report
