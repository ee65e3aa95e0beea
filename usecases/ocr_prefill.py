"""OCR pre-fill for one attempt: load, call moderation.ocr, save. Safe to run twice.

Runs on its own queue ("ocr") so operators scale OCR workers apart from the quick checks. A
failure or a timeout leaves the fields "not found"; it never holds the submission back: the
item is already in the review queue while OCR runs, and OCR only adds aids for the reviewer.

Time: an attempt's files share one budget; each file gets what is left of it (up to a ceiling
per file) and its fields are saved as soon as it is read, so a worker killed part-way keeps
what it did and the next try reads only the rest. Every take counts a try; once the tries are
used up the attempt is closed with what was read, the rest "not found", and a flag.
"""

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session

from core.logs import bind
from core.metrics import OCR_STAGE_SECONDS
from moderation.file_rules import FileCategory
from moderation.flags import FlagCode, flag, without
from moderation.kinds import SubmissionKind
from moderation.ocr import (
    Declared,
    OcrSource,
    declaration,
    not_found_fields,
    prefill_identity_document,
    prefill_relationship_document,
    summary_flag,
)
from moderation.ocr import PrefillField as OcrField
from storage.models import (
    Account,
    Application,
    Attempt,
    Inmate,
    PrefillField,
    StoredFile,
    Submission,
    utcnow,
)
from usecases.ocr_photos import photo_flags, photo_keys
from usecases.runtime import Runtime
from usecases.transaction import transaction

log = logging.getLogger(__name__)

#: All of an attempt's documents together (up to 8 files); each file gets what is left.
OCR_BUDGET_S = 300.0
#: One file's share at most, so that one huge or hostile file cannot use up the others' time
#: (a register page takes 1-3 s, a card under 1 s).
OCR_FILE_TIMEOUT_S = 60.0
#: The actor's own limit: the budget plus loading pages (rasterising a PDF page ~3 s) and saving.
OCR_TIME_LIMIT_S = OCR_BUDGET_S + 60.0
#: Takes of one attempt's OCR before it is given up: a file that kills or outlasts every try
#: must not be re-sent for ever.
MAX_OCR_TRIES = 3
GAVE_UP = flag(
    FlagCode.OCR_GAVE_UP,
    f"自動文字辨識（OCR）已試 {MAX_OCR_TRIES} 次仍未完成，未讀到的欄位請自行比對文件。",
    f"OCR gave up after {MAX_OCR_TRIES} tries: compare the fields it did not read "
    "with the documents yourself.",
)
#: Document kind per file category, and how each is read.
_KIND = {FileCategory.IDENTITY: "card", FileCategory.RELATIONSHIP: "register"}
_READ = {"card": prefill_identity_document, "register": prefill_relationship_document}

Job = tuple[str, str, str]  # file id, document kind, file-store key


def declared_for(session: Session, submission: Submission) -> Declared | None:
    """What the family declared: the account, the roster's inmate name, the relationship."""
    application = session.get(Application, submission.id)
    account = session.get(Account, submission.account_id)
    if application is None or account is None:
        return None
    inmate = session.get(Inmate, application.inmate_id)
    return declaration(
        account, inmate_name=inmate.name if inmate else None, relationship=application.relationship
    )


def _source(f: StoredFile) -> str:
    # The sanitized image when there is one (no metadata, orientation applied); a PDF as is:
    # moderation.ocr extracts its embedded scan with the right DPI.
    return (
        f.sanitized_key
        if f.sanitized_key and f.detected_type != "application/pdf"
        else f.storage_key
    )


def claim_stale_after(rt: Runtime) -> timedelta:
    return timedelta(seconds=rt.settings.ocr_claim_stale_after_s)


def unclaimed(rt: Runtime, now: datetime) -> ColumnElement[bool]:
    """Nobody runs this attempt's OCR: never taken, or the claim was not renewed in time."""
    return or_(
        Attempt.ocr_started_at.is_(None), Attempt.ocr_started_at < now - claim_stale_after(rt)
    )


def _take(rt: Runtime, attempt_id: str) -> bool:
    """Compare-and-set the OCR claim, counting the try: one message runs it; duplicates (a
    sweeper re-send, a re-delivery) stand down unless the claim is old enough that its worker
    must have died, and nobody takes it once the tries are used up."""
    now = utcnow()
    with transaction(rt) as work:
        session = work.session
        taken = session.execute(
            update(Attempt)
            .where(
                Attempt.id == attempt_id,
                Attempt.ocr_done_at.is_(None),
                Attempt.ocr_tries < MAX_OCR_TRIES,
                unclaimed(rt, now),
            )
            .values(ocr_started_at=now, ocr_tries=Attempt.ocr_tries + 1)
        ).rowcount  # type: ignore[attr-defined]
    return bool(taken == 1)


def _pending(rt: Runtime, session: Session, attempt_id: str) -> list[Job]:
    """The attempt's documents that have no fields saved yet (an earlier try saved the rest)."""
    done = select(PrefillField.file_id).where(PrefillField.attempt_id == attempt_id)
    files = session.scalars(
        select(StoredFile)
        .where(
            StoredFile.attempt_id == attempt_id,
            StoredFile.category.in_(list(_KIND)),
            StoredFile.detected_type.is_not(None),
            StoredFile.original_erased_at.is_(None),  # erased (closed account): nothing to read
            StoredFile.id.not_in(done),
        )
        .order_by(StoredFile.category, StoredFile.id)
    ).all()
    return [(f.id, _KIND[FileCategory(f.category)], _source(f)) for f in files]


