"""OCR pre-fill of identity documents and household registers (issue 6).

Reads the ID card and the 戶籍謄本 with tesseract (chi_tra) and compares what it finds with what
the family declared, field by field, for the reviewer. See prefill.py for the entry points.
"""

from .prefill import (
    Summary,
    not_found_fields,
    prefill_identity_document,
    prefill_relationship_document,
    summary_flag,
)
from .types import Declared, OcrSource, PrefillField, Status, declaration

__all__ = [
    "Declared",
    "OcrSource",
    "PrefillField",
    "Status",
    "Summary",
    "declaration",
    "not_found_fields",
    "prefill_identity_document",
    "prefill_relationship_document",
    "summary_flag",
]
