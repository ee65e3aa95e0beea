"""A failed check report as one refusal, for uploads checked while the uploader waits.

Families' files are checked by workers and a failure becomes 待補件 with reasons. Staff files
(the institution's book) are checked in the request, so the same outcomes become an error
answer instead: the first failure's code, every failure's words, all of them under `reasons`.
"""

from moderation.checks.base import CheckCode, CheckOutcome, CheckReport
from moderation.errors import FamilybookError, InvalidInput, TooLarge, UnsupportedType

#: Failures that mean "not a type we take" (415): the wrong type, or another type hidden in it.
TYPE_REFUSALS = frozenset({CheckCode.FILE_TYPE, CheckCode.FILE_POLYGLOT})
#: Failures that mean "too large" (413). Everything else is a file we cannot use (422).
SIZE_REFUSALS = frozenset({CheckCode.FILE_TOO_LARGE, CheckCode.TOTAL_TOO_LARGE})


def refusal(report: CheckReport) -> FamilybookError | None:
    """None if every check passed; otherwise the error to answer with."""
    failures = report.failures
    if not failures:
        return None
    first = failures[0]
    kind = _error_class(first)
    return kind(
        code=first.code,
        message="".join(_sentence(f.message) for f in failures),
        message_en=" ".join(f.message_en for f in failures),
        extra={
            "reasons": [
                {"code": f.code, "message": f.message, "message_en": f.message_en} for f in failures
            ]
        },
    )


def _error_class(outcome: CheckOutcome) -> type[FamilybookError]:
    if outcome.code in TYPE_REFUSALS:
        return UnsupportedType
    if outcome.code in SIZE_REFUSALS:
        return TooLarge
    return InvalidInput


def _sentence(message: str) -> str:
    return message if message.endswith("。") else message + "。"
