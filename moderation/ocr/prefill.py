"""The two entry points the workers call, and the reviewer's one-line summary.

Never raises: an unreadable file, an OCR timeout or a crash leaves the fields "not found". These
are aids for the reviewer; nothing is refused on OCR alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import NamedTuple, Protocol

from .compose import compose_lines
from .reader import read_document, reread
from .register import register_fields
from .text import Line, folded
from .types import Declared, OcrSource, PrefillField, Status, not_found
from .verify import verify_birth_date, verify_id, verify_name

log = logging.getLogger(__name__)

_RANK = {Status.MATCH: 2, Status.MISMATCH: 1, Status.NOT_FOUND: 0}
#: Order and labels (Traditional Chinese, English) of the summary flag in the review queue.
LABELS = {
    "national_id": ("身分證號", "ID no."),
    "name": ("姓名", "name"),
    "birth_date": ("出生日期", "birth date"),
    "relationship": ("關係", "relationship"),
    "inmate_name": ("收容人姓名", "inmate"),
}
MARKS = {Status.MATCH: "✓", Status.MISMATCH: "✗", Status.NOT_FOUND: "?"}
#: Across files for the summary: a mismatch anywhere must not hide behind a match elsewhere
#: (someone else's card next to one's own), so ✗ wins, then ✓, then ?.
_SUMMARY_RANK = {Status.MISMATCH: 2, Status.MATCH: 1, Status.NOT_FOUND: 0}


def _better(a: PrefillField, b: PrefillField) -> PrefillField:
    """Across pages and files: a match anywhere wins, then a mismatch, then the surer one,
    then the one that says something (a not_found with its reason over a bare one), then
    `b`, the later reading (its reason rests on more of the document)."""
    return max((b, a), key=lambda f: (_RANK[Status(f.status)], f.confidence, bool(f.source_text)))


def _card_fields(lines: list[Line], d: Declared) -> list[PrefillField]:
    id_field = verify_id(lines, d.national_id)
    name = verify_name(lines, d.name, id_confirmed=id_field.status == Status.MATCH)
    return [name, id_field, verify_birth_date(lines, d.birth_date, skip_issue=True)]


#: Per document kind: the verifier of one page's lines, and the fields it reports.
VERIFIERS: dict[str, Callable[[list[Line], Declared], list[PrefillField]]] = {
    "card": _card_fields,
    "register": register_fields,
}


def verify(kind: str, lines: list[Line], d: Declared) -> list[PrefillField]:
    """The verdicts for `lines`, names compared in one variant form (晋/晉 alike); each
    field's `expected` is what was declared, as declared."""
    folded_names = replace(
        d, name=folded(d.name), inmate_name=folded(d.inmate_name) if d.inmate_name else None
    )
    declared = {"name": d.name, "inmate_name": d.inmate_name}
    return [replace(f, expected=declared[f.field]) if f.field in declared else f
            for f in VERIFIERS[kind](lines, folded_names)]  # fmt: skip


def not_found_fields(kind: str, d: Declared) -> list[PrefillField]:
    """Every field of a `kind` document as not found: for a file OCR could not read at all."""
    fields = [
        not_found("name", d.name),
        not_found("national_id", d.national_id),
        not_found("birth_date", d.birth_date.isoformat()),
    ]
    if kind == "register":
        fields += [
            not_found("relationship", d.relationship),
            not_found("inmate_name", d.inmate_name),
        ]
    return fields


def merge_pages(
    kind: str, readings: Iterable[tuple[int, list[Line]]], d: Declared
) -> list[PrefillField]:
    """Verify each pass over all pages read so far (a register's applicant and inmate may be on
    different pages); keep the best verdict per field; stop once everything matches. For
    readings made elsewhere (the benchmark verifies raw tesseract's text with it)."""
    best = not_found_fields(kind, d)
    seen: dict[int, list[Line]] = {}
    for pass_no, lines in readings:
        seen.setdefault(pass_no, []).extend(lines)
        fields = verify(kind, seen[pass_no], d)
        best = [_better(b, f) for b, f in zip(best, fields, strict=True)]
        if all(f.status == Status.MATCH for f in best):
            break
    return best


def _run(sources: list[OcrSource], d: Declared, kind: str, timeout_s: float) -> list[PrefillField]:
    """Pass 1 page by page, stopping once every field matches; then pass 2 on all pages."""
    deadline = time.monotonic() + timeout_s
    best = not_found_fields(kind, d)
    try:
        pages = []
        for page in read_document(sources, kind, deadline):
            pages.append(page)
            fields = verify(kind, [line for p in pages for line in p.lines], d)
            best = [_better(b, f) for b, f in zip(best, fields, strict=True)]
            if all(f.status == Status.MATCH for f in best):
                return best
        settled = frozenset(f.field for f in best if f.status == Status.MATCH)
        for page in pages:
            reread(page, deadline, settled)
        if pages:  # a register's applicant and inmate may be on different pages
            fields = verify(kind, [line for p in pages for line in compose_lines(p, d)], d)
            best = [_better(b, f) for b, f in zip(best, fields, strict=True)]
        return best
    except Exception:  # never let OCR fail a submission: log it, a reviewer still decides
        log.exception("OCR pre-fill failed")
        return best


def prefill_identity_document(
    sources: list[OcrSource], declared: Declared, *, timeout_s: float = 30.0
) -> list[PrefillField]:
    """Name, ID number and birth date from an ID card (國民身分證, front), against `declared`."""
    return _run(sources, declared, "card", timeout_s)


def prefill_relationship_document(
    sources: list[OcrSource], declared: Declared, *, timeout_s: float = 30.0
) -> list[PrefillField]:
    """The applicant's row (name, ID, birth date), the inmate's row and their relationship."""
    return _run(sources, declared, "register", timeout_s)


class Verdict(Protocol):
    """A field's verdict from one file: moderation.ocr.PrefillField or a stored row."""

    @property
    def field(self) -> str: ...
    @property
    def status(self) -> str: ...


class Summary(NamedTuple):
    message: str  # Traditional Chinese, for the reviewer's queue
    message_en: str


def field_verdicts(fields: Iterable[Verdict]) -> dict[str, Status]:
    """One verdict per field across all files: ✗ if any file's is a mismatch, else ✓ if any
    is a match, else ?."""
    out: dict[str, Status] = {}
    for f in fields:
        seen = out.get(f.field, Status.NOT_FOUND)
        out[f.field] = max(seen, Status(f.status), key=_SUMMARY_RANK.__getitem__)
    return out


def summary_flag(fields: Iterable[Verdict]) -> Summary:
    """One line for the review queue, e.g. "身分證號 ✓、姓名 ✓、出生日期 ✓、關係 ✗"."""
    verdicts = field_verdicts(fields)
    if not verdicts:
        return Summary("文件辨識：沒有讀到任何欄位", "OCR: nothing read")
    order = sorted(verdicts, key=lambda f: list(LABELS).index(f) if f in LABELS else 99)
    zh = [f"{LABELS.get(f, (f, f))[0]} {MARKS[verdicts[f]]}" for f in order]
    en = [f"{LABELS.get(f, (f, f))[1]} {MARKS[verdicts[f]]}" for f in order]
    return Summary("、".join(zh), ", ".join(en))
