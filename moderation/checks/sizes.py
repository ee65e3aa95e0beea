"""Size per file and per submission, and the number of files in each category.

The rules and their words are `moderation.file_rules`: the request path refuses by the same.
"""

from collections import Counter

from moderation.checks.base import (
    CheckCode,
    CheckContext,
    CheckOutcome,
    FileUnderCheck,
    display_name,
    fail,
    ok,
)
from moderation.file_rules import Problem, SizedFile


def _outcome(problem: Problem) -> CheckOutcome:
    return fail(problem.file_id, CheckCode(problem.code), problem.message, problem.message_en)


def check_sizes(files: list[FileUnderCheck], ctx: CheckContext) -> list[CheckOutcome]:
    sized = [SizedFile(f.file_id, display_name(f.original_name), f.size) for f in files]
    problems = ctx.rules.size_problems(sized)
    return [_outcome(p) for p in problems] or [ok(None, CheckCode.SIZES)]


def check_counts(files: list[FileUnderCheck], ctx: CheckContext) -> list[CheckOutcome]:
    counts = Counter(str(f.category) for f in files)
    problems = ctx.rules.count_problems(counts)
    return [_outcome(p) for p in problems] or [ok(None, CheckCode.FILE_COUNTS)]
