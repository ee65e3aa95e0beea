"""The item detail in one statement: the item's rows that are one each (family, institution,
current attempt, post, application, inmate, holder) as plain columns, and its short lists
(files, checks, OCR pre-fill, the family's strikes, staff notes, earlier posts) as JSON arrays
built by the database in correlated subqueries.

Why: the detail (and claim-next, which answers it) read these in nine statements, six of them
loading ORM objects; each statement's round trip, result handling and object loading cost more
CPU than the rows themselves (a few each). One statement of columns costs about one of them.

The arrays come back unordered and with times in the database's own text: `CaseRow` sorts
them and gives times as aware UTC datetimes, so callers see what the ORM would have given.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy import type_coerce as coerce
from sqlalchemy.orm import Session, aliased

from moderation.verdicts import Verdict
from storage.models import (
    Account,
    Application,
    Attempt,
    CheckResult,
    Decision,
    FileDuplicate,
    Inmate,
    Institution,
    Post,
    PrefillField,
    ReviewNote,
    Staff,
    StoredFile,
    Strike,
    Submission,
)
from storage.queries import is_current_attempt
from storage.strike_counts import counting

#: The family's other submissions, and other posts, inside the item's statement.
_FAMILYS = aliased(Submission)
_OTHER = aliased(Submission)
_OTHER_POST = aliased(Post)
_OTHER_ATTEMPT = aliased(Attempt)
_WRITER = aliased(Staff)
_LINKED_FILE = aliased(StoredFile)


def parse_time(value: str | None) -> datetime | None:
    """A time as the JSON functions write it (PostgreSQL: ISO with its zone; SQLite: the naive
    UTC text SQLAlchemy stored) as an aware UTC datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _json_list(dialect: str, fields: dict[str, ColumnElement[Any]], query: Select[Any]) -> Any:
    """A correlated subquery: `query`'s rows as a JSON array of arrays of `fields`' values
    (arrays, not objects: the keys would lengthen the statement past what psycopg caches the
    parsing of, 4 kB; `read_case` names the values again)."""
    if dialect == "postgresql":
        rows = func.coalesce(
            func.json_agg(func.json_build_array(*fields.values())), literal_column("'[]'")
        )
    else:
        rows = func.json_group_array(func.json_array(*fields.values()))
    return query.with_only_columns(coerce(rows, JSON), maintain_column_froms=True).scalar_subquery()


