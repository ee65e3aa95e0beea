"""OCR pre-fill for one application attempt: load, call moderation.ocr, save. Safe to run twice.

Runs on its own queue ("ocr") so operators scale OCR workers apart from the quick checks. A
failure or a timeout leaves the fields "not found"; it never holds the submission back: the
item is already in the review queue while OCR runs, and OCR only adds aids for the reviewer.
"""

import logging
from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from familybook.runtime import Runtime
from moderation.checks.base import FileCategory
from moderation.flags import text_flags
from moderation.ocr import (
    Declared,
    OcrSource,
    declaration,
    prefill_identity_document,
    prefill_relationship_document,
    summary_flag,
)
from moderation.ocr import PrefillField as OcrField
from moderation.ocr.photo_text import text_in_photo
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

log = logging.getLogger(__name__)

#: Per document; tesseract gets its own timeout inside moderation.ocr.
OCR_TIMEOUT_S = 60.0
#: Longer than the OCR actor's own time limit: a claim this old belongs to a dead worker.
OCR_CLAIM_STALE_AFTER = timedelta(minutes=8)
SUMMARY_FLAG = "ocr_summary"
PHOTO_TEXT_FLAG = "photo_contains_text"


def declared_for(session: Session, submission: Submission) -> Declared | None:
    """What the family declared: the account, the roster's inmate name, the relationship."""
    application = session.get(Application, submission.id)
    account = session.get(Account, submission.account_id)
    if application is None or account is None:
        return None
    inmate = session.get(Inmate, application.inmate_id)
    return declaration(account, inmate_name=inmate.name if inmate else None,
                       relationship=application.relationship)


def _source(rt: Runtime, f: StoredFile) -> OcrSource:
    # The sanitized image when there is one (no metadata, orientation applied); a PDF as is:
    # moderation.ocr extracts its embedded scan with the right DPI.
    key = (
        f.sanitized_key
        if f.sanitized_key and f.detected_type != "application/pdf"
        else f.storage_key
    )
    return OcrSource(rt.files.path(key))


def _take(rt: Runtime, attempt_id: str) -> bool:
    """Compare-and-set the OCR claim: one message runs it; duplicates (a sweeper re-send, a
    re-delivery) stand down unless the claim is old enough that its worker must have died."""
    now = utcnow()
    with rt.db.session() as session:
        taken = session.execute(
            update(Attempt)
            .where(
                Attempt.id == attempt_id,
                Attempt.ocr_done_at.is_(None),
                or_(
                    Attempt.ocr_started_at.is_(None),
                    Attempt.ocr_started_at < now - OCR_CLAIM_STALE_AFTER,
                ),
            )
            .values(ocr_started_at=now)
        ).rowcount  # type: ignore[attr-defined]
    return bool(taken == 1)


def run_ocr(rt: Runtime, attempt_id: str) -> int:
    """Pre-fill an application's documents, or flag text in a post's photos. Returns how many
    fields (or photos with text) were stored."""
    if not _take(rt, attempt_id):
        return 0
    with rt.db.session() as session:
        attempt = session.get(Attempt, attempt_id)
        submission = session.get(Submission, attempt.submission_id) if attempt else None
        if attempt is None or submission is None or attempt.ocr_done_at is not None:
            return 0  # gone, or a repeated message whose result is already stored
        if submission.kind == "post":
            photos = session.scalars(
                select(StoredFile).where(
                    StoredFile.attempt_id == attempt_id,
                    StoredFile.sanitized_key.is_not(None),
                    StoredFile.sanitized_type.like("image/%"),
                )
            ).all()
            keys = [(f.id, f.sanitized_key) for f in photos]
        else:
            declared = declared_for(session, submission)
            files = session.scalars(
                select(StoredFile).where(
                    StoredFile.attempt_id == attempt_id,
                    StoredFile.category.in_([FileCategory.IDENTITY, FileCategory.RELATIONSHIP]),
                    StoredFile.detected_type.is_not(None),
                )
            ).all()
            jobs = [(f.id, f.category, _source(rt, f)) for f in files]
    # OCR runs outside any transaction: it may take seconds, and SQLite has one writer.
    if submission.kind == "post":
        return _photo_flags(rt, attempt_id, keys)
    if declared is None:
        return 0
    results: list[tuple[str, list[OcrField]]] = []
    for file_id, category, source in jobs:
        read = (
            prefill_identity_document
            if category == FileCategory.IDENTITY
            else prefill_relationship_document
        )
        try:
            fields = read([source], declared, timeout_s=OCR_TIMEOUT_S)
        except Exception:  # OCR is an aid: a crash must not hold anything back
            log.exception("OCR failed on file %s", file_id)
            fields = []
        results.append((file_id, fields))
    return _save(rt, attempt_id, results)


def _photo_flags(rt: Runtime, attempt_id: str, keys: list[tuple[str, str | None]]) -> int:
    """Flag writing found in a post's photos, and phone numbers or links within it."""
    found = []
    for file_id, key in keys:
        if key is None:
            continue
        try:
            text = text_in_photo(rt.files.path(key), timeout_s=OCR_TIMEOUT_S / 3)
        except Exception:  # an aid only: a failure leaves no flag, never a stuck post
            log.exception("photo OCR failed on file %s", file_id)
            continue
        if text:
            found.append(text)
    with rt.db.session() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or attempt.ocr_done_at is not None:
            return 0
        flags = [f for f in (attempt.flags or []) if f.get("code") != PHOTO_TEXT_FLAG]
        if found:
            excerpt = " / ".join(found)[:200]
            flags.append(
                {
                    "code": PHOTO_TEXT_FLAG,
                    "message": f"照片中有文字：{excerpt}",
                    "message_en": f"Text found in a photo: {excerpt}",
                }
            )
            known = {f["code"] for f in flags}
            flags += [f for f in text_flags(*found) if f["code"] not in known]
        attempt.flags = flags
        attempt.ocr_done_at = utcnow()
    return len(found)


def _save(rt: Runtime, attempt_id: str, results: list[tuple[str, list[OcrField]]]) -> int:
    stored = 0
    with rt.db.session() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or attempt.ocr_done_at is not None:
            return 0
        session.execute(delete(PrefillField).where(PrefillField.attempt_id == attempt_id))
        everything = []
        for file_id, fields in results:
            for field in fields:
                everything.append(field)
                session.add(
                    PrefillField(
                        attempt_id=attempt_id,
                        file_id=file_id,
                        field=field.field,
                        value=field.value,
                        expected=field.expected,
                        status=field.status,
                        confidence=field.confidence,
                        source_text=field.source_text[:500],
                    )
                )
                stored += 1
        flags = [f for f in (attempt.flags or []) if f.get("code") != SUMMARY_FLAG]
        if everything:  # one entry per field across the files, in Chinese and in English
            summary = summary_flag(everything)
            flags.append({"code": SUMMARY_FLAG, "message": summary.message,
                          "message_en": summary.message_en})
        attempt.flags = flags
        attempt.ocr_done_at = utcnow()
    return stored