def _store(session: Session, attempt_id: str, file_id: str, fields: list[OcrField]) -> None:
    session.execute(
        delete(PrefillField).where(
            PrefillField.attempt_id == attempt_id, PrefillField.file_id == file_id
        )
    )
    session.add_all(
        PrefillField(
            attempt_id=attempt_id,
            file_id=file_id,
            field=f.field,
            value=f.value,
            expected=f.expected,
            status=f.status,
            confidence=f.confidence,
            source_text=f.source_text[:500],
        )
        for f in fields
    )


def _close(session: Session, attempt: Attempt, *extra: dict[str, Any]) -> int:
    """Write the queue's summary from every file's saved fields and mark the OCR done."""
    rows = session.scalars(select(PrefillField).where(PrefillField.attempt_id == attempt.id)).all()
    flags = without(attempt.flags, FlagCode.OCR_SUMMARY, FlagCode.OCR_GAVE_UP)
    if rows:
        summary = summary_flag(rows)
        flags.append(flag(FlagCode.OCR_SUMMARY, summary.message, summary.message_en))
    attempt.flags = [*flags, *extra]
    attempt.ocr_done_at = utcnow()
    return len(rows)


def give_up(rt: Runtime, attempt_id: str) -> bool:
    """Close an attempt whose OCR was taken MAX_OCR_TRIES times without finishing (and is not
    running now): the files no try finished get "not found" fields, and the reviewer a flag."""
    now = utcnow()
    with transaction(rt) as work:
        session = work.session
        closing = session.execute(
            update(Attempt)
            .where(
                Attempt.id == attempt_id,
                Attempt.ocr_done_at.is_(None),
                Attempt.ocr_tries >= MAX_OCR_TRIES,
                unclaimed(rt, now),
            )
            .values(ocr_started_at=now)
        ).rowcount  # type: ignore[attr-defined]
        attempt = session.get(Attempt, attempt_id)
        submission = session.get(Submission, attempt.submission_id) if attempt else None
        if closing != 1 or attempt is None or submission is None:
            return False
        is_post = submission.kind == SubmissionKind.POST
        declared = None if is_post else declared_for(session, submission)
        if declared is not None:
            for file_id, kind, _ in _pending(rt, session, attempt_id):
                _store(session, attempt_id, file_id, not_found_fields(kind, declared))
        session.flush()
        _close(session, attempt, GAVE_UP)
    log.warning("OCR of attempt %s given up after %d tries", attempt_id, MAX_OCR_TRIES)
    return True


def run_ocr(rt: Runtime, attempt_id: str) -> int:
    """Pre-fill an application's documents, or flag text in a post's photos. Returns how many
    fields (or photos with text) were stored."""
    if not _take(rt, attempt_id):
        give_up(rt, attempt_id)  # acts only once the tries are used up and nobody holds it
        return 0
    deadline = time.monotonic() + OCR_BUDGET_S
    with transaction(rt) as work:
        session = work.session
        attempt = session.get(Attempt, attempt_id)
        submission = session.get(Submission, attempt.submission_id) if attempt else None
        if attempt is None or submission is None:
            return 0
        bind(submission_id=submission.id)
        is_post = submission.kind == SubmissionKind.POST
        if is_post:
            keys = photo_keys(session, attempt_id)
        else:
            declared = declared_for(session, submission)
            jobs = _pending(rt, session, attempt_id) if declared else []
    # OCR runs outside any transaction: it may take seconds, and SQLite has one writer.
    if is_post:
        return photo_flags(rt, attempt_id, keys, deadline, OCR_FILE_TIMEOUT_S / 3)
    for file_id, kind, key in jobs:
        assert declared is not None
        with rt.files.working_copy(key) as path:
            fields = _read(kind, OcrSource(path), declared, deadline)
        with transaction(rt) as work:  # saved at once: a kill later keeps this file's fields
            session = work.session
            _store(session, attempt_id, file_id, fields)
            # Renew the claim before the next document: alive, and not to be taken over.
            session.execute(
                update(Attempt).where(Attempt.id == attempt_id).values(ocr_started_at=utcnow())
            )
    with transaction(rt) as work:
        session = work.session
        attempt = session.get(Attempt, attempt_id)
        return _close(session, attempt) if attempt and attempt.ocr_done_at is None else 0


def _read(kind: str, source: OcrSource, declared: Declared, deadline: float) -> list[OcrField]:
    """One file's fields within what is left of the budget; never empty, never raises."""
    left = min(OCR_FILE_TIMEOUT_S, deadline - time.monotonic())
    if left <= 0:  # the budget is spent: the reviewer sees every field as not found
        return not_found_fields(kind, declared)
    started = time.perf_counter()
    try:
        return _READ[kind]([source], declared, timeout_s=left)
    except Exception:  # OCR is an aid: a crash must not hold anything back
        log.exception("OCR failed on %s", source.path)
        return not_found_fields(kind, declared)
    finally:
        OCR_STAGE_SECONDS.labels(kind).observe(time.perf_counter() - started)
