"""OCR of a post's photos: writing in them is flagged for the reviewer, and the phone numbers
or links it holds as well. An aid only: a failure leaves no flag, never a stuck post."""

import logging
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.metrics import OCR_STAGE_SECONDS
from moderation.flags import FlagCode, flag, text_flags, without
from moderation.ocr.photo_text import text_in_photo
from storage.models import Attempt, StoredFile, utcnow
from usecases.runtime import Runtime
from usecases.transaction import transaction

log = logging.getLogger(__name__)


def photo_keys(session: Session, attempt_id: str) -> list[tuple[str, str]]:
    photos = session.scalars(
        select(StoredFile).where(
            StoredFile.attempt_id == attempt_id,
            StoredFile.sanitized_key.is_not(None),
            StoredFile.sanitized_type.like("image/%"),
        )
    ).all()
    return [(f.id, f.sanitized_key) for f in photos if f.sanitized_key]


def photo_flags(
    rt: Runtime, attempt_id: str, keys: list[tuple[str, str]], deadline: float, per_photo_s: float
) -> int:
    """Flag writing found in a post's photos, and phone numbers or links within it."""
    found = []
    for file_id, key in keys:
        left = min(per_photo_s, deadline - time.monotonic())
        if left <= 0:
            break
        started = time.perf_counter()
        try:
            with rt.files.working_copy(key) as path:
                text = text_in_photo(path, timeout_s=left)
        except Exception:  # an aid only: a failure leaves no flag, never a stuck post
            log.exception("photo OCR failed on file %s", file_id)
            continue
        finally:
            OCR_STAGE_SECONDS.labels("photo_text").observe(time.perf_counter() - started)
        if text:
            found.append(text)
    with transaction(rt) as work:
        session = work.session
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or attempt.ocr_done_at is not None:
            return 0
        flags = without(attempt.flags, FlagCode.PHOTO_CONTAINS_TEXT)
        if found:
            excerpt = " / ".join(found)[:200]
            flags.append(
                flag(
                    FlagCode.PHOTO_CONTAINS_TEXT,
                    f"照片中有文字：{excerpt}",
                    f"Text found in a photo: {excerpt}",
                )
            )
            known = {f["code"] for f in flags}
            flags += [f for f in text_flags(*found) if f["code"] not in known]
        attempt.flags = flags
        attempt.ocr_done_at = utcnow()
    return len(found)
