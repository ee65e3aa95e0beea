"""Every look at a family's item or file, recorded before it is shown (the audit log)."""

from dataclasses import dataclass
from enum import StrEnum

from moderation.audit import AuditAction
from moderation.errors import ErrorCode, Gone, NotFound
from moderation.staff import StaffMember
from moderation.statuses import NOT_CHECKED, Status
from storage.audit import record
from storage.models import Attempt, StoredFile, Submission
from usecases.review.access import item_not_found, visible_item
from usecases.transaction import UnitOfWork


class FileVariant(StrEnum):
    #: The checks' re-encoded copy without metadata: what reviewers read.
    SANITIZED = "sanitized"
    #: What the family sent, unchecked by any re-encoding: a download, never rendered.
    ORIGINAL = "original"
    #: A small JPEG of the first page or the picture.
    PREVIEW = "preview"


@dataclass(frozen=True)
class FileToServe:
    file_id: str
    storage_key: str
    media_type: str


def open_item(work: UnitOfWork, staff: StaffMember, item_id: str) -> Submission:
    """The item, its look recorded and committed: the caller shows it (no second lookup)."""
    submission = visible_item(work.session, staff, item_id)
    record(work.session, staff.actor, AuditAction.VIEW_ITEM, submission_id=submission.id)
    work.commit()
    return submission


def open_file(
    work: UnitOfWork, staff: StaffMember, item_id: str, file_id: str, variant: FileVariant
) -> FileToServe:
    session = work.session
    submission = visible_item(session, staff, item_id)
    row = session.get(StoredFile, file_id)
    attempt = session.get(Attempt, row.attempt_id) if row else None
    if (
        row is None
        or attempt is None
        or attempt.submission_id != submission.id
        or Status(attempt.status) in NOT_CHECKED  # files the checks refused stay with the family
    ):
        raise item_not_found()
    key, media_type = {
        FileVariant.ORIGINAL: (
            row.storage_key,
            row.detected_type or "application/octet-stream",
        ),
        FileVariant.SANITIZED: (row.sanitized_key, row.sanitized_type),
        FileVariant.PREVIEW: (row.preview_key, "image/jpeg"),
    }[variant]
    erased = row.original_erased_at if variant == FileVariant.ORIGINAL else row.copies_erased_at
    if erased is not None:
        raise Gone(
            code=ErrorCode.FILE_ERASED,
            message="這個檔案已刪除（保存期限屆滿，或家屬已關閉帳號）；審核紀錄仍保留。",
            message_en="This file was erased (its retention ended, or the family closed its "
            "account); the review record stays.",
        )
    if key is None or media_type is None:
        raise NotFound(
            code=ErrorCode.VARIANT_NOT_AVAILABLE,
            message="這個檔案沒有安全處理過的版本，請改看原始檔（會記錄在稽核紀錄）。",
            message_en="No such variant of this file; ask for variant=original.",
        )
    record(
        session,
        staff.actor,
        AuditAction.VIEW_FILE,
        submission_id=submission.id,
        file_id=row.id,
        variant=variant.value,
    )
    work.commit()
    return FileToServe(row.id, key, media_type)