def _columns(*columns: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
    return {c.key: c for c in columns}  # type: ignore[misc]


_FILES = _columns(
    StoredFile.id,
    StoredFile.category,
    StoredFile.original_name,
    StoredFile.declared_type,
    StoredFile.detected_type,
    StoredFile.size,
    StoredFile.width,
    StoredFile.height,
    StoredFile.pages,
    StoredFile.sanitized_key,
    StoredFile.preview_key,
    StoredFile.sha256,
    StoredFile.phash,
)
_CHECKS = _columns(
    CheckResult.id,
    CheckResult.file_id,
    CheckResult.code,
    CheckResult.ok,
    CheckResult.message,
    CheckResult.message_en,
)
_PREFILL = _columns(
    PrefillField.id,
    PrefillField.file_id,
    PrefillField.field,
    PrefillField.value,
    PrefillField.expected,
    PrefillField.status,
    PrefillField.confidence,
    PrefillField.source_text,
)
_STRIKES = _columns(
    Strike.id,
    Strike.created_at,
    Strike.reason_code,
    Strike.submission_id,
    Strike.appeal_text,
    Strike.appealed_at,
    Strike.appeal_outcome,
    Strike.appeal_decided_at,
)
_NOTES = {**_columns(ReviewNote.id, ReviewNote.created_at, ReviewNote.text, ReviewNote.staff_id)}
_NOTES["staff_name"] = _WRITER.name
_EARLIER = {
    "id": _OTHER.id,
    "title": _OTHER_ATTEMPT.title,
    "status": _OTHER.status,
    "submitted_at": _OTHER.submitted_at,
    "decided_at": _OTHER.decided_at,
}


def _lists(dialect: str) -> list[Any]:
    def of(fields: dict[str, ColumnElement[Any]], query: Select[Any]) -> Any:
        return _json_list(dialect, fields, query)

    return [
        of(_FILES, select(StoredFile.id).where(StoredFile.attempt_id == Attempt.id)),
        of(_CHECKS, select(CheckResult.id).where(CheckResult.attempt_id == Attempt.id)),
        of(_PREFILL, select(PrefillField.id).where(PrefillField.attempt_id == Attempt.id)),
        of(
            _STRIKES,
            select(Strike.id).where(Strike.account_id == Account.id, Strike.withdrawn_at.is_(None)),
        ),
        of(
            _NOTES,
            select(ReviewNote.id)
            .outerjoin(_WRITER, _WRITER.id == ReviewNote.staff_id)
            .where(ReviewNote.submission_id == Submission.id),
        ),
        # The family's other posts under the same service application (none for an application).
        of(
            _EARLIER,
            select(_OTHER.id)
            .join(_OTHER_POST, _OTHER_POST.id == _OTHER.id)
            .join(
                _OTHER_ATTEMPT,
                (_OTHER_ATTEMPT.submission_id == _OTHER.id)
                & (_OTHER_ATTEMPT.number == _OTHER.attempt),
            )
            .where(_OTHER_POST.application_id == Post.application_id, _OTHER.id != Submission.id),
        ),
    ]


def _rejections() -> Any:
    """The family's rejections that stand (a reopened item's rejection was taken back)."""
    return (
        select(func.count())
        .select_from(Decision)
        .join(_FAMILYS, _FAMILYS.id == Decision.submission_id)
        .where(
            _FAMILYS.account_id == Account.id,
            Decision.decision == Verdict.REJECT,
            Decision.reversed_at.is_(None),
        )
        .scalar_subquery()
    )


_ONE_EACH = (
    Account.id.label("account_id"),
    Account.name.label("account_name"),
    Account.national_id,
    Account.birth_date,
    Account.suspended_until,
    Institution.code.label("institution_code"),
    Institution.name.label("institution_name"),
    Attempt.id.label("attempt_id"),
    Attempt.status.label("attempt_status"),
    Attempt.submitted_at,
    Attempt.title,
    Attempt.body,
    Attempt.flags,
    Attempt.ocr_started_at,
    Attempt.ocr_done_at,
    Post.id.label("post_id"),
    Post.application_id,
    Post.delivered_at,
    Application.id.label("application_id_own"),
    Application.relationship,
    Application.relationship_degree,
    Inmate.callsign,
    Inmate.name.label("inmate_name"),
    Inmate.youngest_child_birth_date,
    Inmate.restricted_until,
    Staff.name.label("holder_name"),
    _rejections().label("rejection_count"),
    select(func.count())
    .select_from(Strike)
    .where(*counting(Account.id))
    .scalar_subquery()
    .label("strike_count"),
    # Whether another family sent one of these files: only then are the links read.
    exists()
    .where(FileDuplicate.file_id == _LINKED_FILE.id, _LINKED_FILE.attempt_id == Attempt.id)
    .label("has_duplicates"),
)
_LIST_NAMES = ("files", "checks", "prefill", "strikes", "notes", "earlier_posts")
#: Each list's value names, in the order `_lists` selects them.
_FIELDS = (_FILES, _CHECKS, _PREFILL, _STRIKES, _NOTES, _EARLIER)


def _statement(dialect: str) -> Select[Any]:
    lists = [q.label(name) for q, name in zip(_lists(dialect), _LIST_NAMES, strict=True)]
    return (
        select(*_ONE_EACH, *lists)
        .select_from(Submission)
        .join(Account, Account.id == Submission.account_id)
        .join(Institution, Institution.id == Submission.institution_id)
        .join(Attempt, is_current_attempt())
        .outerjoin(Post, Post.id == Submission.id)
        # A post's inmate is its service application's; an application's is its own.
        .outerjoin(Application, Application.id == func.coalesce(Post.application_id, Submission.id))
        .outerjoin(Inmate, Inmate.id == Application.inmate_id)
        .outerjoin(Staff, Staff.id == Submission.claimed_by)
        .where(Submission.id == bindparam("item_id"))
    )


#: Built once per dialect (a statement this size costs more CPU to build than to run).
_STATEMENTS: dict[str, Select[Any]] = {}

#: Each list's times, and its order (as the ORM queries gave it).
_TIMES = {
    "strikes": ("created_at", "appealed_at", "appeal_decided_at"),
    "notes": ("created_at",),
    "earlier_posts": ("submitted_at", "decided_at"),
}


@dataclass(frozen=True)
class CaseRow:
    """The item's one-each columns (`row`, by label) and its lists, in the order the ORM
    queries gave them (files as stored), times parsed."""

    row: Any
    lists: dict[str, list[dict[str, Any]]]


def read_case(session: Session, item_id: str) -> CaseRow:
    dialect = session.get_bind().dialect.name
    statement = _STATEMENTS.get(dialect)
    if statement is None:
        statement = _STATEMENTS[dialect] = _statement(dialect)
    row = session.execute(statement, {"item_id": item_id}).one()
    lists = {}
    for name, fields in zip(_LIST_NAMES, _FIELDS, strict=True):
        value = getattr(row, name)
        values: list[list[Any]] = json.loads(value) if isinstance(value, str) else value
        items = [dict(zip(fields, v, strict=True)) for v in values]
        for item in items:
            for key in _TIMES.get(name, ()):
                item[key] = parse_time(item[key])
        lists[name] = items
    lists["checks"].sort(key=lambda c: c["id"])
    lists["prefill"].sort(key=lambda p: p["id"])
    lists["strikes"].sort(key=lambda s: (s["created_at"], s["id"]))
    lists["notes"].sort(key=lambda n: (n["created_at"], n["id"]))
    lists["earlier_posts"].sort(key=lambda p: p["submitted_at"], reverse=True)
    return CaseRow(row, lists)
