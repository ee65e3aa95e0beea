"""The append-only audit log: who looked at which family's file, who decided what."""

from typing import Any

from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from storage.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: AuditAction,
    *,
    submission_id: str | None = None,
    file_id: str | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action.value,
            submission_id=submission_id,
            file_id=file_id,
            detail=detail,
        )
    )
