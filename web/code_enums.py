"""The closed sets of codes the response bodies carry, as OpenAPI enums: client generators make
types of them, and the fuzz tests check every served code is one of them. The values stay plain
strings in the models (a stored code from an older version still serves)."""

from collections.abc import Iterable
from typing import Any

from moderation.checks.base import CheckCode
from moderation.file_rules import FileCategory
from moderation.ocr.types import Status as PrefillStatus
from moderation.reasons import REASONS
from moderation.text import TextCode


def enum_of(values: Iterable[str], *, nullable: bool = False) -> dict[str, Any]:
    """`json_schema_extra` for a string field that takes only these values (or null)."""
    found: list[str | None] = sorted(set(values))
    return {"enum": [*found, None] if nullable else found}


#: A reviewer's rejection reasons.
REASON_CODES = enum_of(r.code for r in REASONS)
REASON_CODES_OR_NULL = enum_of((r.code for r in REASONS), nullable=True)
#: What the automated checks (files and text) can find.
CHECK_CODES = enum_of([*CheckCode, *TextCode])
#: Why a family's submission was sent back or refused: a check's code or a reviewer's reason.
FAMILY_REASON_CODES = enum_of([*CheckCode, *TextCode, *(r.code for r in REASONS)])
FILE_CATEGORIES = enum_of(FileCategory)
PREFILL_STATUSES = enum_of(PrefillStatus)
